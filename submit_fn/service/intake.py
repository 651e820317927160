"""What every accepted submission goes through, whichever path served it (api.py, fast_submit.py):
the version it is checked against; stored first, then receipted; its public receipt as JSON;
CORS headers; one log line."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from submit_fn.model.benefit_rules import claim_estimate
from submit_fn.model.divisions import centre_name
from submit_fn.model.procedures import VIETNAM, Catalogue, Procedure, VersionNotAccepted
from submit_fn.service.documents import Document
from submit_fn.service.problems import Problem
from submit_fn.service.receipts import make_receipt
from submit_fn.service.requests import body_hash, key_hash
from submit_fn.service.settings import Settings
from submit_fn.service.storage import Storage, StorageUnavailable, Submission

log = logging.getLogger("submit_fn")
PUBLIC_FIELDS = ("id", "procedure", "schema_version", "received_at", "due_date", "signature")
CORS_HEADERS = (
    ("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, Accept-Language, Authorization, Schema-Version"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Vary", "Origin"),
)


def accepted_version(catalogue: Catalogue, procedure_id: str, named: str) -> Procedure:
    """The version the worker's form was made with, while it is accepted; the version in force
    when none is named; else a 409 saying which version to use."""
    try:
        return catalogue.accepting(procedure_id, named.strip()[:20] or None)
    except VersionNotAccepted as refused:
        current = refused.procedure
        values = {"version": named.strip()[:20], "current": current.version}
        if refused.reason == "expired":
            last_day = current.accepts_previous_until - timedelta(days=1)
            values |= {"since": current.effective_from.strftime("%d/%m/%Y"), "last_day": last_day.strftime("%d/%m/%Y")}
        raise Problem(f"version_{refused.reason}", {"current_version": current.version}, **values) from None


def store(procedure: Procedure, answers: dict, idempotency_key: str | None, settings: Settings, storage: Storage,
          documents: Sequence[Document] = ()) -> Submission:
    """Commit the answers and documents, then (and only then) hand back the receipt; with a key already
    used for the same answers and documents, the stored submission (IdempotencyConflict for others)."""
    received = datetime.now(VIETNAM)
    receipt = make_receipt(procedure, received, settings.receipt_key)
    estimate = claim_estimate(answers, received.date()) if procedure.id == "huong-tro-cap" else None
    province = answers.get("centre_province")  # every worker form asks it (forms/shared/defs.schema.json)
    digest = body_hash(answers, [d.sha256 for d in documents])
    submission = Submission(receipt, answers, digest, estimate, province if isinstance(province, str) else None)
    return storage.add(submission, key_hash(idempotency_key, procedure.id) if idempotency_key else None, documents)


def public(submission: Submission) -> dict:
    """The receipt without anything personal: what anyone holding its id may see, with the centre
    that received it and where the filing stands (CONTRACT.md)."""
    receipt, standing = submission.receipt, submission.standing
    province = submission.province
    return {
        **{key: receipt[key] for key in PUBLIC_FIELDS},
        "centre": {"province": province, "name": {lang: centre_name(province or "", lang) for lang in ("vi", "en")}},
        "status": standing.status,
        "status_changed_at": standing.changed_at or receipt["received_at"],
        "note": standing.note,
        "appointment_date": standing.appointment_date,
    }


def receipt_json(submission: Submission) -> bytes:
    return json.dumps({"receipt": public(submission)}, ensure_ascii=False).encode()


def cors_headers(origin: str | None, settings: Settings) -> list[tuple[str, str]]:
    """CORS for the site's own origins only."""
    if not origin or origin not in settings.allowed_origins:
        return []
    return [("Access-Control-Allow-Origin", origin), *CORS_HEADERS]


def log_request(request_id: str, method: str, route: str, status: int, started: float) -> None:
    """One JSON line per request: never a body, never a URL with personal data."""
    log.info(json.dumps({
        "request_id": request_id,
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }))


def log_fault(request_id: str | None, error: BaseException) -> None:
    """An unexpected error: its type only, since its text may quote the answers."""
    log.error(json.dumps({"request_id": request_id, "error": type(error).__name__}))


def fault_problem(request_id: str | None, error: BaseException) -> Problem:
    """What a request that failed on our side is answered, logged once: a storage outage is a 503
    to retry (the cause logged: the database's own error), anything else a 500; neither says more."""
    if isinstance(error, StorageUnavailable):
        log_fault(request_id, error.__cause__ or error)
        return Problem("storage_unavailable")
    log_fault(request_id, error)
    return Problem("server_error")
