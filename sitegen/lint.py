"""Checks beyond the meta-schema: what a valid schema can still get wrong for workers.

Each finding names the file, the JSON pointer in it, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator

from sitegen.templating import STRINGS_FILE
from submit_fn.model.answer_checks import KINDS, shapes_of
from submit_fn.model.procedures import VERSIONS_DIR, Catalogue, Check, Field, Procedure, schema_path
from submit_fn.pdf.layout import CHARS_PER_LINE, MAX_LINES

ACT = re.compile(r"\d+/(\d{4}/)?[A-ZĐ][A-ZĐ0-9-]*")  # e.g. 74/2025/QH15, 374/2025/NĐ-CP, 107/QĐ-BNV
ARTICLES = {  # what an article reference starts with, in each language
    "vi": re.compile(r"\b(Điều|Mẫu số|Phụ lục|[Tt]hủ tục)\b"),
    "en": re.compile(r"\b(arts?\.|Forms? No\.|Appendix|procedure)"),
}
LEGACY_ARTICLES = re.compile(r"\b(arts?\.|Điều|Form No\.|Mẫu số)")  # one string for both languages, earlier versions only
# English legal shorthand has no place in Vietnamese text: "Điều 39", "Mẫu số 10", "Nghị định", "Luật".
ENGLISH_LEGAL = re.compile(r"(?<!\w)(arts?\.|articles?\b|forms? no\b|decrees?\b|circulars?\b|law on\b|resolutions?\b|clauses?\b)",
                           re.IGNORECASE)
LABEL_ROOM = 2 * CHARS_PER_LINE  # a label longer than two printed lines crowds the answer off the page
OPTION_ROOM = CHARS_PER_LINE  # a tick-box choice prints on one line
CHOICE_WIDGETS = {"radio", "select", "checkboxes"}
NUMBER_WIDGETS = {"number", "money"}
VIETNAMESE_PAGES = Path(__file__).resolve().parent.parent / "docs" / "vi"
NUMBER_NORMALIZERS = {"integer-words", "amount-vnd"}  # they read text into a number: for integer answers only
TODAY_KINDS = {"date-not-future", "age-at-least", "working-days-since-at-most"}  # no fixed example can break them for ever
VALUE_KINDS = {"age-at-least": int, "months-within-working-life": int, "working-days-since-at-most": int, "not-value": str}


@dataclass(frozen=True)
class Finding:
    file: str
    pointer: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: at {self.pointer or '/'}: {self.problem}. Fix: {self.fix}"


def lint_catalogue(catalogue: Catalogue) -> list[Finding]:
    """Every version of every procedure, and the site's own Vietnamese words."""
    schemas = [
        finding
        for history in catalogue.versions.values()
        for p in history
        for finding in (*lint(p), *_next_steps(p, catalogue))
    ]
    return schemas + list(site_word_findings())


def lint(procedure: Procedure) -> list[Finding]:
    checks = (_texts, _rules_exercised, _reachable, _sections, _layout, _worker_form, _legal_basis, _sources,
              _vietnamese, _normalizers, _answer_checks, _documents)
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
    return schema_path(base)


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


# Normalisers and checks across answers ----------------------------------------


def _normalizers(procedure: Procedure) -> Iterator[Finding]:
    for field in procedure.fields:
        names = field.schema.get("x-normalize", [])
        at = schema_pointer(field)
        number = field.schema.get("type") == "integer"
        for name in names:
            if (name in NUMBER_NORMALIZERS) != number:
                kind = "a whole number" if number else "text"
                yield _finding(procedure, at + "/x-normalize", f"{name!r} does not fit «{field.label.vi}», whose answer is {kind}",
                               "use integer-words or amount-vnd for whole numbers, the others for text")
        if field.widget == "money" and "amount-vnd" not in names:
            yield _finding(procedure, at + "/x-normalize", f"the amount «{field.label.vi}» is not read as people type amounts",
                           'add "x-normalize": ["amount-vnd"], so that 8.500.000 is 8,500,000 đồng everywhere')


def _answer_checks(procedure: Procedure) -> Iterator[Finding]:
    questions = {f.pointer: f for f in procedure.fields if "*" not in f.pointer}
    for check in procedure.checks:
        for problem, fix in _check_problems(check, questions):
            yield _finding(procedure, check.declared, f"the check {check.id!r}: {problem}", fix)


def _check_problems(check: Check, questions: dict[str, Field]) -> Iterator[tuple[str, str]]:
    written = check.written
    if check.on_question and ("fields" in written or "at" in written):
        yield "on a question, the question itself is the subject", "name the other answers in \"with\" (relative pointers), not \"fields\" or \"at\""
    if not check.on_question and ("with" in written or not check.fields):
        yield "at the top of a schema, a check names its answers", 'list them in "fields" (JSON pointers), the subject first'
    if any(pointer is None for pointer in check.fields):
        yield "a relative pointer in \"with\" leads above the form", "count the levels up from the question again"
    missing = [pointer for pointer in check.fields if pointer is not None and pointer not in questions]
    for pointer in missing:
        yield f"{pointer} is not a question of this form", "name an existing question (was it renamed or removed?), or remove the check"
    shapes = shapes_of(check) if check.fields else None
    if shapes is None:
        kind = KINDS[check.kind]
        counted = f"{len(kind.shapes) - kind.optional} to {len(kind.shapes)}{' or more' if kind.more else ''}"
        yield f"{check.kind!r} compares {counted} answers, not {len(check.fields)}", 'fix "fields" or "with"'
    elif not missing and None not in check.fields:
        for pointer, shape in zip(check.fields, shapes):
            if not _answer_fits(questions[pointer], shape):
                yield f"{pointer} is not {_SHAPE_WORDS[shape]}, as {check.kind!r} needs", "compare answers of the right kind"
    if check.at not in check.fields:
        yield f'"at" {check.at} is not one of the answers compared', 'choose "at" among "fields"'
    if check.when is not None:
        yield from _when_problems(check.when, check.written["when"]["field"], questions)
    wanted = VALUE_KINDS.get(check.kind)
    if wanted and not isinstance(check.value, wanted):
        yield f"{check.kind!r} needs a \"value\" ({wanted.__name__})", 'add "value"'
    if check.kind == "not-value" and check.at in questions:
        options = {o.value for o in questions[check.at].options}
        if options and check.value not in options:
            yield f"{check.value!r} is not a choice of {check.at}", "use one of the question's own choices"
    today_only = check.kind in TODAY_KINDS or (check.kind == "months-within-working-life" and len(check.fields) < 3)
    if not check.example and not today_only:
        yield "no example breaks it, so the build cannot tell it works", 'add "example" (answers that break it)'


def _when_problems(when: tuple[str | None, tuple[str, ...]], written: str, questions: dict[str, Field]) -> Iterator[tuple[str, str]]:
    """A `when` (of a check or a document) names a question with choices, and only its choices."""
    field, values = when
    options = {o.value for o in questions[field].options} if field in questions else set()
    if not options:
        yield f'"when" names {written}, which is not a question with choices', "name a question with choices"
    elif not set(values) <= options:
        yield f'"when" lists {sorted(set(values) - options)}, not choices of {field}', "list the question's own choices"


def _documents(procedure: Procedure) -> Iterator[Finding]:
    """The papers asked as files: unique ids, conditions on real choices, and only on a worker form."""
    if procedure.documents and not procedure.has_worker_form:
        yield _finding(procedure, "/x-documents", "a procedure in which the worker files nothing asks for files", 'remove "x-documents"')
    questions = {f.pointer: f for f in procedure.fields if "*" not in f.pointer}
    seen: set[str] = set()
    for document in procedure.documents:
        at = f"/x-documents/{document.position}"
        if document.id in seen:
            yield _finding(procedure, at, f"the id {document.id!r} is used twice", "give each paper its own id")
        seen.add(document.id)
        if document.when is not None:
            for problem, fix in _when_problems(document.when, document.when[0], questions):
                yield _finding(procedure, at, f"the document {document.id!r}: {problem}", fix)


_SHAPE_WORDS = {"date": "a date (format date)", "integer": "a whole number (type integer)", "text": "text (type string)"}


def _answer_fits(field: Field, shape: str) -> bool:
    schema = field.schema
    if shape == "date":
        return schema.get("format") == "date"
    if shape == "integer":
        return schema.get("type") == "integer"
    return schema.get("type") == "string" or "enum" in schema or bool(field.options)


def _next_steps(procedure: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
    """A warning's next step opens another form with answers carried over: both ends must exist."""
    here = {f.pointer for f in procedure.fields if "*" not in f.pointer}
    for check in procedure.checks:
        if not check.next:
            continue
        at = f"{check.declared}/next"
        target_id = check.next["procedure"]
        if target_id not in catalogue.versions:
            yield _finding(procedure, at + "/procedure", f"{target_id!r} is not a procedure", "name one of the six procedure ids")
            continue
        target = catalogue[target_id]
        there = {f.pointer: f for f in target.fields if "*" not in f.pointer and f.kind == "leaf"}
        for to, source in check.next["carry"].items():
            where = f"{at}/carry{to}"
            if to not in there:
                yield _finding(procedure, where, f"{target_id} has no question {to}", "carry to an existing question of that form, or remove it")
            elif isinstance(source, dict):
                options = {o.value for o in there[to].options}
                if options and source["const"] not in options:
                    yield _finding(procedure, where, f"{source['const']!r} is not a choice of {to} in {target_id}",
                                   "carry one of that question's own choices")
            elif source not in here:
                yield _finding(procedure, where, f"{source or 'the pointer'} is not a question of this form",
                               "carry an existing answer (a pointer relative to the question, on a question)")



# Procedures with nothing to file ---------------------------------------------


def _worker_form(procedure: Procedure) -> Iterator[Finding]:
    """A worker form says where and how to file; a procedure without one asks, offers and exemplifies nothing."""
    guidance = procedure.guidance
    if procedure.has_worker_form:
        if not guidance.get("channels"):
            yield _finding(procedure, "/x-guidance", "the guidance does not say where and how to file",
                           'add "channels" (online, in person, by post…) to "x-guidance"')
        return
    for key in ("properties", "x-sections", "examples", "x-invalid-examples", "x-checks"):
        if procedure.schema.get(key):
            yield _finding(procedure, f"/{key}", f"\"x-procedure\".\"form\" is null (the worker files nothing), yet the schema has {key!r}",
                           f"remove {key!r}, or describe the form the worker files in \"x-procedure\".\"form\"")
    if "channels" in guidance:
        yield _finding(procedure, "/x-guidance/channels", "a procedure in which the worker files nothing says where to file",
                       "remove \"channels\"; say in \"after\" what the worker can do instead")


# Legal basis and Vietnamese words --------------------------------------------


def _legal_basis(procedure: Procedure) -> Iterator[Finding]:
    basis = procedure.meta["form"]["basis"] if procedure.has_worker_form else None
    if basis and (not ACT.search(basis["vi"]) or not ACT.search(basis["en"])):
        yield _finding(procedure, "/x-procedure/form/basis", "the form's legal basis names no act number",
                       "write the act with its number, e.g. 'Nghị định số 374/2025/NĐ-CP', in both languages")
    for index, entry in enumerate(procedure.guidance["legal_basis"]):
        at = f"/x-guidance/legal_basis/{index}"
        if not ACT.search(entry["act"]["vi"]) or not ACT.search(entry["act"]["en"]):
            yield _finding(procedure, at + "/act", f"«{entry['act']['vi']}» has no act number like 74/2025/QH15",
                           "write the act's number and symbol in both languages")
        articles = entry["articles"]
        if isinstance(articles, str) and not _kept_earlier_version(procedure):
            yield _finding(procedure, at + "/articles", f"{articles!r} is one string for both pages, so the Vietnamese page "
                           "would print it as it is", 'write it in each language: {"vi": "Điều 39", "en": "art. 39"}')
        texts = articles.items() if isinstance(articles, dict) else [("vi", articles)]
        for lang, text in texts:
            pattern = ARTICLES[lang] if isinstance(articles, dict) else LEGACY_ARTICLES
            if not pattern.search(text):
                yield _finding(procedure, at + "/articles", f"{text!r} names no article or form",
                               "name the article or the form in each language: {\"vi\": \"Điều 38 khoản 1\", "
                               "\"en\": \"art. 38(1)\"} or {\"vi\": \"Mẫu số 10\", \"en\": \"Form No. 10\"}; "
                               "mark \"verify\": true if unconfirmed")


def _kept_earlier_version(procedure: Procedure) -> bool:
    """An earlier version kept unchanged in forms/versions/: its one-language strings stay as they were."""
    return f"/{VERSIONS_DIR}/" in procedure.file


def _sources(procedure: Procedure) -> Iterator[Finding]:
    if _kept_earlier_version(procedure):
        return
    for index, source in enumerate(procedure.guidance.get("sources", [])):
        if isinstance(source, str):
            yield _finding(procedure, f"/x-guidance/sources/{index}", "a source written once for both pages",
                           'name it as what it is, in each language: {"vi": "Thủ tục hành chính 1.014748 …", "en": "…"}')


def vietnamese_texts(node: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every Vietnamese text a worker may read: titles, descriptions and the "vi"
    of each text pair; never comments, English, or example answers."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from vietnamese_texts(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        at = f"{pointer}/{key}"
        if key in ("x-en", "en", "$comment", "examples", "x-invalid-examples", "const", "enum", "pattern"):
            continue
        if isinstance(value, str) and key in ("title", "description", "vi"):
            yield at, value
        else:
            yield from vietnamese_texts(value, at)


def english_legal_shorthand(text: str) -> str | None:
    found = ENGLISH_LEGAL.search(text)
    return found.group(0) if found else None


SHORTHAND_FIX = "write it in Vietnamese: «Điều 39», «Mẫu số 10», «Nghị định số 374/2025/NĐ-CP», «Luật Việc làm số 74/2025/QH15»"


def _vietnamese(procedure: Procedure) -> Iterator[Finding]:
    for at, text in vietnamese_texts(procedure.schema):
        shorthand = english_legal_shorthand(text)
        if shorthand:
            yield _finding(procedure, at, f"the Vietnamese text has the English legal shorthand «{shorthand}»", SHORTHAND_FIX)


def site_word_findings(strings_file: Path = STRINGS_FILE, pages: Path = VIETNAMESE_PAGES) -> Iterator[Finding]:
    """The same rule for the site's own words (strings.json) and the hand-written Vietnamese pages."""
    raw = json.loads(strings_file.read_text(encoding="utf-8"))
    for key, value in raw.items():
        words = re.sub(r"\{\w+\}", "", value.get("vi", "")) if isinstance(value, dict) else ""  # {placeholders} are code
        shorthand = english_legal_shorthand(words)
        if shorthand:
            yield Finding(f"sitegen/{strings_file.name}", f"/{key}/vi",
                          f"the Vietnamese text has the English legal shorthand «{shorthand}»", SHORTHAND_FIX)
    for page in sorted(pages.glob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            shorthand = english_legal_shorthand(re.sub(r"`[^`]*`", "", line))  # `code` names keys, not law
            if shorthand:
                yield Finding(f"docs/vi/{page.name}", f"line {number}",
                              f"the Vietnamese page has the English legal shorthand «{shorthand}»", SHORTHAND_FIX)
