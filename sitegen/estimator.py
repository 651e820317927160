"""The data the browser estimator (docs/assets/js/estimator.js) fetches: the benefit rules, the
holidays of the years a worker may ask about, and the estimator's words, one file per language."""

from __future__ import annotations

import json

from sitegen.templating import LANGS, strings
from submit_fn.model.benefit_rules import rules
from submit_fn.model.procedures import as_of_from_environment, today_in_vietnam
from submit_fn.model.working_days import holiday_dates


def estimator_files() -> dict[str, str]:
    """assets/data/benefit-rules.<lang>.json, a file the guidance and claim pages share (cached once)."""
    return {f"assets/data/benefit-rules.{lang}.json": estimator_data(lang) for lang in LANGS}


def estimator_data(lang: str) -> str:
    """The estimator's data as JSON; the rules' `$comment`s are for maintainers, and stay out."""
    first_year = int(rules()["regimes"][0]["from"][:4])
    last_year = (as_of_from_environment() or today_in_vietnam()).year + 2
    words = {key: text[lang] for key, text in strings().items() if key.startswith(("est_", "claim_warn_"))}
    holidays = holiday_dates(range(first_year, last_year + 1))
    data = {**_without_comments(rules()), "holidays": holidays, "words": words}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _without_comments(value):
    if isinstance(value, dict):
        return {key: _without_comments(item) for key, item in value.items() if key != "$comment"}
    if isinstance(value, list):
        return [_without_comments(item) for item in value]
    return value
