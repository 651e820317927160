"""The hot path: a valid JSON submission stored and receipted without Flask's request machinery.

Every form on the site sends its answers here, and under load Flask's per-request work
(contexts, proxies, hooks, header parsing) costs more than validating, signing and storing
them (python -m benchmarks.submit). This WSGI middleware, installed as the app's `wsgi_app`,
answers only when it can issue a receipt: a JSON POST to /api/procedures/<id>/submissions
whose version is accepted and whose answers are valid. Anything else (other routes, form
posts, invalid or oversized bodies, idempotency conflicts) goes to Flask with the body intact,
nothing having been stored, and Flask's routes answer, so every message is worded in one place.
Storing, the receipt, its JSON, CORS and the log line are the functions the Flask route uses.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Callable, Iterable

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from submit_fn.model.procedures import Catalogue
from submit_fn.model.validation import validated
from submit_fn.service import intake
from submit_fn.service.problems import Problem
from submit_fn.service.requests import JSON_TYPES, WSGIApp, json_object
from submit_fn.service.security_headers import security_headers
from submit_fn.service.settings import Settings
from submit_fn.service.storage import IdempotencyConflict, Storage, Submission

SUBMISSIONS = re.compile(r"/api/procedures/([a-z0-9-]{1,60})/submissions")
ROUTE = "/api/procedures/<procedure_id>/submissions"


class FastSubmit:
    def __init__(self, flask_wsgi: WSGIApp, settings: Settings, catalogue: Catalogue, storage: Storage) -> None:
        self.flask_wsgi, self.settings, self.catalogue, self.storage = flask_wsgi, settings, catalogue, storage

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        match = SUBMISSIONS.fullmatch(environ.get("PATH_INFO", ""))
        raw = self._json_body(environ) if match and environ.get("REQUEST_METHOD") == "POST" else None
        if raw is None:
            return self.flask_wsgi(environ, start_response)
        started = time.perf_counter()
        request_id = environ.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        environ["HTTP_X_REQUEST_ID"] = request_id  # Flask, if it answers, logs under the same id
        try:
            submission = self._stored(environ, match.group(1), raw)
        except Exception as error:  # noqa: BLE001 - answered as Flask answers a fault: a problem, no detail
            problem = intake.fault_problem(request_id, error)
            lang = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept).best_match(("vi", "en"), default="vi")
            response = problem.response(lang)
            response.headers["X-Request-Id"] = request_id
            response.headers.update(security_headers(response.content_type))
            intake.log_request(request_id, "POST", ROUTE, problem.status, started)
            return response(environ, start_response)
        if submission is None:
            return self.flask_wsgi(environ, start_response)
        body = intake.receipt_json(submission)
        start_response("201 CREATED", [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Location", f"/api/receipts/{submission.id}"),
            ("X-Request-Id", request_id),
            *security_headers("application/json"),
            *intake.cors_headers(environ.get("HTTP_ORIGIN"), self.settings),
        ])
        intake.log_request(request_id, "POST", ROUTE, 201, started)
        return [body]

    def _json_body(self, environ: dict) -> bytes | None:
        """The body of a JSON request of a declared, acceptable length; None leaves it to Flask.
        The body read here is put back so that Flask reads the same bytes."""
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "")
        if mimetype not in JSON_TYPES or not length.isdigit() or int(length) > self.settings.max_body_bytes:
            return None
        raw = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(raw)
        return raw

    def _stored(self, environ: dict, procedure_id: str, raw: bytes) -> Submission | None:
        """The submission once committed; None, with nothing stored, for anything Flask must answer."""
        try:
            procedure = intake.accepted_version(self.catalogue, procedure_id, environ.get("HTTP_SCHEMA_VERSION", ""))
            answers, errors = validated(procedure, json_object(raw), today=self.catalogue.today())  # as api.py's _checked
        except (KeyError, Problem):
            return None
        if not procedure.has_worker_form or errors:
            return None
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "").strip()[:200] or None
        try:
            return intake.store(procedure, answers, key, self.settings, self.storage)
        except IdempotencyConflict:
            return None
