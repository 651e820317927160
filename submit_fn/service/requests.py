"""Reading a request body safely: size, type, UTF-8, NUL bytes, nesting depth, JSON object;
a filled PDF form, sent as the body or as a file of a page's multipart post; answers with
documents, sent as a multipart post (told from the PDF filing by its parts, never its size)."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence

from flask import Request

from submit_fn.service.problems import Problem

MAX_DEPTH = 32
MAX_VALUES = 2000  # answers, lists and groups in all: the longest form's answers are a few hundred
SURROGATE = re.compile("[\ud800-\udfff]")
JSON_TYPES = ("application/json", "application/problem+json")
FORM_TYPE = "application/x-www-form-urlencoded"
PDF_TYPE = "application/pdf"
MULTIPART_TYPE = "multipart/form-data"
BROWSER_TYPES = (FORM_TYPE, MULTIPART_TYPE)  # posted by a page's own <form>: answered with an HTML page
PDF_KINDS = ("pdf", "upload")
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
PDF_PART = "form_pdf"  # the file control of the form pages' "send the PDF file" form
ANSWERS_PART = "answers"  # a multipart post's answers as JSON (else the form's own controls)
DOCUMENTS_PART = "documents"  # its files (CONTRACT.md)


def body_kind(request: Request, multipart_limit: int) -> str:
    """'json', 'form' (a plain HTML form post), 'pdf' (a filled PDF form as the body), 'upload'
    (a page's multipart post carrying one in `form_pdf`) or 'documents' (a multipart post of
    answers and documents); anything else is a 415. A multipart body is read up to `multipart_limit`."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        return "json"
    if mimetype == FORM_TYPE:
        return "form"
    if mimetype == PDF_TYPE:
        return "pdf"
    if mimetype == MULTIPART_TYPE:
        request.max_content_length = multipart_limit
        return "upload" if PDF_PART in request.files else "documents"
    raise Problem("unsupported_type")


def answered_with_page(request: Request) -> bool:
    """A page's own <form> post, answered with an HTML page: a plain form post, or a multipart post
    that does not ask for JSON (a script sends `Accept: application/json`). Decided without reading
    the body, so that a body too large to read is answered in the same way."""
    if request.mimetype == FORM_TYPE:
        return True
    return request.mimetype == MULTIPART_TYPE and request.accept_mimetypes.best_match(("application/json", "text/html")) != "application/json"


def sent_pdf(request: Request, kind: str, limit: int) -> bytes:
    """The filled PDF form: the body itself, or the `form_pdf` file of a multipart post."""
    if kind == "pdf":
        return request.get_data(cache=True)
    upload = request.files[PDF_PART]
    data = upload.stream.read(limit + 1)
    if not data:
        raise Problem("pdf_missing")  # the file control left empty
    if len(data) > limit:
        raise Problem("too_large", limit=limit)
    return data


def sent_answers(request: Request, limit: int) -> dict | None:
    """The `answers` part of a multipart post as a JSON object; None when the post sends the
    form's own controls instead."""
    text = request.form.get(ANSWERS_PART)
    if text is None:
        return None
    raw = text.encode()
    if len(raw) > limit:
        raise Problem("too_large", limit=limit)
    return json_object(raw)


def json_object(raw: bytes) -> dict:
    """The body as a JSON object, or a 400 that says exactly what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem("bad_utf8") from None
    if "\x00" in text:
        raise Problem("nul_byte")
    try:
        value = json.loads(text, parse_float=_finite_number, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise Problem("bad_json", line=error.lineno, column=error.colno) from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise Problem("bad_number") from None
    except RecursionError:
        raise Problem("too_deep", limit=MAX_DEPTH) from None
    if not isinstance(value, dict):
        raise Problem("not_object")
    if _may_hide_a_problem(text):
        check_shape(value)
    return value


def _finite_number(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999: no answer is that large, and JSON cannot store infinity
        raise Problem("bad_number")
    return number


def _no_constant(name: str) -> None:
    raise Problem("bad_number")  # NaN and Infinity, which Python's json reads but JSON has not


def _may_hide_a_problem(text: str) -> bool:
    """False when the text alone rules out every problem `check_shape` looks for, as it does for
    any real claim, sparing the walk: nesting is at most its number of opening brackets, values at
    most one more than its commas, and a NUL or a lone surrogate that is not a raw byte (refused
    before) can only come from an escape."""
    return (text.count("{") + text.count("[") >= MAX_DEPTH or text.count(",") >= MAX_VALUES
            or "\\u0000" in text or "\\ud" in text or "\\uD" in text)


def check_shape(answers: dict) -> None:
    """Walk the answers once, without recursion: nesting depth, number of values, NULs (written
    as \\u0000 in JSON) and lone UTF-16 surrogates (\\ud800 without its pair), which stand for no
    character. Every kind of body is checked so before anything else reads its answers."""
    pending: list[tuple[object, int]] = [(answers, 1)]
    values = 0
    while pending:
        item, depth = pending.pop()
        values += 1
        if depth > MAX_DEPTH:
            raise Problem("too_deep", limit=MAX_DEPTH)
        if values > MAX_VALUES:
            raise Problem("too_many_values", limit=MAX_VALUES)
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise Problem("nul_byte")
    if not text.isascii() and SURROGATE.search(text):
        raise Problem("lone_surrogate")


def measured_bodies(app: WSGIApp, limit: int) -> WSGIApp:
    """WSGI middleware: a streamed (chunked) body is read before anything else reads it, up to one
    byte past `limit` (the largest any route takes), and given that length, so that every limit
    holds for it as for a body sent with a Content-Length: a body over the limit is a 413. Werkzeug
    alone stops reading a stream at the limit without looking further, and the cut body was read
    as the whole."""

    def measured(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not environ.get("CONTENT_LENGTH"):
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # from here on, a body of that length like any other
            environ.pop("wsgi.input_terminated", None)
        return app(environ, start_response)

    return measured


def _read_at_most(stream, size: int) -> bytes:
    """Up to `size` bytes: a stream may hand over fewer than asked before its end."""
    parts, left = [], size
    while left > 0 and (part := stream.read(min(left, 64 * 1024))):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def body_hash(answers: dict, document_hashes: Sequence[str] = ()) -> str:
    """The same answers (and the same documents, in the same order) hash the same, whatever
    their key order or spacing."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if document_hashes:
        canonical += "\n" + "\n".join(document_hashes)
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_hash(idempotency_key: str, procedure_id: str) -> str:
    return hashlib.sha256(f"{procedure_id}\n{idempotency_key}".encode()).hexdigest()
