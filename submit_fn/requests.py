"""Reading a request body safely: size, type, UTF-8, NUL bytes, nesting depth, JSON object."""

from __future__ import annotations

import hashlib
import json

from flask import Request

from submit_fn.problems import Problem

MAX_DEPTH = 32
JSON_TYPES = ("application/json", "application/problem+json")
FORM_TYPE = "application/x-www-form-urlencoded"


def body_kind(request: Request) -> str:
    """'json' or 'form'; anything else is a 415."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        return "json"
    if mimetype == FORM_TYPE:
        return "form"
    raise Problem("unsupported_type")


def json_object(raw: bytes) -> dict:
    """The body as a JSON object, or a 400 that says exactly what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem("bad_utf8") from None
    if "\x00" in text:
        raise Problem("nul_byte")
    if _nesting_depth(text) > MAX_DEPTH:
        raise Problem("too_deep", limit=MAX_DEPTH)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise Problem("bad_json", line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise Problem("too_deep", limit=MAX_DEPTH) from None
    if not isinstance(value, dict):
        raise Problem("not_object")
    if _has_nul(value):  # written as \u0000 inside a string
        raise Problem("nul_byte")
    return value


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _nesting_depth(text: str) -> int:
    """How deep brackets nest outside strings, counted before parsing (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def body_hash(answers: dict) -> str:
    """The same answers hash the same, whatever their key order or spacing."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_hash(idempotency_key: str, procedure_id: str) -> str:
    return hashlib.sha256(f"{procedure_id}\n{idempotency_key}".encode()).hexdigest()
