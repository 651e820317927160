"""The fillable form pages (bieu-mau/<id>/), generated from the same schemas as everything else.

Each page holds one <form data-procedure="<id>"> that posts to the submit function and
works without JavaScript; docs/assets/js/form.js adds saving as you type, questions that
appear only when they apply, the error summary, "check your answers", retries and the receipt.
"""

from __future__ import annotations

import json
import unicodedata

from sitegen.pages import environment, estimator_data, strings
from submit_fn.divisions import provinces, wards_by_province
from submit_fn.procedures import Field, Procedure
from submit_fn.validation import field_message

LIST_ROWS = 3  # empty rows offered for a repeatable group; the worker fills what applies
INPUT_TYPES = {"date": "date", "tel": "tel", "email": "email", "number": "text", "digits": "text", "money": "text", "text": "text"}


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


def _pattern(field: Field) -> str | None:
    """The schema's pattern for the browser: HTML anchors the pattern itself."""
    pattern = field.schema.get("pattern")
    if not pattern or "|" in pattern:
        return None
    return pattern.removeprefix("^").removesuffix("$")


def _rows(procedure: Procedure) -> list[dict]:
    """Every question to render in order; a list's members repeated per row; conditions inherited."""
    section_of = {name: section["id"] for section in procedure.sections for name in section["fields"]}
    by_pointer = {f.pointer: f for f in procedure.fields}
    rows: list[dict] = []
    for field in procedure.fields:
        if "*" in field.pointer:
            continue  # emitted with their list below
        top = by_pointer["/" + field.pointer.split("/")[1]]
        when = shown_when(field) or shown_when(top)
        # `required` for the browser only when the answer can never be left out (no-JS posts)
        always = field.required and top.required and not when
        row = {"field": field, "name": field.name, "id": control_id(field.name), "section": section_of.get(top.key),
               "when": when, "index": None, "required": always}
        rows.append(row)
        if field.kind == "list":
            members = [f for f in procedure.fields if f.pointer.startswith(field.pointer + "/*/")]
            for index in range(LIST_ROWS):
                for member in members:
                    name = member.name.replace("*", str(index))
                    rows.append({**row, "field": member, "name": name, "id": control_id(name), "index": index, "required": False})
    return rows


CLIENT_CHECKS = ("type", "pattern", "format", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems",
                 "const", "enum", "oneOf", "uniqueItems", "contains")
# Left to the function: extra answers (the page sends only the questions it shows) and a ward's
# province (`wardInProvince`: 3,321 codes, while the page offers only the chosen province's wards).
SERVER_ONLY = ("additionalProperties", "wardInProvince")


def _checks(schema: dict) -> dict:
    """The keywords of one schema the browser checks; a choice list (`oneOf` of consts) becomes its values."""
    checks = {k: schema[k] for k in CLIENT_CHECKS if k in schema and k != "oneOf"}
    choices = schema.get("oneOf", [])
    if choices and all("const" in choice for choice in choices):
        checks["oneOf"] = [choice["const"] for choice in choices]
    if "contains" in schema:
        checks["contains"] = _checks(schema["contains"])
    return checks


def _check_set(field: Field, schema: dict, lang: str, when: dict | None = None) -> dict:
    """Checks with the function's own message for each keyword (and `when`, the `if` they depend on)."""
    checks = _checks(schema)
    keywords = ["required", *checks] if when is None else list(checks)
    messages = {k: field_message(field, k, schema.get(k), lang) for k in keywords}
    return {"checks": checks, "messages": messages} | ({"if": when} if when is not None else {})


def _conditional_checks(procedure: Procedure) -> dict[str, list[tuple[dict, dict]]]:
    """Per field pointer, the checks an `if`/`then` adds to it: (the `if`, the field's `then` schema)."""
    found: dict[str, list[tuple[dict, dict]]] = {}
    for base, _, rule in procedure.rules:
        for name, schema in rule.get("then", {}).get("properties", {}).items():
            found.setdefault(f"{base}/{name}", []).append((rule["if"], schema))
    return found


def client_rules(procedure: Procedure, lang: str) -> list[dict]:
    """The schema's rules the browser checks before sending, each with the function's own message.

    Conditional rules come in two kinds: `then.required` (`when`: the question is asked) and
    `then.properties` (`also`: extra checks on the answer). The function stays the final judge.
    """
    conditional = _conditional_checks(procedure)
    rules = []
    for field in procedure.fields:
        rules.append({
            "pointer": field.pointer,
            "required": field.required,
            "when": [{"base": c.base, "if": c.when} for c in field.conditions],
            **_check_set(field, field.schema, lang),
            "also": [_check_set(field, schema, lang, when) for when, schema in conditional.get(field.pointer, [])],
        })
    return rules


SCRIPT_WORDS = ("sending", "offline", "server_down", "retry", "received", "receipt_id", "received_at", "due_date",
                "no_due_date", "next", "print_receipt", "review_title", "change", "send", "confirm_send", "not_answered",
                "add_row", "restored", "choose", "choose_province_first", "reload",
                "print_answers", "receipt_pdf", "making_pdf", "pdf_saved")


def form_page(procedure: Procedure, lang: str) -> str:
    ui = {key: text[lang] for key, text in strings().items()}
    words = {key: ui[key] for key in SCRIPT_WORDS} | {"next_steps": procedure.guidance["after"][lang]}
    page = environment().get_template("form.md.j2").render(
        words=json.dumps(words, ensure_ascii=False).replace("</", "<\\/"),
        root="../../",
        assets="../../" if lang == "vi" else "../../../",
        p=procedure,
        lang=lang,
        ui=ui,
        rows=_rows(procedure),
        provinces=provinces(),
        input_types=INPUT_TYPES,
        shown_when=shown_when,
        pattern=_pattern,
        estimator=estimator_data(lang) if procedure.guidance.get("estimator") else None,
        rules=json.dumps(client_rules(procedure, lang), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"),
    )
    return unicodedata.normalize("NFC", page)


def ward_files() -> dict[str, str]:
    """One small JSON file per province, fetched when the worker picks a province."""
    return {
        f"assets/data/wards/{code}.json": json.dumps([[w.code, w.name] for w in wards], ensure_ascii=False, separators=(",", ":"))
        for code, wards in wards_by_province().items()
    }


def ward_list_page(lang: str) -> str:
    """Every commune/ward with its code, for a worker whose browser runs no JavaScript."""
    ui = {key: text[lang] for key, text in strings().items()}
    return environment().get_template("wards.md.j2").render(ui=ui, provinces=provinces(), wards=wards_by_province())
