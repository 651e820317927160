"""Answers as people type them, made clean before they are validated (the schemas' `x-normalize`).

A question names its normalisers, e.g. `"x-normalize": ["digits"]`; the function applies them
here to every kind of body before validation, and the form pages apply the same named
normalisers in docs/assets/js/normalize.js before their own checks (tests/test_normalize.py
keeps the two in step). A normaliser is conservative: it only removes what cannot change the
meaning (spaces between digit groups, a country code, a unit after a number, thousands
separators) and otherwise returns the value unchanged, for validation to explain. It never
turns one answer into a different one: `8.5` is not read as 8,500,000 đồng.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from submit_fn.model.procedures import Procedure

# Every character the browser's String.prototype.trim or Python's str.strip may take for a space,
# and the invisible ones copied with numbers from chat apps: one explicit list, so both sides agree.
SPACES = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
SPACE_RUN = re.compile(f"[{SPACES}]+")
EDGE_SPACES = re.compile(f"^[{SPACES}]+|[{SPACES}]+$")
UNTIDY_SPACES = re.compile(f"^[{SPACES}]|[{SPACES}]$|[{SPACES}]{{2}}|[{SPACES.replace(' ', '')}]")
DIGIT_GROUPS = re.compile(f"[0-9][0-9{SPACES}.-]*")  # digits separated by spaces, dots or dashes
PHONE_SEPARATORS = re.compile(f"[{SPACES}.()-]")
MAX_NUMBER_DIGITS = 15  # a browser's numbers are exact up to 15 digits
MONTH_WORDS = ("tháng", "Tháng", "THÁNG", "month", "months", "Month", "Months", "MONTH", "MONTHS")
CURRENCY_WORDS = ("đồng", "Đồng", "ĐỒNG", "vnđ", "VNĐ", "Vnđ", "vnd", "VND", "Vnd", "đ", "Đ", "₫")  # longest first
COUNT = re.compile(f"([0-9]{{1,6}})[{SPACES}]*(.*)", re.DOTALL)
GROUPED_AMOUNT = re.compile(f"[0-9]{{1,3}}(?:([.,{SPACES}])[0-9]{{3}})(?:\\1[0-9]{{3}})*")


def trim(value: str) -> str:
    return EDGE_SPACES.sub("", value)


def collapse_spaces(value: str) -> str:
    """Spaces at either end removed, every run of spaces inside made one: for one-line answers."""
    if not UNTIDY_SPACES.search(value):
        return value  # the common case, found with one search
    return SPACE_RUN.sub(" ", trim(value))


def nfc(value: str) -> str:
    """Vietnamese letters composed (NFC): some keyboards type 'á' as 'a' and a combining accent."""
    return unicodedata.normalize("NFC", value)


def digits(value: str) -> str:
    """`048 090 012 345`, `48-1234-5678`, `0011.0041.23456` → the digits alone; anything else unchanged."""
    cleaned = trim(value)
    if not DIGIT_GROUPS.fullmatch(cleaned):
        return value
    return re.sub("[^0-9]", "", cleaned)


def phone_vn(value: str) -> str:
    """`+84 905 123 456`, `84905123456`, `0084 905…`, `(+84) 0905…`, `0905.123.456` → `0905123456`.

    Only separators and the country code 84 are removed; a number with a letter, or of
    another country, is returned unchanged for validation to explain.
    """
    compact = PHONE_SEPARATORS.sub("", value)
    if not re.fullmatch(r"\+?[0-9]+", compact):
        return value
    for prefix in ("+84", "0084", "84"):
        if compact.startswith(prefix):
            national = compact[len(prefix):]
            return national if national.startswith("0") else "0" + national
    return value if compact.startswith("+") else compact


def integer_words(value: str) -> int | str:
    """`30`, `30 tháng`, `30tháng`, `12 months` → the whole number; anything else unchanged."""
    found = COUNT.fullmatch(trim(nfc(value)))
    if not found or found.group(2) not in ("", *MONTH_WORDS):
        return value
    return int(found.group(1))


def amount_vnd(value: str) -> int | str:
    """An amount in đồng: `8500000`, `8.500.000`, `8,500,000`, `8 500 000`, `8.500.000 đ` → 8500000.

    Thousands separators are read only in groups of three, one separator throughout; so
    `8.5`, `8,5` and `8.500,50` stay as typed (đồng have no decimals) and are refused.
    """
    text = trim(nfc(value))
    for word in CURRENCY_WORDS:
        if text.endswith(word):
            text = trim(text[: -len(word)])
            break
    if re.fullmatch("[0-9]+", text) or GROUPED_AMOUNT.fullmatch(text):
        number = re.sub("[^0-9]", "", text)
        if len(number.lstrip("0")) <= MAX_NUMBER_DIGITS:
            return int(number)
    return value


NORMALIZERS: dict[str, Callable[[str], object]] = {
    "trim": trim,
    "collapse-spaces": collapse_spaces,
    "nfc": nfc,
    "digits": digits,
    "phone-vn": phone_vn,
    "integer-words": integer_words,
    "amount-vnd": amount_vnd,
}


def normalized_value(names: list[str] | tuple[str, ...], value: object) -> object:
    """A typed answer through the named normalisers in order; only text is touched."""
    for name in names:
        if not isinstance(value, str):
            break
        value = NORMALIZERS[name](value)
    return value


def normalized(procedure: Procedure, answers: object) -> object:
    """The answers with every question's `x-normalize` applied. The answers as sent are never
    modified: what changes is copied, the rest shared (nothing changed: the same object)."""
    return _cleaned(answers, procedure.normalize_plan) if isinstance(answers, dict) else answers


def _cleaned(value: object, plan: dict | tuple) -> object:
    if isinstance(plan, tuple):
        clean = normalized_value(plan, value)
        return value if clean == value and type(clean) is type(value) else clean
    if isinstance(value, list) and "*" in plan:
        items = [_cleaned(item, plan["*"]) for item in value]
        return items if any(new is not old for new, old in zip(items, value)) else value
    if not isinstance(value, dict):
        return value
    changed = {key: clean for key, inner in plan.items() if key in value and (clean := _cleaned(value[key], inner)) is not value[key]}
    return {**value, **changed} if changed else value
