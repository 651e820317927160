"""The submit function's HTTP API (CONTRACT.md, "HTTP API")."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

from flask import Flask, Response, abort, g, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from submit_fn import openapi
from submit_fn.fast_submit import FastSubmit
from submit_fn.form_post import answers_from_form
from submit_fn.intake import cors_headers, log_fault, log_request, public, receipt_json, store
from submit_fn.problems import Problem
from submit_fn.procedures import Catalogue, Procedure, VersionNotAccepted, load_catalogue
from submit_fn.receipts import ReceiptIdError, parse_receipt_id, signature_matches
from submit_fn.requests import body_kind, json_object
from submit_fn.settings import Settings, load_settings
from submit_fn.storage import IdempotencyConflict, Storage, Submission
from submit_fn.validation import answer_errors

LANGS = ("vi", "en")


def create_app(settings: Settings | None = None, catalogue: Catalogue | None = None) -> Flask:
    """The application: schemas compiled and storage opened once, here, never per request."""
    settings = settings or load_settings()
    catalogue = catalogue or load_catalogue()
    for procedure in catalogue:
        procedure.validator  # noqa: B018 - compile every validator at start-up
        procedure.is_valid({})
    storage = Storage(settings.database_url)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False
    app.extensions["bhtn"] = {"settings": settings, "catalogue": catalogue, "storage": storage}
    _routes(app, settings, catalogue, storage)
    _hooks(app, settings)
    app.wsgi_app = FastSubmit(app.wsgi_app, settings, catalogue, storage)  # Flask's documented middleware hook
    return app


def language() -> str:
    """`_lang` of a plain form post, else Accept-Language. Never raises: it also words the
    answer to a body too large to read."""
    try:
        chosen = request.values.get("_lang") if request.mimetype == "application/x-www-form-urlencoded" else None
    except RequestEntityTooLarge:
        chosen = request.args.get("_lang")
    return chosen if chosen in LANGS else request.accept_languages.best_match(LANGS, default="vi")


def _procedure(catalogue: Catalogue, procedure_id: str) -> Procedure:
    try:
        return catalogue[procedure_id]
    except KeyError:
        ids = ", ".join(p.id for p in catalogue)
        raise Problem("unknown_procedure", id=procedure_id[:60], ids=ids) from None


def _version_to_accept(catalogue: Catalogue, procedure_id: str, kind: str) -> Procedure:
    """The version the worker's form was loaded with (`Schema-Version`, or `_schema_version`
    in a form post), while it is accepted; the version in force when none is named."""
    named = request.headers.get("Schema-Version", "")
    if not named and kind == "form":
        named = request.form.get("_schema_version", "")
    try:
        return catalogue.accepting(procedure_id, named.strip()[:20] or None)
    except VersionNotAccepted as refused:
        current = refused.procedure
        values = {"version": named.strip()[:20], "current": current.version}
        if refused.reason == "expired":
            last_day = current.accepts_previous_until - timedelta(days=1)
            values |= {"since": current.effective_from.strftime("%d/%m/%Y"), "last_day": last_day.strftime("%d/%m/%Y")}
        raise Problem(f"version_{refused.reason}", {"current_version": current.version}, **values) from None


def _no_such_version(current: Procedure):
    raise Problem("unknown_version", {"current_version": current.version}, version=request.args["version"][:20], current=current.version)


def _receipt_id(text: str) -> str:
    try:
        return parse_receipt_id(text)
    except ReceiptIdError as error:
        raise Problem("mistyped_receipt" if error.mistyped else "not_receipt_id") from None


def _require_office(settings: Settings) -> None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    valid = any(hmac.compare_digest(token.encode(), known.encode()) for known in settings.office_tokens)
    if not token or not valid:
        raise Problem("unauthorized")


def _routes(app: Flask, settings: Settings, catalogue: Catalogue, storage: Storage) -> None:
    @app.get("/api/health")
    def health():
        return {"status": "ok"}

    @app.get("/api/openapi.json")
    def openapi_description():
        return openapi.description([p.id for p in catalogue])

    @app.get("/api/procedures")
    def procedures():
        lang = language()
        return [{"id": p.id, "title": p.title[lang], "version": p.version} for p in catalogue]

    @app.get("/api/procedures/<procedure_id>/schema")
    def schema(procedure_id: str):
        procedure = _procedure(catalogue, procedure_id)
        if request.args.get("version"):
            procedure = catalogue.version(procedure_id, request.args["version"][:20]) or _no_such_version(procedure)
        body = json.dumps(procedure.bundled_schema(), ensure_ascii=False, sort_keys=True)
        response = Response(body, content_type="application/schema+json; charset=utf-8")
        response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    def _checked(procedure_id: str) -> tuple[Procedure, dict, str]:
        """The version to use, the answers, and the kind of body; invalid answers answered here."""
        _procedure(catalogue, procedure_id)
        kind = body_kind(request)
        procedure = _version_to_accept(catalogue, procedure_id, kind)
        raw = request.get_data(cache=True)
        answers = json_object(raw) if kind == "json" else answers_from_form(procedure, request.form)
        errors = answer_errors(procedure, answers, language())
        if errors and kind == "form":
            abort(_html("errors.html.j2", 422, procedure=procedure, errors=errors, answers=request.form))
        if errors:
            raise Problem("invalid_answers", {"errors": [e.as_json() for e in errors]}, count=len(errors))
        return procedure, answers, kind

    @app.post("/api/procedures/<procedure_id>/submissions")
    def submit(procedure_id: str):
        procedure, answers, kind = _checked(procedure_id)
        submission = _store(procedure, answers, settings, storage)
        if kind == "form":
            return _html("receipt.html.j2", 201, procedure=procedure, receipt=submission.receipt)
        response = Response(receipt_json(submission), status=201, content_type="application/json")
        response.headers["Location"] = f"/api/receipts/{submission.id}"
        return response

    @app.post("/api/procedures/<procedure_id>/pdf")
    def filled_pdf(procedure_id: str):
        """The worker's own answers on the paper form, to print or bring in person: nothing is stored."""
        from submit_fn.pdf import render_filled

        procedure, answers, _ = _checked(procedure_id)
        return _pdf(render_filled(procedure, answers, lang=language()), f"{procedure_id}.pdf")

    @app.get("/api/receipts/<receipt_id>")
    def receipt(receipt_id: str):
        if receipt_id.lower().endswith(".pdf"):
            return _receipt_pdf(receipt_id[:-4])
        stored = storage.get(_receipt_id(receipt_id))
        if stored is None:
            raise Problem("unknown_receipt", id=receipt_id[:40])
        body: dict = {"receipt": public(stored.receipt)}
        if request.args.get("signature"):
            body["signature_valid"] = signature_matches(stored.receipt, request.args["signature"], settings.receipt_key)
        return body

    @app.get("/api/office/submissions")
    def office_list():
        _require_office(settings)
        procedure = request.args.get("procedure") or None
        if procedure:
            _procedure(catalogue, procedure)
        found = storage.list(procedure, request.args.get("since") or None)
        return [public(s.receipt) for s in found]

    @app.get("/api/office/submissions/<receipt_id>")
    def office_one(receipt_id: str):
        _require_office(settings)
        if receipt_id.lower().endswith(".pdf"):
            return _office_pdf(receipt_id[:-4])
        stored = _stored(receipt_id)
        return {"receipt": stored.receipt, "answers": stored.answers, "estimate": stored.estimate}

    def _receipt_pdf(receipt_id: str):
        """The receipt on paper, with a QR code of its verification URL; no personal data."""
        from submit_fn.pdf import render_receipt

        stored = _stored(receipt_id)
        procedure = catalogue.version(stored.procedure, stored.receipt["schema_version"]) or catalogue[stored.procedure]
        verify_url = f"{request.host_url}api/receipts/{stored.id}?signature={stored.receipt['signature']}"
        return _pdf(render_receipt(procedure, public(stored.receipt), verify_url, language()), f"{stored.id}.pdf")

    def _office_pdf(receipt_id: str):
        from submit_fn.pdf import render_filled

        stored = _stored(receipt_id)
        procedure = catalogue.version(stored.procedure, stored.receipt["schema_version"]) or catalogue[stored.procedure]
        return _pdf(render_filled(procedure, stored.answers, stored.receipt, lang="vi"), f"{stored.id}.pdf")

    def _stored(receipt_id: str) -> Submission:
        stored = storage.get(_receipt_id(receipt_id))
        if stored is None:
            raise Problem("unknown_receipt", id=receipt_id[:40])
        return stored


def _store(procedure: Procedure, answers: dict, settings: Settings, storage: Storage) -> Submission:
    key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    try:
        return store(procedure, answers, key, settings, storage)
    except IdempotencyConflict:
        raise Problem("idempotency_conflict") from None


def _pdf(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # it may hold the worker's answers
    return response


def _html(template: str, status: int, **context) -> Response:
    lang = language()
    body = render_template(f"html/{template}", lang=lang, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers={"Content-Language": lang})


def _hooks(app: Flask, settings: Settings) -> None:
    @app.before_request
    def start():
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def finish(response: Response) -> Response:
        for name, value in cors_headers(request.headers.get("Origin"), settings):
            response.headers[name] = value
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="office"'
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        log_request(g.get("request_id"), request.method, rule, response.status_code, g.get("started", time.perf_counter()))
        return response

    @app.errorhandler(Problem)
    def problem(error: Problem):
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            body = error.body(language())
            return _html("problem.html.j2", error.status, title=body["title"], detail=body["detail"])
        return error.response(language())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # a page already made, e.g. the HTML list of errors for a form post
            return error.response
        if isinstance(error, RequestEntityTooLarge):
            return problem(Problem("too_large", limit=settings.max_body_bytes))
        if isinstance(error, MethodNotAllowed):
            response = problem(Problem("method_not_allowed", method=request.method[:10]))
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))  # RFC 9110, 15.5.6
            return response
        if isinstance(error, NotFound):
            return problem(Problem("not_found"))
        if error.code and 400 <= error.code < 500:
            return problem(Problem("bad_request"))
        return problem(Problem("server_error"))

    @app.errorhandler(Exception)
    def server_fault(error: Exception):
        log_fault(g.get("request_id"), error)
        return Problem("server_error").response(language())

