"""The fillable form pages (bieu-mau/<id>/), generated from the same schemas as everything else.

Each page holds one <form data-procedure="<id>"> that posts to the submit function and
works without JavaScript (its questions are the template the function's own pages render,
submit_fn/service/questions.py); docs/assets/js/form.js adds saving as you type, questions that
appear only when they apply, the error summary, "check your answers", retries and the receipt.
"""

from __future__ import annotations

import json
import unicodedata

from sitegen.form_checks import client_checks
from sitegen.templating import environment, words
from submit_fn.model.divisions import wards_by_province
from submit_fn.model.procedures import Catalogue, Field, Procedure
from submit_fn.model.validation import field_message
from submit_fn.service.questions import id_card_part, render_questions

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
                "print_answers", "receipt_pdf", "making_pdf", "pdf_saved", "pdf_choose_first", "pdf_errors", "received_by", "filed_with", "look_up",
                "waiting_to_send", "sent_before", "clear_confirm", "cleared", "ticked")


def form_page(procedure: Procedure, lang: str, catalogue: Catalogue) -> str:
    ui = words(lang)
    script_words = {key: ui[key] for key in SCRIPT_WORDS} | {"next_steps": procedure.guidance["after"][lang]}
    with_id_card = any(id_card_part(field) for field in procedure.fields)
    id_card_words = {key: text for key, text in ui.items() if key.startswith("id_card_") or key == "choose"}
    document_words = {key: text for key, text in ui.items() if key.startswith("documents_js_")}
    page = environment().get_template("form.md.j2").render(
        document_words=json.dumps(document_words, ensure_ascii=False).replace("</", "<\\/") if procedure.documents else None,
        id_card=json.dumps(id_card_words, ensure_ascii=False).replace("</", "<\\/") if with_id_card else None,
        words=json.dumps(script_words, ensure_ascii=False).replace("</", "<\\/"),
        root="../../",
        assets="../../" if lang == "vi" else "../../../",
        p=procedure,
        lang=lang,
        ui=ui,
        questions=render_questions(procedure, lang),
        checks=client_checks(procedure, lang, catalogue),
        estimator=bool(procedure.guidance.get("estimator")),
        rules=json.dumps(client_rules(procedure, lang), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"),
    )
    return unicodedata.normalize("NFC", page)


def ward_files() -> dict[str, str]:
    """One small JSON file per province, fetched when the worker picks a province; and all of them in
    one file, which id-card.js fetches before it reads a card, so that reading it asks the network nothing."""
    lists = {code: [[w.code, w.name] for w in wards] for code, wards in wards_by_province().items()}
    files = {f"assets/data/wards/{code}.json": json.dumps(wards, ensure_ascii=False, separators=(",", ":"))
             for code, wards in lists.items()}
    files["assets/data/all-wards.json"] = json.dumps(lists, ensure_ascii=False, separators=(",", ":"))
    return files
