"""Answers as people type them on a phone: numbers in groups, +84, "30 tháng", stray spaces.

Each procedure's examples are written as stored; `as_typed` turns one into what a worker
types, which the form page and the function must make back into the example exactly.
"""

from __future__ import annotations

COUNTS = ("contribution_months", "months", "months_received", "months_remaining")


def grouped(digits: str, sizes: tuple[int, ...], separator: str = " ") -> str:
    groups, start = [], 0
    for size in sizes:
        groups.append(digits[start:start + size])
        start += size
    return separator.join(filter(None, [*groups, digits[start:]]))


def typed_value(key: str, value: object) -> object:
    if key == "citizen_id":
        return grouped(value, (3, 3, 3))  # 001 190 012 345, as printed on the card
    if key == "social_insurance_number":
        return grouped(value, (2, 4))  # 01 2345 6789
    if key == "phone":
        return "+84 " + grouped(value[1:], (3, 3))  # +84 912 345 678
    if key == "account_number":
        return grouped(value, (4, 4), "-")
    if key in COUNTS and isinstance(value, int):
        return f"{value} tháng"
    if key in ("full_name", "street", "bank") and isinstance(value, str):
        return " " + value.replace(" ", "  ", 1) + " "
    return value


def as_typed(answers: object, key: str = "") -> object:
    if isinstance(answers, dict):
        return {k: as_typed(v, k) for k, v in answers.items()}
    if isinstance(answers, list):
        return [as_typed(item, key) for item in answers]
    return typed_value(key, answers)
