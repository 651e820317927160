"""The office API, /api/office/… (CONTRACT.md): bearer tokens from OFFICE_TOKENS, each seeing
only its provinces; every read of a whole submission, PDF or document and every status change
is in the audit log."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, g, request

from submit_fn.office import queries
from submit_fn.office.access import bearer_viewer
from submit_fn.office.workspace import Office
from submit_fn.service.api import _pdf
from submit_fn.service.intake import public
from submit_fn.service.problems import Problem

blueprint = Blueprint("office_api", __name__, url_prefix="/api/office")


@blueprint.before_request
def authenticate() -> None:
    g.office = Office.of_app()
    g.viewer = bearer_viewer(request.headers.get("Authorization", ""), g.office.settings.office_tokens)


def _next_link(response: Response, cursor: tuple[str, str] | None, limit: int) -> Response:
    """RFC 8288 `Link: <…>; rel="next"` while there is more; the body stays a list."""
    if cursor is not None:
        query = {key: value for key, value in request.args.items() if key not in ("cursor", "limit")}
        query |= {"limit": str(limit), "cursor": queries.cursor_of(*cursor)}
        response.headers["Link"] = f'<{request.path}?{urlencode(query)}>; rel="next"'
    return response


def _json(body: object) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")


@blueprint.get("/submissions")
def submissions():
    office = g.office
    filters = queries.filters(request.args, g.viewer.provinces, office.catalogue)
    limit = queries.limit(request.args)
    found, cursor = office.page(filters, queries.after(request.args), limit)
    return _next_link(_json([public(s) for s in found]), cursor, limit)


@blueprint.get("/submissions/<receipt_id>")
def submission(receipt_id: str):
    office = g.office
    if receipt_id.lower().endswith(".pdf"):
        from submit_fn.pdf.render import render_filled

        found = office.read(g.viewer, receipt_id[:-4], "read_pdf")
        return _pdf(render_filled(office.procedure_of(found), found.answers, public(found), "vi", office.printed_papers(found)), f"{found.id}.pdf")
    found = office.read(g.viewer, receipt_id)
    return {"receipt": public(found), "answers": found.answers, "estimate": found.estimate,
            "history": office.storage.history(found.id), "documents": office.documents_json(found)}


@blueprint.post("/submissions/<receipt_id>/status")
def change_status(receipt_id: str):
    office = g.office
    found = office.visible(g.viewer, receipt_id)
    body = request.get_json(silent=True)
    fields = ("status", "note", "appointment_date")
    if not isinstance(body, dict) or not isinstance(body.get("status"), str) or any(
        body.get(name) is not None and not isinstance(body[name], str) for name in fields
    ):
        raise Problem("bad_status_body")
    changed = office.change_status(g.viewer, found, body["status"], body.get("note") or "", body.get("appointment_date"))
    return {"receipt": public(changed)}


@blueprint.get("/submissions/<receipt_id>/documents/<number>")
def document(receipt_id: str, number: str):
    """The n-th paper sent with the submission (from 1), as stored; a submission of another
    province is the same 404 as one that does not exist."""
    return g.office.document(g.viewer, receipt_id, number)


@blueprint.get("/audit")
def audit():
    office = g.office
    receipt = None
    if request.args.get("receipt"):
        receipt = office.visible(g.viewer, request.args["receipt"]).id
    limit = queries.limit(request.args)
    found = office.storage.audit(g.viewer.provinces, receipt, queries.after(request.args, id_is_receipt=False), limit + 1)
    entries, cursor = queries.split_page(found, limit, lambda entry: (entry.at, entry.id))
    return _next_link(_json([entry.as_json() for entry in entries]), cursor, limit)
