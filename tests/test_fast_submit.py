"""The fast path for valid JSON submissions (fast_submit.py) answers as the Flask route does."""

from __future__ import annotations

import json
import logging
import sqlite3

from submit_fn.api import create_app
from tests.servers import serving, settings_for
from tests.test_api import CATALOGUE, OFFICE, call, submit

ORIGIN = {"Origin": "https://bhtn.example"}


def _app(tmp_path):
    database = tmp_path / "fast.sqlite3"
    return create_app(settings_for(f"sqlite:///{database}")), database


def test_a_valid_submission_gets_the_same_answer_with_or_without_the_fast_path(tmp_path):
    app, _ = _app(tmp_path)
    example = CATALOGUE["huong-tro-cap"].examples[0]
    with serving(app) as fast, serving(app.wsgi_app.flask_wsgi) as flask_only:
        replies = [submit(base, "huong-tro-cap", example, {**ORIGIN, "X-Request-Id": f"req-{n}"}) for n, base in enumerate((fast, flask_only))]
        for n, reply in enumerate(replies):
            assert reply.status == 201
            assert reply.headers["Content-Type"] == "application/json"
            assert reply.headers["Location"] == f"/api/receipts/{reply.json['receipt']['id']}"
            assert reply.headers["X-Request-Id"] == f"req-{n}"
            assert reply.headers["Access-Control-Allow-Origin"] == "https://bhtn.example"
            assert "Schema-Version" in reply.headers["Access-Control-Allow-Headers"]
            stored = call(fast, "GET", f"/api/office/submissions/{reply.json['receipt']['id']}", headers=OFFICE)
            assert stored.json["answers"] == example and stored.json["estimate"] is not None
        fast_reply, flask_reply = replies
        assert fast_reply.json.keys() == flask_reply.json.keys()
        assert fast_reply.json["receipt"].keys() == flask_reply.json["receipt"].keys()
        assert fast_reply.json["receipt"]["due_date"] == flask_reply.json["receipt"]["due_date"]


def test_what_the_fast_path_cannot_receipt_is_answered_by_flask_with_the_body_intact(tmp_path):
    app, _ = _app(tmp_path)
    example = CATALOGUE["huong-tro-cap"].examples[0]
    with serving(app) as base:
        invalid = submit(base, "huong-tro-cap", {**example, "citizen_id": "12"})
        assert invalid.status == 422 and invalid.json["errors"][0]["pointer"] == "/citizen_id"
        unknown = submit(base, "khong-co", example)
        assert unknown.status == 404
        key = {"Idempotency-Key": "fast-path-key"}
        first = submit(base, "huong-tro-cap", example, key)
        again = submit(base, "huong-tro-cap", example, key)
        conflict = submit(base, "huong-tro-cap", {**example, "email": "khac@example.vn"}, key)
        assert first.status == again.status == 201 and first.json == again.json
        assert conflict.status == 409 and conflict.headers["Content-Type"].startswith("application/problem+json")


def test_a_storage_failure_on_the_fast_path_is_a_500_problem_that_quotes_nothing(tmp_path, caplog):
    app, database = _app(tmp_path)
    example = CATALOGUE["huong-tro-cap"].examples[0]
    with serving(app) as base:
        with sqlite3.connect(database) as connection:  # a real failure: the table is gone
            connection.execute("DROP TABLE submissions")
        with caplog.at_level(logging.INFO, logger="submit_fn"):
            reply = submit(base, "huong-tro-cap", example, {"Accept-Language": "en", "X-Request-Id": "broken-1"})
    assert reply.status == 500
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.headers["X-Request-Id"] == "broken-1" and reply.json["type"] == "/api/problems/server-error"
    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "submit_fn"]
    assert {"request_id": "broken-1", "error": "OperationalError"} in lines
    assert any(line.get("status") == 500 for line in lines)
    for secret in (example["citizen_id"], example["social_insurance_number"], "no such table"):
        assert secret not in caplog.text and secret not in reply.text
