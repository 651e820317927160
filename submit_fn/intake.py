"""What every accepted submission goes through, whichever path served it (api.py, fast_submit.py):
stored first, then receipted; its public receipt as JSON; CORS headers; one log line."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from submit_fn.benefit_rules import claim_estimate
from submit_fn.procedures import VIETNAM, Procedure
from submit_fn.receipts import make_receipt
from submit_fn.requests import body_hash, key_hash
from submit_fn.settings import Settings
from submit_fn.storage import Storage, Submission

log = logging.getLogger("submit_fn")
PUBLIC_FIELDS = ("id", "procedure", "schema_version", "received_at", "due_date", "signature")
CORS_HEADERS = (
    ("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, Accept-Language, Authorization, Schema-Version"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Vary", "Origin"),
)


def store(procedure: Procedure, answers: dict, idempotency_key: str | None, settings: Settings, storage: Storage) -> Submission:
    """Commit the answers, then (and only then) hand back the receipt; with a key already used
    for the same answers, the stored submission (IdempotencyConflict for other answers)."""
    received = datetime.now(VIETNAM)
    receipt = make_receipt(procedure, received, settings.receipt_key)
    estimate = claim_estimate(answers, received.date()) if procedure.id == "huong-tro-cap" else None
    submission = Submission(receipt, answers, body_hash(answers), estimate)
    return storage.add(submission, key_hash(idempotency_key, procedure.id) if idempotency_key else None)


def public(receipt: dict) -> dict:
    """The receipt without anything personal: what anyone holding its id may see."""
    return {key: receipt[key] for key in PUBLIC_FIELDS}


def receipt_json(submission: Submission) -> bytes:
    return json.dumps({"receipt": public(submission.receipt)}, ensure_ascii=False).encode()


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
