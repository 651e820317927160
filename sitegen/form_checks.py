"""The schemas' `x-checks` as the form pages read them (docs/assets/js/checks.js): each check
with the function's own message, and a warning's next step made into a link that carries the
answers over to the other form's draft on the device."""

from __future__ import annotations

import json

from submit_fn.model.answer_checks import check_message
from submit_fn.model.procedures import Catalogue, Check, Procedure, today_in_vietnam
from submit_fn.model.working_days import holiday_dates

LIST_WIDGETS = ("radio", "checkboxes", "checkbox")  # form.js keeps these answers as lists in a draft
WORKING_DAY_KINDS = ("working-days-since-at-most",)


def client_checks(procedure: Procedure, lang: str, catalogue: Catalogue) -> str:
    """The checks as JSON, safe inside a <script> element; holidays only where a check counts working days."""
    checks = [_client_check(check, lang, catalogue) for check in procedure.checks]
    data: dict = {"checks": checks}
    if any(check.kind in WORKING_DAY_KINDS for check in procedure.checks):
        year = (catalogue.as_of or today_in_vietnam()).year
        data["holidays"] = holiday_dates(range(year - 1, year + 2))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _client_check(check: Check, lang: str, catalogue: Catalogue) -> dict:
    found = {"id": check.id, "kind": check.kind, "fields": list(check.fields), "at": check.at, "level": check.level,
             "value": check.value, "message": check_message(check, lang)}
    if check.when:
        found["when"] = {"field": check.when[0], "in": list(check.when[1])}
    if check.next:
        found["next"] = _next_step(check.next, lang, catalogue)
    return found


def _next_step(step: dict, lang: str, catalogue: Catalogue) -> dict:
    """Where to go, the link's words, and each answer to put in that form's draft (form.js's format:
    control name → text, or a list of values for choices)."""
    target = catalogue[step["procedure"]]
    widgets = {field.pointer: field.widget for field in target.fields}
    carry = []
    for to, source in step["carry"].items():
        item = {"to": to[1:].replace("/", "."), "list": widgets.get(to) in LIST_WIDGETS}
        item |= {"const": source["const"]} if isinstance(source, dict) else {"from": source}
        carry.append(item)
    return {"procedure": target.id, "href": f"../{target.id}/", "link": step["link"][lang], "carry": carry}
