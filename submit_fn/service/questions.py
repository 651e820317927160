"""A form's questions as HTML, from its schema: the site's form pages (bieu-mau/<id>/, rendered by the
build) and the function's pages for a browser without JavaScript (the form again, with the answers
typed, the errors beside their questions and the wards of the chosen province) render the same
template, templates/_questions.html.j2, with the words in questions.json. After the questions, a
file control for each paper of the schema's `x-documents` (the n-th `documents` part of the
multipart post is the n-th paper).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from submit_fn.model.divisions import provinces, wards_by_province
from submit_fn.model.procedures import Field, Procedure, Text
from submit_fn.model.validation import AnswerError
from submit_fn.service.problems import Problem

LIST_ROWS = 3  # empty rows offered for a repeatable group; the worker fills what applies
INPUT_TYPES = {"date": "date", "tel": "tel", "email": "email", "number": "text", "digits": "text", "money": "text", "text": "text"}
TEMPLATES = Path(__file__).with_name("templates")
WORDS_FILE = Path(__file__).with_name("questions.json")
DOCUMENTS = "documents"  # the file parts of a multipart post (CONTRACT.md)
WARD_STEP = "wards"  # `_step` of the no-JavaScript button that asks for the chosen province's wards
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@cache
def words_file() -> dict[str, Text]:
    raw = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return {key: Text(value["vi"], value["en"]) for key, value in raw.items() if key != "$comment"}


def words(lang: str) -> dict[str, str]:
    return {key: text[lang] for key, text in words_file().items()}


def control_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def shown_when(field: Field) -> str | None:
    """When a question is asked, as data for form.js: {field, values}; several rules add up their values."""
    if field.schema.get("x-layout", {}).get("ask") == "always":
        return None
    controlling, values = None, []
    for condition in field.conditions:
        for name, rule in condition.when.get("properties", {}).items():
            base = condition.base[1:].replace("/", ".")
            controlling = f"{base}.{name}" if base else name
            values += [rule["const"]] if "const" in rule else rule.get("enum", [])
    if controlling is None:
        return None
    return json.dumps({"field": controlling, "values": values}, ensure_ascii=False)


def pattern(field: Field) -> str | None:
    """The schema's pattern for the browser: HTML anchors the pattern itself. None where the
    answer is normalised first (`048 090 012 345` is a right answer the pattern would refuse)."""
    found = field.schema.get("pattern")
    if not found or "|" in found or field.schema.get("x-normalize"):
        return None
    return found.removeprefix("^").removesuffix("$")


def id_card_part(field: Field) -> str | None:
    """The part of the identity card's QR code that fills this question (`x-id-card`), for
    data-id-card; only at the top level, where the questions are the worker's own (a nested name, such
    as the relative reporting on cham-dut, is someone else's)."""
    return field.schema.get("x-id-card") if field.depth == 1 else None


def normalizers(field: Field) -> str:
    """The normalisers a control's answer goes through (docs/assets/js/normalize.js), as data-normalize."""
    return " ".join(field.schema.get("x-normalize", []))


def rows(procedure: Procedure) -> list[dict]:
    """Every question to render in order; a list's members repeated per row; conditions inherited."""
    section_of = {name: section["id"] for section in procedure.sections for name in section["fields"]}
    by_pointer = {f.pointer: f for f in procedure.fields}
    found: list[dict] = []
    for field in procedure.fields:
        if "*" in field.pointer:
            continue  # emitted with their list below
        top = by_pointer["/" + field.pointer.split("/")[1]]
        when = shown_when(field) or shown_when(top)
        # `required` for the browser only when the answer can never be left out
        always = field.required and top.required and not when
        row = {"field": field, "name": field.name, "id": control_id(field.name), "section": section_of.get(top.key),
               "when": when, "index": None, "required": always, "id_card": id_card_part(field)}
        found.append(row)
        if field.kind == "list":
            members = [f for f in procedure.fields if f.pointer.startswith(field.pointer + "/*/")]
            for index in range(LIST_ROWS):
                for member in members:
                    name = member.name.replace("*", str(index))
                    found.append({**row, "field": member, "name": name, "id": control_id(name), "index": index, "required": False,
                                  "id_card": None})
    return found


def document_rows(procedure: Procedure) -> list[dict]:
    """A file control per paper of `x-documents`, in order, named as its errors are (`documents.<n>`, from 0);
    `when` as for questions (form.js shows it only then): {field, values}."""
    return [
        {"name": f"{DOCUMENTS}.{d.position}", "id": f"f-{DOCUMENTS}-{d.id}", "kind": d,
         "when": json.dumps({"field": d.when[0][1:].replace("/", "."), "values": list(d.when[1])}, ensure_ascii=False) if d.when else None}
        for d in procedure.documents
    ]


def document_error(refused: Problem, lang: str) -> AnswerError:
    """A refused document (service/documents.py) as an error of the form again: beside its file
    control when the problem names one (`document`, from 1), else at the papers' section."""
    body = refused.body(lang)
    at = f"/{DOCUMENTS}/{body['document'] - 1}" if "document" in body else f"/{DOCUMENTS}"
    return AnswerError(at, refused.kind, body["detail"])


def _targets(procedure: Procedure, lang: str) -> dict[str, tuple[str, str, bool]]:
    """What an error's summary entry links to, by control name: (id, label, whether it is a date)."""
    found = {row["name"]: (row["id"], row["field"].label[lang], row["field"].widget == "date") for row in rows(procedure)}
    found |= {row["name"]: (row["id"], row["kind"].title[lang], False) for row in document_rows(procedure)}
    found[DOCUMENTS] = (f"s-{DOCUMENTS}", words(lang)["documents_title"], False)
    return found


def error_links(procedure: Procedure, errors: list[AnswerError], posted: MultiDict, lang: str) -> list[dict]:
    """Each error as the summary lists it: the question or paper it belongs to (a link to its control on
    the same page) and the message; for a date, the date typed as dd/mm/yyyy (a date field shows it the
    way the browser's language writes dates). Other answers are in their controls, and identity or
    account numbers are never repeated in a message."""
    targets = _targets(procedure, lang)
    links = []
    for error in errors:
        name = error.pointer[1:].replace("/", ".")
        while name and name not in targets:
            name = name.rpartition(".")[0]  # an error inside a group is shown at the group
        control, label, is_date = targets.get(name, (f"s-{procedure.sections[0]['id']}", procedure.title[lang], False))
        typed = posted.get(name, "").strip() if is_date else ""
        links.append({"href": f"#{control}", "label": label, "typed": ISO_DATE.sub(r"\3/\2/\1", typed), "message": error.message})
    return links


def beside(errors: list[AnswerError]) -> dict[str, str]:
    """The first message for each control name, shown beside its question."""
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(error.pointer[1:].replace("/", "."), error.message)
    return found


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def render_questions(procedure: Procedure, lang: str, posted: MultiDict | None = None,
                     errors: list[AnswerError] = ()) -> Markup:
    """The sections and questions of a form, then its papers' file controls. Without `posted`, the
    site's page: empty, the wards fetched by form.js, and a button for browsers without JavaScript;
    with it, the function's page: every answer as typed, the wards of each chosen province as a list
    of names, and the papers to choose again (a browser never keeps a file across pages)."""
    html = _environment().get_template("_questions.html.j2").render(
        p=procedure, lang=lang, w=words(lang), rows=rows(procedure), provinces=provinces(), wards=wards_by_province(),
        input_types=INPUT_TYPES, pattern=pattern, normalizers=normalizers,
        server=posted is not None, posted=posted if posted is not None else MultiDict(), errors=beside(list(errors)),
        ward_step=WARD_STEP, documents=document_rows(procedure),
    )
    return Markup(html)
