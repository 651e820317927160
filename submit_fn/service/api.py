"""The submit function's HTTP API (CONTRACT.md, "HTTP API")."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence

from flask import Flask, Response, abort, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from submit_fn.model.procedures import Catalogue, Procedure, load_catalogue
from submit_fn.model.validation import AnswerError, validated
from submit_fn.service import openapi
from submit_fn.service.documents import Document, read_parts, received_documents
from submit_fn.service.fast_submit import FastSubmit
from submit_fn.service.form_post import answers_from_form
from submit_fn.service.intake import (
    accepted_version,
    cors_headers,
    fault_problem,
    log_request,
    public,
    receipt_json,
    store,
)
from submit_fn.service.notification_calendar import blueprint as notification_calendar
from submit_fn.service.notification_calendar import receipt_next_notification
from submit_fn.service.pdf_post import answers_from_pdf
from submit_fn.service.problems import Problem, invalid_answers
from submit_fn.service.questions import WARD_STEP, document_error, error_links, render_questions
from submit_fn.service.questions import words as question_words
from submit_fn.service.receipts import ReceiptIdError, parse_receipt_id, signature_matches, verification_url
from submit_fn.service.requests import (
    ANSWERS_PART,
    BROWSER_TYPES,
    DOCUMENTS_PART,
    PDF_KINDS,
    answered_with_page,
    body_kind,
    json_object,
    measured_bodies,
    sent_answers,
    sent_pdf,
)
from submit_fn.service.security_headers import security_headers
from submit_fn.service.settings import Settings, load_settings
from submit_fn.service.storage import IdempotencyConflict, Storage, StorageUnavailable, Submission

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
    app.jinja_options = {**app.jinja_options, "autoescape": True}  # every template, *.html.j2 too (Flask escapes only *.html)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False
    app.extensions["bhtn"] = {"settings": settings, "catalogue": catalogue, "storage": storage}
    _routes(app, settings, catalogue, storage)
    app.register_blueprint(notification_calendar(catalogue, settings.public_base_url))
    _hooks(app, settings)
    from submit_fn.office import register  # the office imports this module's helpers

    register(app)
    # Flask's documented middleware hook. A streamed body is measured before Flask reads it; the
    # fast path takes only bodies of a declared length, and leaves the rest to Flask.
    largest_body = max(settings.max_pdf_bytes, settings.max_upload_bytes)
    app.wsgi_app = FastSubmit(measured_bodies(app.wsgi_app, largest_body), settings, catalogue, storage)
    if settings.trusted_proxy_count:  # else X-Forwarded-* are anyone's words, and ignored
        hops = settings.trusted_proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    return app


def language() -> str:
    """`_lang` of a page's form post, `lang` of a page's address (tra-cuu/'s form), else Accept-Language.
    Never raises: it also words the answer to a body too large to read."""
    try:
        chosen = request.values.get("_lang") if request.mimetype in BROWSER_TYPES else None
    except RequestEntityTooLarge:
        chosen = request.args.get("_lang")
    chosen = chosen or request.args.get("lang")
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
    if not named and kind in ("form", "documents"):
        named = request.form.get("_schema_version", "")
    return accepted_version(catalogue, procedure_id, named)


def _no_such_version(current: Procedure):
    raise Problem("unknown_version", {"current_version": current.version}, version=request.args["version"][:20], current=current.version)


def _nothing_to_file(procedure: Procedure) -> None:
    """A procedure in which the worker files nothing (tam-dung) takes no answers: say so, and where to read."""
    if not procedure.has_worker_form:
        lang = language()
        guidance = f"{'/en' if lang == 'en' else ''}/thu-tuc/{procedure.id}/"
        raise Problem("nothing_to_file", {"guidance": guidance}, title=procedure.title[lang], guidance=guidance)


def _receipt_id(text: str) -> str:
    try:
        return parse_receipt_id(text)
    except ReceiptIdError as error:
        raise Problem("mistyped_receipt" if error.mistyped else "not_receipt_id") from None


def _prefers_html() -> bool:
    return request.accept_mimetypes.best_match(("application/json", "text/html")) == "text/html"


def _routes(app: Flask, settings: Settings, catalogue: Catalogue, storage: Storage) -> None:
    @app.get("/api/health")
    def health():
        storage.check()  # 503 (StorageUnavailable) when it does not answer
        return {"status": "ok"}

    @app.get("/api/openapi.json")
    def openapi_description():
        return openapi.description([p.id for p in catalogue], [p.id for p in catalogue if not p.has_worker_form])

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
        """The version to use, the answers as typed made clean (`x-normalize`), and the kind of body;
        invalid answers answered here."""
        _nothing_to_file(_procedure(catalogue, procedure_id))
        kind = body_kind(request, settings.max_upload_bytes)
        if kind == "pdf":
            request.max_content_length = settings.max_pdf_bytes
        if kind in PDF_KINDS:
            procedure, typed = answers_from_pdf(catalogue, procedure_id, sent_pdf(request, kind, settings.max_pdf_bytes))
        else:
            procedure = _version_to_accept(catalogue, procedure_id, kind)
            if kind == "json":
                typed = json_object(request.get_data(cache=True))
            else:
                sent = sent_answers(request, settings.max_body_bytes) if kind == "documents" else None
                typed = sent if sent is not None else answers_from_form(procedure, request.form)
        if _form_posted(kind) and request.form.get("_step") == WARD_STEP:
            abort(_form_again(procedure, 200, []))  # the wards of the chosen province: nothing judged yet
        answers, errors = validated(procedure, typed, language(), catalogue.today())
        if errors and _form_posted(kind):
            abort(_form_again(procedure, 422, errors))
        if errors and answered_with_page(request):
            abort(_html("errors.html.j2", 422, procedure=procedure, errors=errors))
        if errors:
            raise invalid_answers(errors)
        return procedure, answers, kind

    @app.post("/api/procedures/<procedure_id>/submissions")
    def submit(procedure_id: str):
        procedure, answers, kind = _checked(procedure_id)
        submission = _store(procedure, answers, settings, storage, _documents(procedure, kind))
        if answered_with_page(request):
            # Post/Redirect/Get: the page's address becomes the receipt's, so a reload never files twice
            return redirect(f"/api/receipts/{submission.id}?lang={language()}", 303)
        response = Response(receipt_json(submission), status=201, content_type="application/json")
        response.headers["Location"] = f"/api/receipts/{submission.id}"
        return response

    @app.post("/api/procedures/<procedure_id>/pdf")
    def filled_pdf(procedure_id: str):
        """The worker's own answers on the paper form, to print or bring in person: nothing is stored."""
        from submit_fn.pdf.render import render_filled

        procedure, answers, _ = _checked(procedure_id)
        return _pdf(render_filled(procedure, answers, lang=language()), f"{procedure_id}.pdf")

    @app.get("/api/receipts")
    def look_up():
        """tra-cuu/'s form (GET, no JavaScript needed): on to the receipt's own page, or the form
        again saying what is wrong with the code typed."""
        typed = request.args.get("id", "")
        try:
            receipt_id = _receipt_id(typed)
        except Problem as refused:
            return _look_up_again(refused, typed)
        return redirect(f"/api/receipts/{receipt_id}" + (f"?lang={language()}" if request.args.get("lang") else ""), 303)

    @app.get("/api/receipts/<receipt_id>")
    def receipt(receipt_id: str):
        if receipt_id.lower().endswith(".pdf"):
            return _receipt_pdf(receipt_id[:-4])
        try:
            stored = _stored(receipt_id)
        except Problem as refused:
            if _prefers_html():
                return _look_up_again(refused, receipt_id)
            raise
        if _prefers_html():
            procedure = _procedure_of(stored)
            page = _html("receipt.html.j2", 200, procedure=procedure, receipt=public(stored),
                         next_notification=receipt_next_notification(procedure, stored.answers, language()))
            page.headers["Vary"] = "Accept"
            return page
        body: dict = {"receipt": public(stored)}
        if request.args.get("signature"):
            body["signature_valid"] = signature_matches(stored.receipt, request.args["signature"], settings.receipt_key)
        response = app.json.response(body)
        response.headers["Vary"] = "Accept"
        return response

    @app.get("/xac-minh/<receipt_id>")
    @app.get("/en/xac-minh/<receipt_id>")
    def verify(receipt_id: str):
        """What a receipt's QR code opens: genuine or not, with no personal data (CONTRACT.md, Site)."""
        lang = "en" if request.path.startswith("/en/") else "vi"
        signature = request.args.get("signature", "")[:40]
        try:
            stored = storage.get(parse_receipt_id(receipt_id))
        except ReceiptIdError:
            stored = None
        genuine = stored is not None and bool(signature) and signature_matches(stored.receipt, signature, settings.receipt_key)
        body = render_template("verify.html", lang=lang, receipt_id=receipt_id[:40], signature=signature, genuine=genuine,
                               procedure=_procedure_of(stored) if genuine else None, receipt=public(stored) if genuine else None)
        return Response(body, content_type="text/html; charset=utf-8", headers={"Content-Language": lang, "Cache-Control": "no-store"})

    def _look_up_again(refused: Problem, typed: str) -> Response:
        body = refused.body(language())
        return _html("look_up.html", refused.status, title=body["title"], detail=body["detail"], typed=typed[:40])

    def _receipt_pdf(receipt_id: str):
        """The receipt on paper, with a QR code of its verification URL; no personal data."""
        from submit_fn.pdf.render import render_receipt

        stored = _stored(receipt_id)
        verify_at = verification_url(settings.public_base_url, stored.receipt)
        return _pdf(render_receipt(_procedure_of(stored), public(stored), verify_at, language()), f"{stored.id}.pdf")

    def _procedure_of(stored: Submission) -> Procedure:
        return catalogue.version(stored.procedure, stored.receipt["schema_version"]) or catalogue[stored.procedure]

    def _stored(receipt_id: str) -> Submission:
        stored = storage.get(_receipt_id(receipt_id))
        if stored is None:
            raise Problem("unknown_receipt", id=receipt_id[:40])
        return stored


def _form_posted(kind: str) -> bool:
    """A page's own form of questions posted by a browser without JavaScript (plain, or multipart with
    its papers): its controls are the answers, and any error is answered with the form again."""
    return kind == "form" or (kind == "documents" and answered_with_page(request) and ANSWERS_PART not in request.form)


def _documents(procedure: Procedure, kind: str) -> tuple[Document, ...]:
    """The papers of a multipart post, judged (service/documents.py); a refused one is the form again
    with its error beside its file control, or the problem itself."""
    if kind != "documents":
        return ()
    try:
        return received_documents(procedure, read_parts(request.files.getlist(DOCUMENTS_PART)))
    except Problem as refused:
        if not _form_posted(kind):
            raise
        abort(_form_again(procedure, refused.status, [document_error(refused, language())]))


def _store(procedure: Procedure, answers: dict, settings: Settings, storage: Storage,
           documents: Sequence[Document] = ()) -> Submission:
    key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    try:
        return store(procedure, answers, key, settings, storage, documents)
    except IdempotencyConflict:
        raise Problem("idempotency_conflict") from None


def _form_again(procedure: Procedure, status: int, errors: list[AnswerError]) -> Response:
    """The form with the answers as typed, for a browser without JavaScript (questions.py)."""
    lang = language()
    return _html("form_again.html.j2", status, procedure=procedure, w=question_words(lang),
                 questions=render_questions(procedure, lang, request.form, errors),
                 errors=error_links(procedure, errors, request.form, lang))


def _pdf(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # it may hold the worker's answers
    return response


def _html(template: str, status: int, **context) -> Response:
    lang = language()
    body = render_template(template, lang=lang, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers={"Content-Language": lang})


def _back_to_form() -> str:
    """Where a page's "back" link goes: the form page it was posted from (a known procedure), else home."""
    site = "/en/" if language() == "en" else "/"
    procedure_id = (request.view_args or {}).get("procedure_id", "")
    catalogue: Catalogue = current_app.extensions["bhtn"]["catalogue"]
    return f"{site}bieu-mau/{procedure_id}/" if procedure_id in {p.id for p in catalogue if p.has_worker_form} else site


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
        response.headers.update(security_headers(response.content_type))
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="office"'
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        log_request(g.get("request_id"), request.method, rule, response.status_code, g.get("started", time.perf_counter()))
        return response

    @app.errorhandler(Problem)
    def problem(error: Problem):
        if request.method == "POST" and answered_with_page(request):
            body = error.body(language())
            page = _html("problem.html.j2", error.status, title=body["title"], detail=body["detail"], back=_back_to_form())
            page.headers.update(error.headers)
            return page
        return error.response(language())

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error: StorageUnavailable):
        return problem(fault_problem(g.get("request_id"), error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # a page already made, e.g. the HTML list of errors for a form post
            return error.response
        if isinstance(error, RequestEntityTooLarge):
            return problem(Problem("too_large", limit=request.max_content_length))
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
        return fault_problem(g.get("request_id"), error).response(language())

