"""The schemas' `x-checks` judged: answers each valid but impossible together, or with today.

The function refuses an answer that breaks an `error` check (validation.answer_errors, keyword
`x-check`); the form pages judge the same checks with the same words in
docs/assets/js/checks.js, which also shows the `warning`s (the function reports none: a
warning changes nothing that is stored or decided). "Today" is a parameter: the function
passes Vietnam's date, the page the device's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import MAXYEAR, date
from functools import cache

from submit_fn.model.procedures import Check, Procedure
from submit_fn.model.working_days import working_days_after

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@cache
def _parts(pointer: str) -> tuple[str, ...]:
    return tuple(pointer.split("/")[1:])


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _integer(value: object) -> int | None:
    """A whole number as JSON Schema's "integer" reads one (3.0 included), as the browser does."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


SHAPES: dict[str, Callable[[object], object]] = {"date": _date, "integer": _integer, "text": _text}


def birthday(born: date, years: int) -> date:
    """The day someone born on `born` turns `years`: 28 February for 29 February in a common
    year (as Decree 374 art. 15(2) ends a month on its last day); date.max beyond the calendar."""
    if born.year + years > MAXYEAR:
        return date.max
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def working_life_months(born: date, from_age: int, until: date) -> int:
    """The calendar months from the birthday at `from_age` to `until`, both counted whole:
    the most contribution months anyone born that day can have."""
    start = birthday(born, from_age)
    if until < start:
        return 0
    return (until.year - start.year) * 12 + until.month - start.month + 1


def at_most_working_days_ago(day: date, count: int, today: date) -> bool:
    """`day` is today, later, or at most `count` working days before today (holidays.VN)."""
    if day >= today:
        return True
    if (today - day).days > 2 * count + 30:  # more calendar days than `count` working days can ever take
        return False
    return today <= working_days_after(day, count)


@dataclass(frozen=True)
class Kind:
    """What a kind of check compares: the shapes of its answers (the subject first) and what must hold."""

    shapes: tuple[str, ...]
    holds: Callable[[list, date, object], bool]
    optional: int = 0  # how many of the last answers may be left out of `fields`
    more: str | None = None  # the shape of any further answers


KINDS: dict[str, Kind] = {
    "date-not-future": Kind(("date",), lambda v, today, _: v[0] <= today),
    "age-at-least": Kind(("date",), lambda v, today, years: birthday(v[0], years) <= today),
    "date-on-or-after": Kind(("date", "date"), lambda v, _, __: v[0] >= v[1]),
    "date-after": Kind(("date", "date"), lambda v, _, __: v[0] > v[1]),
    "not-equal": Kind(("text", "text"), lambda v, _, __: v[0] != v[1]),
    "not-value": Kind(("text",), lambda v, _, value: v[0] != value),
    "at-most": Kind(("integer", "integer"), lambda v, _, __: v[0] <= v[1]),
    "sum-equals": Kind(("integer", "integer"), lambda v, _, __: v[0] == sum(v[1:]), more="integer"),
    "months-within-working-life": Kind(
        ("integer", "date", "date"),
        lambda v, today, age: v[0] <= working_life_months(v[1], age, v[2] if len(v) > 2 else today),
        optional=1,
    ),
    "working-days-since-at-most": Kind(("date",), lambda v, today, count: at_most_working_days_ago(v[0], count, today)),
}


def shapes_of(check: Check) -> list[str] | None:
    """The shape each of the check's answers must have; None if the kind takes another number of answers."""
    kind = KINDS[check.kind]
    count = len(check.fields)
    if count < len(kind.shapes) - kind.optional or (count > len(kind.shapes) and kind.more is None):
        return None
    return [kind.shapes[i] if i < len(kind.shapes) else kind.more for i in range(count)]


def failed_checks(procedure: Procedure, answers: object, today: date, invalid: Collection[str] = ()) -> list[Check]:
    """The checks these answers break, in the order declared, at most one per answer and level.

    A check is judged only when each of its answers is given, of the right kind, and valid on
    its own (`invalid`: the pointers at which validation found an error), and not already
    refused by an earlier check (a birth date in the future says nothing about months worked):
    one message at a time, about the answer to fix first.
    """
    failed, taken, refused = [], set(), set(invalid)
    for check in procedure.checks:
        if (check.at, check.level) in taken or _touches(check, refused) or not _applies(check, answers):
            continue
        values = _values(check, answers)
        if values is not None and not KINDS[check.kind].holds(values, today, check.value):
            failed.append(check)
            taken.add((check.at, check.level))
            if check.level == "error":
                refused.add(check.at)
    return failed


def check_message(check: Check, lang: str) -> str:
    """What the worker reads, from the function and on the form page alike."""
    return check.message[lang]


def _applies(check: Check, answers: object) -> bool:
    """A check with `when` is judged only for the answers it names."""
    if check.when is None:
        return True
    pointer, values = check.when
    return pointer is not None and answer_at(answers, pointer) in values


def _touches(check: Check, invalid: Collection[str]) -> bool:
    return any(field == pointer or (field or "").startswith(pointer + "/") for field in check.fields for pointer in invalid)


def _values(check: Check, answers: object) -> list | None:
    shapes = shapes_of(check)
    if shapes is None:
        return None
    values = []
    for pointer, shape in zip(check.fields, shapes):
        value = SHAPES[shape](answer_at(answers, pointer)) if pointer else None
        if value is None:
            return None
        values.append(value)
    return values


def answer_at(answers: object, pointer: str) -> object:
    """The answer at a pointer of object keys; None where there is none."""
    for part in _parts(pointer):
        if not isinstance(answers, dict):
            return None
        answers = answers.get(part)
    return answers
