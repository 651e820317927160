"""A procedure's form as it is laid out on paper, blank or with the answers printed in.

Everything comes from the schema: the fields in the form's order, the room to write
each answer (from `maxLength`, `x-layout.rows`, the digits of the pattern), the boxes to
tick (from the options) and the "(nếu …)" notes (from the schema's `if`/`then`).
The template (templates/form.html.j2) only draws what this module describes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from submit_fn.model.divisions import centre_name
from submit_fn.model.procedures import Field, Procedure
from submit_fn.pdf.values import (
    answer_in_words,
    choice_options,
    date_in_words,
    digit_count,
    is_division,
    moment_in_words,
    nfc,
    option_label,
)

CHARS_PER_LINE = 100  # handwritten characters on one full-width dotted line
MAX_LINES = 6
EMPTY_TABLE_ROWS = 4
MAX_BOXES = 10  # more options than this are written in, not ticked; 10 fits the termination events (cham-dut)
SHORT_OPTIONS = 40  # characters of all option labels together that still fit beside the label
HALF_WIDGETS = frozenset({"date", "tel", "email", "number", "select", "radio"})
WIDTHS = {"full": 1.0, "half": 0.5, "third": 1 / 3}
ADDRESSEE_PREFIX = "Kính gửi"


@dataclass(frozen=True)
class Mark:
    """A box to tick, ticked when the answer chose it; `value` is the option's (empty for a yes/no box)."""

    label: str
    checked: bool
    value: str = ""


@dataclass(frozen=True)
class Blank:
    """One question on paper: its label and the room left to answer it.

    kind: 'line' (dotted lines), 'date' (ngày … tháng … năm …), 'digits' (a box per
    digit), 'choice' (boxes to tick, one per option), 'check' (one box beside the label),
    'group' (a heading over its members) or 'table' (a repeatable group: one column
    per member, one row per item). On a fillable form, `max_length` limits what can be
    typed, `choices` (value, label) turns a line into a list to choose from, and
    `multiple` says that each box of a choice is ticked on its own.
    """

    pointer: str
    label: str
    kind: str
    width: float = 1.0
    note: str = ""
    lines: int = 1
    answer: str = ""
    boxes: int = 0
    marks: tuple[Mark, ...] = ()
    stacked: bool = False
    children: tuple[Blank, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    max_length: int = 0
    choices: tuple[tuple[str, str], ...] = ()
    multiple: bool = False

    @property
    def name(self) -> str:
        """The form control's name (CONTRACT.md), also the fillable PDF field's; '*' for a table's row."""
        return self.pointer[1:].replace("/", ".")


@dataclass(frozen=True)
class Part:
    """A section of the form, as rows of questions sharing a line."""

    title: str
    rows: tuple[tuple[Blank, ...], ...]


@dataclass(frozen=True)
class Paper:
    """The whole form: heading, addressee, parts, and who signs."""

    lang: str
    title: str
    number: str
    basis: str
    name: str
    addressee: Blank | None
    addressee_text: str
    parts: tuple[Part, ...]
    signer: str
    signer_name: str
    filled: bool
    procedure_id: str = ""
    version: str = ""
    place_date: str = ""
    footer: str = ""
    receipt_id: str = ""
    received: str = ""
    documents: tuple[tuple[str, str, int], ...] = ()  # papers received with it: (name, 'picture' or 'pdf', pages)


def value_at(answers: dict | None, pointer: str) -> object:
    """The answer at a JSON pointer without array indexes, or None."""
    found: object = answers
    for part in pointer.split("/")[1:]:
        if not isinstance(found, dict):
            return None
        found = found.get(part)
    return found


def condition_note(procedure: Procedure, question: Field, lang: str) -> str:
    """'(nếu chọn “Qua tài khoản ngân hàng”)' for a field asked only after a given choice."""
    chosen = []
    for condition in question.conditions:
        for name, rule in condition.when.get("properties", {}).items():
            if "const" in rule:
                target = procedure.field_at(f"{condition.base}/{name}")
                chosen.append(option_label(target, rule["const"], lang) if target else str(rule["const"]))
    if not chosen:
        return ""
    quoted = " / ".join(f"“{label}”" for label in chosen)
    return f"(nếu chọn {quoted})" if lang == "vi" else f"(if {quoted} is chosen)"


def _is_choice(question: Field) -> bool:
    return 0 < len(choice_options(question)) <= MAX_BOXES


def _width(question: Field, kind: str) -> float:
    layout = question.schema.get("x-layout", {})
    if "width" in layout:
        return WIDTHS[layout["width"]]
    if kind == "check":
        return 1.0
    if kind == "choice":
        short = sum(len(option.label.vi) for option in choice_options(question)) <= SHORT_OPTIONS
        return 0.5 if short else 1.0
    if kind == "date" or question.widget in HALF_WIDGETS or is_division(question):
        return 0.5
    if kind == "line" and question.schema.get("maxLength", CHARS_PER_LINE) <= 40:
        return 0.5
    return 1.0


def _lines(question: Field, width: float) -> int:
    rows = question.schema.get("x-layout", {}).get("rows")
    if rows:
        return rows
    if width < 1:
        return 1
    return min(MAX_LINES, max(1, math.ceil(question.schema.get("maxLength", 0) / CHARS_PER_LINE)))


def _kind(question: Field) -> str:
    if question.kind in ("group", "list"):
        return {"group": "group", "list": "table"}[question.kind]
    if question.widget == "digits":
        return "digits"
    if question.widget == "date" or question.schema.get("format") == "date":
        return "date"
    if question.schema.get("type") == "boolean":
        return "check"
    if _is_choice(question):
        return "choice"
    return "line"


def _marks(question: Field, value: object, lang: str) -> tuple[Mark, ...]:
    if question.schema.get("type") == "boolean":
        return (Mark(nfc(question.label[lang]), value is True),)
    chosen = value if isinstance(value, list) else [value]
    return tuple(
        Mark(nfc(option.label[lang]), option.value in chosen, option.value) for option in choice_options(question)
    )


def max_length(question: Field) -> int:
    """The most characters an answer can have, where the schema says (0: no limit)."""
    schema = question.schema
    if question.widget == "digits":
        return digit_count(question)
    if "maximum" in schema and schema.get("type") == "integer":
        return len(str(schema["maximum"]))
    return schema.get("maxLength", 0)


def _choices(question: Field, lang: str) -> tuple[tuple[str, str], ...]:
    """A list of values to choose from (provinces), each with its name."""
    return tuple((value, answer_in_words(question, value, lang)) for value in question.schema.get("enum", ()))


class _Builder:
    """Turns a procedure's fields into Blanks, with or without answers."""

    def __init__(self, procedure: Procedure, answers: dict | None, lang: str) -> None:
        self.procedure, self.answers, self.lang = procedure, answers, lang
        self.fields = procedure.fields

    def members(self, parent: Field) -> list[Field]:
        prefix = parent.pointer + ("/*/" if parent.kind == "list" else "/")
        depth = prefix.count("/")
        return [f for f in self.fields if f.pointer.startswith(prefix) and f.depth == depth]

    def blank(self, question: Field, value: object) -> Blank:
        kind = _kind(question)
        common = {
            "pointer": question.pointer,
            "label": nfc(question.label[self.lang]),
            "kind": kind,
            "width": _width(question, kind),
            "note": condition_note(self.procedure, question, self.lang),
            "max_length": max_length(question),
        }
        if kind == "group":
            members = self.members(question)
            given = value if isinstance(value, dict) else {}
            return Blank(**common, children=tuple(self.blank(m, given.get(m.key)) for m in members))
        if kind == "table":
            return self.table(question, value, common)
        if kind in ("choice", "check"):
            marks = _marks(question, value, self.lang)
            stacked = kind == "choice" and common["width"] == 1.0
            return Blank(**common, marks=marks, stacked=stacked, multiple=question.schema.get("type") == "array")
        answer = "" if value is None else answer_in_words(question, value, self.lang)
        if kind == "digits":
            return Blank(**common, boxes=max(digit_count(question), len(answer)), answer=answer)
        return Blank(**common, lines=_lines(question, common["width"]), answer=answer, choices=_choices(question, self.lang))

    def table(self, question: Field, value: object, common: dict) -> Blank:
        columns = [m for m in self.members(question) if m.kind == "leaf"]
        items = value if isinstance(value, list) else []
        if items:
            rows = tuple(
                tuple(
                    answer_in_words(column, item[column.key], self.lang) if column.key in item else ""
                    for column in columns
                )
                for item in items
                if isinstance(item, dict)
            )
        else:
            limit = question.schema.get("maxItems", EMPTY_TABLE_ROWS)
            count = min(limit, max(EMPTY_TABLE_ROWS, question.schema.get("minItems", 0)))
            rows = tuple(("",) * len(columns) for _ in range(count))
        heads = tuple(Blank(c.pointer, nfc(c.label[self.lang]), "line", max_length=max_length(c)) for c in columns)
        return Blank(**common, children=heads, rows=rows)


def pack(blanks: list[Blank]) -> tuple[tuple[Blank, ...], ...]:
    """Questions narrower than the page share a line, in order."""
    rows: list[list[Blank]] = []
    for blank in blanks:
        if rows and blank.width < 1 and sum(b.width for b in rows[-1]) + blank.width <= 1.0001:
            rows[-1].append(blank)
        else:
            rows.append([blank])
    return tuple(tuple(row) for row in rows)


def _is_addressee(question: Field) -> bool:
    return question.depth == 1 and question.label.vi.startswith(ADDRESSEE_PREFIX)


def _addressee(question: Field, blank: Blank, value: object, lang: str) -> Blank:
    """'Kính gửi: Trung tâm Dịch vụ việc làm tỉnh Lào Cai' once answered, never '… tỉnh/thành phố tỉnh Lào Cai'."""
    if not (is_division(question) and isinstance(value, str) and blank.answer):
        return blank
    prefix = nfc(question.label[lang]).split(":", 1)[0]
    return replace(blank, label=f"{prefix}:", answer=centre_name(value, lang))


def _signer_name(procedure: Procedure, answers: dict | None) -> str:
    """The answer autocompleted as the person's name, printed under the signature."""
    for question in procedure.fields:
        if question.depth == 1 and question.schema.get("x-layout", {}).get("autocomplete") == "name":
            value = value_at(answers, question.pointer)
            return nfc(value) if isinstance(value, str) else ""
    return ""


def _received(receipt: dict | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str((receipt or {})["received_at"]))
    except (KeyError, ValueError):
        return None


def paper(procedure: Procedure, answers: dict | None = None, lang: str = "vi", receipt: dict | None = None,
          documents: tuple[tuple[str, str, int], ...] = ()) -> Paper:
    """The form laid out for paper; `answers` None gives the blank form; `documents` the papers
    received with a filing, listed after its answers."""
    build = _Builder(procedure, answers, lang)
    top = {f.key: f for f in procedure.fields if f.depth == 1}
    addressee = None
    parts = []
    for section in procedure.sections:
        blanks = []
        for name in section["fields"]:
            question = top[name]
            blank = build.blank(question, value_at(answers, question.pointer))
            if _is_addressee(question) and blank.kind == "line" and addressee is None:
                addressee = _addressee(question, blank, value_at(answers, question.pointer), lang)
            else:
                blanks.append(blank)
        if blanks:
            parts.append(Part(nfc(section["title"][lang]), pack(blanks)))
    form = procedure.meta["form"]
    signer = form.get("signer")
    received = _received(receipt)
    return Paper(
        lang=lang,
        title=nfc(procedure.title[lang]),
        number=nfc(form["number"][lang]),
        basis=nfc(form["basis"][lang]),
        name=nfc(form["name"][lang] if "name" in form else procedure.title[lang].upper()),
        addressee=addressee,
        addressee_text=nfc(form["addressee"][lang]),
        parts=tuple(parts),
        signer=nfc(signer[lang]) if signer else "",
        signer_name=_signer_name(procedure, answers),
        filled=answers is not None,
        procedure_id=procedure.id,
        version=procedure.version,
        place_date=date_in_words(received.date(), lang) if received else "",
        footer=f"{procedure.id} · {procedure.version}",
        receipt_id=str((receipt or {}).get("id", "")),
        received=moment_in_words(received, lang) if received else "",
        documents=tuple((nfc(name), kind, pages) for name, kind, pages in documents),
    )
