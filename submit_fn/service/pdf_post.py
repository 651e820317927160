"""A filled copy of a blank PDF form turned into the same answers as a plain form post.

The blank form's fields are named like the web form's controls (submit_fn/pdf/fillable.py),
so each field's value becomes a control of a plain form post and `answers_from_form` does
the rest: one code path for both. Only what paper writes differently is translated: a date
typed as dd/mm/yyyy becomes the ISO date a date control sends, and the tick box of an option
of a multiple choice (`needs.ho-tro-hoc-nghe`) becomes that option of the control `needs`.
The form names its procedure and version (`_procedure`, `_schema_version`), and that version
is used while it is accepted, as `Schema-Version` is for a JSON submission.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from submit_fn.model.procedures import Catalogue, Field, Procedure
from submit_fn.pdf.reading import FilledForm, UnreadablePdf, read_form
from submit_fn.pdf.values import choice_options
from submit_fn.service.form_post import answers_from_form
from submit_fn.service.intake import accepted_version
from submit_fn.service.problems import Problem

PAPER_DATE = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*")


def answers_from_pdf(catalogue: Catalogue, procedure_id: str, data: bytes) -> tuple[Procedure, dict]:
    """The version of the procedure the PDF was made from, and its answers (not yet validated).
    A file that is not a filled copy of this procedure's form is a Problem saying why."""
    try:
        filled = read_form(data)
    except UnreadablePdf as refused:
        raise Problem(f"pdf_{refused.reason}") from None
    current = catalogue[procedure_id]
    if filled.procedure_id != procedure_id:
        sent = catalogue.versions.get(filled.procedure_id[:60])
        raise Problem("pdf_other_procedure", sent=sent[-1].title.vi if sent else filled.procedure_id[:60], expected=current.title.vi)
    procedure = accepted_version(catalogue, procedure_id, filled.version)
    return procedure, answers_from_form(procedure, form_controls(procedure, filled))


def form_controls(procedure: Procedure, filled: FilledForm) -> MultiDict:
    """The fields' values as the controls of a plain form post."""
    controls: MultiDict = MultiDict()
    for name, value in filled.values:
        field = procedure.field_at("/" + name.replace(".", "/"))
        parent, _, option = name.rpartition(".")
        if field is not None and field.name == parent and option in _option_values(field):
            controls.add(parent, option)
        elif field is not None and field.widget == "date":
            controls.add(name, _iso_date(value))
        else:
            controls.add(name, value)
    return controls


def _option_values(field: Field) -> set[str]:
    """The options of a multiple choice, each a tick box of its own on paper."""
    return {option.value for option in choice_options(field)} if field.schema.get("type") == "array" else set()


def _iso_date(text: str) -> str:
    """'15/03/1990' as '1990-03-15'; anything else as typed, for validation to explain."""
    found = PAPER_DATE.fullmatch(text)
    if not found:
        return text
    day, month, year = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
