"""Checks beyond the meta-schema: what a valid schema can still get wrong for workers.

Each finding names the file, the JSON pointer in it, what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jsonschema import Draft202012Validator

from submit_fn.pdf_layout import CHARS_PER_LINE, MAX_LINES
from submit_fn.procedures import Catalogue, Field, Procedure

ACT = re.compile(r"\d+/\d{4}/[A-ZĐ][A-ZĐ0-9-]*")  # e.g. 74/2025/QH15, 374/2025/NĐ-CP, 15/2023/TT-BLĐTBXH
ARTICLES = re.compile(r"\b(arts?\.|Điều|Form No\.|Mẫu số)")
LABEL_ROOM = 2 * CHARS_PER_LINE  # a label longer than two printed lines crowds the answer off the page
OPTION_ROOM = CHARS_PER_LINE  # a tick-box choice prints on one line
CHOICE_WIDGETS = {"radio", "select", "checkboxes"}
NUMBER_WIDGETS = {"number", "money"}


@dataclass(frozen=True)
class Finding:
    file: str
    pointer: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: at {self.pointer or '/'}: {self.problem}. Fix: {self.fix}"


def lint_catalogue(catalogue: Catalogue) -> list[Finding]:
    return [finding for history in catalogue.versions.values() for p in history for finding in lint(p)]


def lint(procedure: Procedure) -> list[Finding]:
    checks = (_texts, _rules_exercised, _reachable, _sections, _layout, _legal_basis)
    return [finding for check in checks for finding in check(procedure)]


def schema_pointer(field: Field) -> str:
    """Where a question is written in its schema file (`*` is an array's `items`)."""
    parts = field.pointer.split("/")[1:]
    return "".join("/items" if part == "*" else f"/properties/{part}" for part in parts)


def _finding(procedure: Procedure, pointer: str, problem: str, fix: str) -> Finding:
    return Finding(procedure.file, pointer, problem, fix)


# Labels, hints and room on paper ---------------------------------------------


def _texts(procedure: Procedure) -> Iterator[Finding]:
    for field in procedure.fields:
        at = schema_pointer(field)
        if field.kind == "leaf" and field.hint is None and not _self_explaining(field):
            yield _finding(procedure, at, f"the question «{field.label.vi}» has no hint",
                           'add "description" (a plain-language hint in Vietnamese) and "x-en": {"description": …}')
        for lang in ("vi", "en"):
            if len(field.label[lang]) > LABEL_ROOM and not _self_explaining(field):
                yield _finding(procedure, at, f"the {lang} label has {len(field.label[lang])} characters, more than "
                               f"the {LABEL_ROOM} that fit in two printed lines", "shorten it; move detail into the hint")
        for option in _options(field):
            if max(len(option.label.vi), len(option.label.en)) > OPTION_ROOM:
                yield _finding(procedure, at, f"the choice «{option.label.vi}» is longer than one printed line "
                               f"({OPTION_ROOM} characters)", "shorten the choice's title; explain it in the hint")
        if field.kind == "leaf" and field.schema.get("maxLength", 0) > CHARS_PER_LINE * MAX_LINES:
            yield _finding(procedure, at, f"answers up to {field.schema['maxLength']} characters do not fit the "
                           f"{MAX_LINES} lines the paper form leaves", f"lower maxLength to {CHARS_PER_LINE * MAX_LINES} or less")


def _self_explaining(field: Field) -> bool:
    """A tick box whose label is the whole statement (the declaration) needs no hint."""
    return field.schema.get("const") is True or field.widget == "checkbox"


def _options(field: Field):
    if field.options:
        return field.options
    items = field.schema.get("items", {})
    return Field(field.pointer, items, False, (), "leaf").options if "oneOf" in items else ()


# Rules between questions -----------------------------------------------------


def _objects_at(instance: object, base: str) -> Iterator[dict]:
    """The objects of an answer at a field pointer, every item for '*'."""
    found = [instance]
    for part in base.split("/")[1:]:
        if part == "*":
            found = [item for value in found if isinstance(value, list) for item in value]
        else:
            found = [value[part] for value in found if isinstance(value, dict) and part in value]
    return (value for value in found if isinstance(value, dict))


def _rules_exercised(procedure: Procedure) -> Iterator[Finding]:
    """Every `if` must hold in some valid example, and fail in some example, so both branches are tested."""
    valid = procedure.examples
    every = [*valid, *(instance for _, instance in procedure.invalid_examples())]
    for base, index, rule in procedure.rules:
        test = Draft202012Validator(rule["if"])
        at = f"{schema_pointer_of(base)}/allOf/{index}"
        holds = any(test.is_valid(o) for example in valid for o in _objects_at(example, base))
        if not holds:
            yield _finding(procedure, at, "no valid example makes this rule's `if` true, so its `then` is never tested",
                           "add an example to \"examples\" in which the `if` holds and the `then` is met")
        if not any(not test.is_valid(o) for example in every for o in _objects_at(example, base)):
            yield _finding(procedure, at, "every example makes this rule's `if` true, so the other case is never tested",
                           "add an example (valid, or in \"x-invalid-examples\") in which the `if` does not hold")


def schema_pointer_of(base: str) -> str:
    parts = base.split("/")[1:]
    return "".join("/items" if part == "*" else f"/properties/{part}" for part in parts)


def _reachable(procedure: Procedure) -> Iterator[Finding]:
    """A rule that tests a question that does not exist, or a value that question cannot take, never applies."""
    for base, index, rule in procedure.rules:
        for name, test in rule["if"].get("properties", {}).items():
            field = procedure.field_at(f"{base}/{name}")
            at = f"{schema_pointer_of(base)}/allOf/{index}/if/properties/{name}"
            if field is None or field.pointer != f"{base}/{name}".replace("/0/", "/*/"):
                yield _finding(procedure, at, f"the rule tests {name!r}, which is not a question here",
                               "use the key of an existing property, or remove the rule")
                continue
            allowed = {o.value for o in _options(field)} or set(field.schema.get("enum", []))
            wanted = [test["const"]] if "const" in test else test.get("enum", [])
            impossible = [value for value in wanted if allowed and value not in allowed]
            if impossible and len(impossible) == len(wanted):
                yield _finding(procedure, at, f"{impossible!r} is not a choice of «{field.label.vi}», so the "
                               "questions this rule asks can never be reached", "test one of the question's own choices")


# Layout hints ----------------------------------------------------------------


def _sections(procedure: Procedure) -> Iterator[Finding]:
    top = [f.key for f in procedure.fields if f.depth == 1]
    listed: dict[str, int] = {}
    for number, section in enumerate(procedure.sections):
        for position, key in enumerate(section["fields"]):
            at = f"/x-sections/{number}/fields/{position}"
            if key not in top:
                yield _finding(procedure, at, f"the part «{section['title']['vi']}» lists {key!r}, which is not a question",
                               "use the key of a top-level property, or remove it from the list")
            elif key in listed:
                yield _finding(procedure, at, f"{key!r} is already in part {listed[key]}", "list each question in one part only")
            listed.setdefault(key, number)
    for key in top:
        if key not in listed:
            yield _finding(procedure, f"/properties/{key}", f"the question {key!r} is in no part of \"x-sections\", "
                           "so the form never shows it", "add its key to the \"fields\" of a part in \"x-sections\"")


def _layout(procedure: Procedure) -> Iterator[Finding]:
    for field in procedure.fields:
        layout = field.schema.get("x-layout", {})
        at = schema_pointer(field) + "/x-layout"
        problem = _widget_problem(field, layout.get("widget"))
        if problem:
            yield _finding(procedure, at + "/widget", problem, "choose a widget that fits the answer's type, or remove it")
        if layout.get("ask") == "always" and not field.conditions:
            yield _finding(procedure, at + "/ask", "\"ask\": \"always\" on a question no rule makes conditional",
                           "remove it: the question is asked anyway")


def _widget_problem(field: Field, widget: str | None) -> str | None:
    schema = field.schema
    if widget in CHOICE_WIDGETS and not (_options(field) or schema.get("enum")):
        return f"widget {widget!r} needs choices (oneOf with const, or enum)"
    if widget in NUMBER_WIDGETS and schema.get("type") not in ("integer", "number"):
        return f"widget {widget!r} is for numbers, but the answer is {schema.get('type')!r}"
    if widget == "date" and schema.get("format") != "date":
        return "widget 'date' needs \"format\": \"date\""
    if widget == "digits" and "pattern" not in schema:
        return "widget 'digits' needs a \"pattern\" that says how many digits"
    if widget == "checkbox" and schema.get("type") != "boolean":
        return "widget 'checkbox' is for a yes/no (boolean) answer"
    return None


# Legal basis -----------------------------------------------------------------


def _legal_basis(procedure: Procedure) -> Iterator[Finding]:
    basis = procedure.meta["form"]["basis"]
    if not ACT.search(basis["vi"]) or not ACT.search(basis["en"]):
        yield _finding(procedure, "/x-procedure/form/basis", "the form's legal basis names no act number",
                       "write the act with its number, e.g. 'Nghị định số 374/2025/NĐ-CP', in both languages")
    for index, entry in enumerate(procedure.guidance["legal_basis"]):
        at = f"/x-guidance/legal_basis/{index}"
        if not ACT.search(entry["act"]["vi"]) or not ACT.search(entry["act"]["en"]):
            yield _finding(procedure, at + "/act", f"«{entry['act']['vi']}» has no act number like 74/2025/QH15",
                           "write the act's number and symbol in both languages")
        if not ARTICLES.search(entry["articles"]):
            yield _finding(procedure, at + "/articles", f"{entry['articles']!r} names no article or form",
                           "name the article ('art. 38(1)(c)') or the form ('Form No. 10'); mark \"verify\": true if unconfirmed")
