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
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise Problem("bad_json", line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise Problem("too_deep", limit=MAX_DEPTH) from None
    if not isinstance(value, dict):
        raise Problem("not_object")
    if _may_be_too_deep_or_hide_nul(text):
        _check_shape(value)
    return value


def _may_be_too_deep_or_hide_nul(text: str) -> bool:
    """False when the text alone rules out both, as it does for any real claim, sparing the walk:
    nesting is at most its number of opening brackets, and a NUL that is not a raw byte (refused
    before) can only come from the escape \\u0000."""
    return text.count("{") + text.count("[") >= MAX_DEPTH or "\\u0000" in text


def _check_shape(value: dict) -> None:
    """Walk the parsed answers once, without recursion: nesting depth and NULs written as \\u0000."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise Problem("too_deep", limit=MAX_DEPTH)
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise Problem("nul_byte")
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and "\x00" in item:
            raise Problem("nul_byte")


def body_hash(answers: dict) -> str:
    """The same answers hash the same, whatever their key order or spacing."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_hash(idempotency_key: str, procedure_id: str) -> str:
    return hashlib.sha256(f"{procedure_id}\n{idempotency_key}".encode()).hexdigest()
