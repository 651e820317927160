"""The office pages at /office/ (no JavaScript needed): sign in, the queue, a submission, its status,
receipt verification and the CSV export. Every change is a POST carrying the session's CSRF token."""

from __future__ import annotations

import json
import re
import secrets
from functools import cache, wraps
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Blueprint, Response, g, redirect, render_template, request

from submit_fn.model.divisions import centre_name
from submit_fn.model.lifecycle import LABELS, NEXT, STATUSES, default_appointment
from submit_fn.model.validation import validated
from submit_fn.office import access, queries
from submit_fn.office.export import csv_response
from submit_fn.office.workspace import Office, scope_words
from submit_fn.pdf.values import moment_in_words
from submit_fn.service.api import _pdf
from submit_fn.service.intake import public, store
from submit_fn.service.pdf_post import answers_from_pdf
from submit_fn.service.problems import Problem
from submit_fn.service.receipts import ReceiptIdError, parse_receipt_id, signature_matches
from submit_fn.service.storage import EXPORT_LIMIT, PAGE_LIMIT

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "bhtn_office"
SIGN_IN_COOKIE = "bhtn_office_sign_in"  # double-submit token of the sign-in form, before any session exists
LANG_COOKIE = "bhtn_office_lang"
QUEUE_PAGE = 50
VERIFY_PATH = re.compile(r"/(?:en/)?xac-minh/([^/?#]+)")

blueprint = Blueprint("office", __name__, url_prefix="/office", template_folder="templates",
                      static_folder="static", static_url_path="/static")


@cache
def words() -> dict:
    found = json.loads((HERE / "words.json").read_text(encoding="utf-8"))
    return {key: value for key, value in found.items() if key != "$comment"}


def lang() -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def page(template: str, status: int = 200, **context) -> Response:
    chosen = lang()
    body = render_template(
        f"office/{template}", lang=chosen, w={k: v[chosen] for k, v in words().items()},
        viewer=g.get("viewer"), csrf=g.get("csrf", ""), scope=scope_words(g.viewer, chosen) if g.get("viewer") else "",
        labels={s: LABELS[s][chosen] for s in STATUSES}, **context,
    )
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = chosen
    response.headers["Cache-Control"] = "no-store"  # pages with personal data stay out of caches
    return response


@blueprint.before_request
def who_is_asking() -> None:
    g.office = Office.of_app()
    if request.endpoint == "office.import_pdf":
        request.max_content_length = g.office.settings.max_pdf_bytes
    found = access.session(g.office.storage, request.cookies.get(SESSION_COOKIE, ""))
    g.viewer, g.csrf = found if found else (None, "")


def signed_in(view):
    """Pages for a signed-in account; a change (POST) also needs the session's CSRF token."""

    @wraps(view)
    def checked(*args, **kwargs):
        if g.viewer is None:
            if request.method == "POST":
                return page("problem.html", 403, title=words()["csrf"][lang()], detail=words()["expired"][lang()])
            return redirect("/office/sign-in?" + urlencode({"next": request.full_path.rstrip("?")}), 303)
        if request.method == "POST" and not access.csrf_matches(g.csrf, request.form.get("_csrf", "")):
            return page("problem.html", 403, title=words()["csrf"][lang()], detail=words()["csrf_detail"][lang()])
        return view(*args, **kwargs)

    return checked


@blueprint.errorhandler(Problem)
def problem_page(error: Problem):
    body = error.body(lang())
    return page("problem.html", error.status, title=body["title"], detail=body["detail"])


# signing in and out -------------------------------------------------------


def _local_next(target: str) -> str:
    """Where to go after signing in: an office page only, never another site."""
    return target if target.startswith("/office/") and not target.startswith("/office//") and "\\" not in target else "/office/"


@blueprint.get("/sign-in")
def sign_in_form(message: str = "", status: int = 200):
    token = secrets.token_urlsafe(24)
    response = page("sign_in.html", status, message=message, form_token=token, next=_local_next(request.values.get("next", "")))
    _cookie(response, SIGN_IN_COOKIE, token)
    return response


@blueprint.post("/sign-in")
def sign_in():
    sent = request.form.get("_csrf", "")
    if not access.csrf_matches(request.cookies.get(SIGN_IN_COOKIE, ""), sent):
        return page("problem.html", 403, title=words()["csrf"][lang()], detail=words()["csrf_detail"][lang()])
    try:
        _, token, _ = access.sign_in(g.office.storage, request.form.get("account", ""), request.form.get("password", ""),
                                     request.remote_addr or "")
    except access.SignInRefused as refused:
        key = "locked" if refused.locked else "wrong_password"
        return sign_in_form(words()[key][lang()], 429 if refused.locked else 401)
    response = redirect(_local_next(request.form.get("next", "")), 303)
    _cookie(response, SESSION_COOKIE, token)
    response.delete_cookie(SIGN_IN_COOKIE, path="/office")
    return response


@blueprint.post("/sign-out")
@signed_in
def sign_out():
    access.sign_out(g.office.storage, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/office/sign-in?signed_out=1", 303)
    response.delete_cookie(SESSION_COOKIE, path="/office")
    return response


@blueprint.get("/language")
def language():
    response = redirect(_local_next(request.args.get("next", "")), 303)
    response.set_cookie(LANG_COOKIE, "en" if request.args.get("to") == "en" else "vi", path="/office",
                        samesite="Strict", httponly=True, secure=request.is_secure, max_age=365 * 86400)
    return response


def _cookie(response: Response, name: str, value: str) -> None:
    """A session-only cookie, for the office pages only: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(name, value, path="/office", httponly=True, samesite="Strict", secure=request.is_secure)


# the queue ------------------------------------------------------------------


def _filter_args() -> dict[str, str]:
    return {key: request.args[key] for key in ("procedure", "status", "since", "until") if request.args.get(key)}


@blueprint.get("/")
@signed_in
def queue():
    office = g.office
    filters = queries.filters(request.args, g.viewer.provinces, office.catalogue)
    found, cursor = office.page(filters, queries.after(request.args), QUEUE_PAGE)
    chosen = _filter_args()
    return page(
        "queue.html", rows=[_row(s) for s in found], counts=office.storage.counts(filters), chosen=chosen,
        procedures=[(p.id, p.title[lang()]) for p in office.catalogue],
        next_page="?" + urlencode({**chosen, "cursor": queries.cursor_of(*cursor)}) if cursor else "",
        first_page="?" + urlencode(chosen) if request.args.get("cursor") else "",
        export="export.csv" + ("?" + urlencode(chosen) if chosen else ""),
    )


def _row(submission) -> dict:
    office, chosen = g.office, lang()
    name = submission.answers.get("full_name")
    return {
        "id": submission.id,
        "procedure": office.procedure_of(submission).title[chosen],
        "received": moment_in_words(submission.receipt["received_at"], chosen),
        "worker": name if isinstance(name, str) else "",
        "status": submission.standing.status,
        "appointment": submission.standing.appointment_date or "",
        "centre": centre_name(submission.province or "", chosen),
    }


@blueprint.post("/search")
@signed_in
def search():
    """A receipt code opens its page; a citizen ID lists its filings here, in the answer to the POST,
    so that the number reaches no address bar, history or log."""
    typed = request.form.get("q", "").strip()
    digits = "".join(c for c in typed if not c.isspace())
    if len(digits) == 12 and digits.isdigit() and digits.isascii():
        found = g.office.storage.with_citizen_id(g.viewer.provinces, digits)
        return page("search.html", rows=[_row(s) for s in found])
    try:
        return redirect(f"/office/submissions/{parse_receipt_id(typed)}", 303)
    except ReceiptIdError:
        return page("search.html", 422, rows=None)


@blueprint.get("/export.csv")
@signed_in
def export():
    office = g.office
    filters = queries.filters(request.args, g.viewer.provinces, office.catalogue)
    rows, after = office.page(filters, None, PAGE_LIMIT)
    while after is not None and len(rows) <= EXPORT_LIMIT:
        found, after = office.page(filters, after, PAGE_LIMIT)
        rows += found
    if len(rows) > EXPORT_LIMIT:  # never a list cut short without saying so
        raise Problem("export_too_large", limit=f"{EXPORT_LIMIT:,}".replace(",", "."))
    for province in sorted(g.viewer.provinces or ()) or [None]:  # each centre's own audit view shows it
        office.record(g.viewer, "export", None, urlencode(_filter_args()) or "all", province)
    return csv_response(rows, office, lang())


# one submission -------------------------------------------------------------


@blueprint.get("/submissions/<receipt_id>")
@signed_in
def submission(receipt_id: str):
    office = g.office
    if receipt_id.lower().endswith(".pdf"):
        from submit_fn.pdf.render import render_filled

        found = office.read(g.viewer, receipt_id[:-4], "read_pdf")
        return _pdf(render_filled(office.procedure_of(found), found.answers, public(found), "vi", office.printed_papers(found)), f"{found.id}.pdf")
    return _submission_page(office.read(g.viewer, receipt_id), changed=bool(request.args.get("changed")))


@blueprint.get("/submissions/<receipt_id>/documents/<number>")
@signed_in
def document(receipt_id: str, number: str):
    return g.office.document(g.viewer, receipt_id, number)


def _submission_page(found, status: int = 200, error: dict | None = None, changed: bool = False, sent: dict | None = None):
    from submit_fn.pdf.layout import paper

    office, chosen = g.office, lang()
    procedure = office.procedure_of(found)
    days = procedure.processing_working_days
    suggested = default_appointment(procedure, access.now().date())
    return page(
        "submission.html", status,
        s=found, receipt=public(found), procedure=procedure, paper=paper(procedure, found.answers, chosen),
        centre=centre_name(found.province or "", chosen), received=moment_in_words(found.receipt["received_at"], chosen),
        history=office.storage.history(found.id), papers=office.papers(found), audit=office.storage.audit(g.viewer.provinces, found.id, limit=PAGE_LIMIT),
        choices=NEXT[found.standing.status], suggested=suggested.isoformat() if suggested else "",
        appointment_hint=(words()["appointment_hint"][chosen].format(days=days) if days is not None else words()["appointment_hint_none"][chosen]),
        error=error, changed=changed, sent=sent or {},
    )


@blueprint.post("/submissions/<receipt_id>/status")
@signed_in
def change_status(receipt_id: str):
    office = g.office
    found = office.visible(g.viewer, receipt_id)
    form = request.form
    try:
        office.change_status(g.viewer, found, form.get("status", ""), form.get("note", ""), form.get("appointment_date") or None)
    except Problem as refused:
        return _submission_page(office.read(g.viewer, receipt_id), refused.status, refused.body(lang()),
                                sent={key: form.get(key, "") for key in ("status", "note", "appointment_date")})
    return redirect(f"/office/submissions/{found.id}?changed=1", 303)


# verifying a receipt ------------------------------------------------------------


def _typed_receipt(text: str, signature: str) -> tuple[str, str]:
    """(receipt id, signature) from what was typed or scanned: an id, or the QR code's address."""
    text = text.strip()
    path = VERIFY_PATH.search(urlsplit(text).path) if "xac-minh/" in text else None
    if path:
        scanned = parse_qs(urlsplit(text).query).get("signature", [""])[0]
        return path.group(1), signature.strip() or scanned
    return text, signature.strip()


@blueprint.get("/verify")
@signed_in
def verify():
    typed = request.args.get("q", "")
    result = None
    if typed:
        receipt_text, signature = _typed_receipt(typed[:300], request.args.get("signature", "")[:40])
        try:
            found = g.office.storage.get(parse_receipt_id(receipt_text))
        except ReceiptIdError:
            found = None
        genuine = found is not None and bool(signature) and signature_matches(found.receipt, signature, g.office.settings.receipt_key)
        result = {
            "state": "genuine" if genuine else ("on_record" if found is not None and not signature else "not_genuine"),
            "receipt": public(found) if found is not None and (genuine or not signature) else None,
            "procedure": g.office.procedure_of(found).title[lang()] if found is not None else "",
            "received": moment_in_words(found.receipt["received_at"], lang()) if found is not None else "",
            "centre": centre_name(found.province or "", lang()) if found is not None else "",
            "mine": found is not None and g.viewer.sees(found.province),
        }
    return page("verify.html", q=typed, result=result)


# a PDF received by e-mail -------------------------------------------------------


@blueprint.route("/import", methods=["GET", "POST"])
@signed_in
def import_pdf():
    """A filled PDF a worker e-mailed, filed on their behalf: received as if sent online, and the
    audit log says who imported it. Only a filing addressed to one of the account's provinces."""
    office, chosen = g.office, lang()
    procedures = [(p.id, p.title[chosen]) for p in office.catalogue]
    if request.method == "GET":
        return page("import.html", procedures=procedures, errors=None)
    sent = request.files.get("pdf")
    procedure_id = request.form.get("procedure", "")
    if sent is None or procedure_id not in office.catalogue.versions:
        raise Problem("bad_request")
    procedure, typed = answers_from_pdf(office.catalogue, procedure_id, sent.read(office.settings.max_pdf_bytes + 1))
    answers, errors = validated(procedure, typed, chosen, office.catalogue.today())  # as a PDF filed online
    if errors:
        return page("import.html", 422, procedures=procedures, errors=errors)
    if not g.viewer.sees(answers.get("centre_province")):
        raise Problem("import_other_province")
    stored = store(procedure, answers, None, office.settings, office.storage)
    office.record(g.viewer, "import_pdf", stored, f"imported by {g.viewer.name}")
    return redirect(f"/office/submissions/{stored.id}", 303)
