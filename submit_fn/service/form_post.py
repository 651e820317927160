"""A plain HTML form post (no JavaScript) turned into the same JSON answers as the web form sends.

Control names are the answer's path joined by '.' (CONTRACT.md): `permanent_address.province`,
`job_search.0.employer`. Names starting with '_' carry settings (`_lang`, `_schema_version`),
not answers. Empty controls are no answer at all.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from submit_fn.model.procedures import Field, Procedure
from submit_fn.service.problems import Problem
from submit_fn.service.requests import MAX_DEPTH, MAX_VALUES, check_shape

TRUE_VALUES = {"on", "true", "1", "yes"}
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: not '²', '--5' or 5,000 digits, explained as typed
MAX_INDEX_DIGITS = 2  # no form has 100 items; a larger index is taken as the next item, never as a size


def answers_from_form(procedure: Procedure, form: MultiDict) -> dict:
    names = sorted(name for name in set(form.keys()) if not name.startswith("_"))
    _check_names(names)
    answers: dict = {}
    for name in names:
        values = [value for value in form.getlist(name) if value.strip() != ""]
        field = procedure.field_at("/" + name.replace(".", "/"))
        if not values:
            continue
        _put(answers, name.split("."), _typed(field, values))
    check_shape(answers)
    return answers


def _check_names(names: list[str]) -> None:
    """Before anything is built: names nested deeper than answers may be, or lists that would
    hold more items in all than answers may have (each index makes its list that long), are a
    4xx, whatever names a post makes up."""
    list_sizes: dict[tuple[str, ...], int] = {}
    for name in names:
        parts = tuple(name.split("."))
        if len(parts) > MAX_DEPTH:
            raise Problem("too_deep", limit=MAX_DEPTH)
        for position, part in enumerate(parts[1:], start=1):
            if part.isdecimal() and len(part) <= MAX_INDEX_DIGITS:
                list_sizes[parts[:position]] = max(list_sizes.get(parts[:position], 0), int(part) + 1)
    if len(names) + sum(list_sizes.values()) > MAX_VALUES:
        raise Problem("too_many_values", limit=MAX_VALUES)


def _typed(field: Field | None, values: list[str]) -> object:
    """Coerce by the field's type; a value that does not fit is kept, for validation to explain."""
    schema = field.schema if field else {}
    kind = schema.get("type")
    if kind == "array":
        return values
    value = values[-1].strip()
    if kind == "boolean":
        return value.lower() in TRUE_VALUES
    if kind == "integer" and WHOLE_NUMBER.fullmatch(value):
        return int(value)
    if kind == "number":
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value


def _put(target: dict | list, path: list[str], value: object) -> None:
    """Set a value at a path, making objects for names and lists for indexes on the way."""
    *parents, last = path
    for position, part in enumerate(parents):
        following = path[position + 1]
        empty: dict | list = [] if following.isdecimal() else {}
        target = _child(target, part, empty)
    if isinstance(target, list):
        target[_slot(target, last)] = value
    elif isinstance(target, dict):
        target[last] = value


def _child(target: dict | list, part: str, empty: dict | list) -> dict | list:
    if isinstance(target, list):
        index = _slot(target, part)
        if not isinstance(target[index], (dict, list)):
            target[index] = empty
        return target[index]
    existing = target.get(part)
    if not isinstance(existing, (dict, list)):
        target[part] = existing = empty
    return existing


def _slot(items: list, part: str) -> int:
    """The list position a name segment points at, the list grown to hold it."""
    index = int(part) if part.isdecimal() and len(part) <= MAX_INDEX_DIGITS else len(items)
    while len(items) <= index:
        items.append(None)
    return index
