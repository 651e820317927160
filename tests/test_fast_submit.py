"""The fast path for valid JSON submissions (fast_submit.py) answers as the Flask route does."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from submit_fn.service.api import create_app
from tests.servers import serving, settings_for
from tests.test_api import CATALOGUE, OFFICE, call, submit

ORIGIN = {"Origin": "https://bhtn.example"}


def _app(tmp_path):
    database = tmp_path / "fast.sqlite3"
    return create_app(settings_for(f"sqlite:///{database}")), database


VARYING = {"Date", "X-Request-Id", "Content-Length"}  # the moment and the id; the length follows the receipt's id


def same_inputs() -> list[tuple[str, str, bytes, dict]]:
    """(name, procedure, body, headers): every example of every procedure, its invalid examples, and
    the ways a JSON submission can be refused or repeated."""
    cases = []
    for procedure in CATALOGUE:
        for n, example in enumerate(procedure.examples):
            cases.append((f"{procedure.id} example {n}", procedure.id, json.dumps(example).encode(), {}))
        for n, (instance, _) in enumerate(procedure.invalid_examples()):
            cases.append((f"{procedure.id} invalid {n}", procedure.id, json.dumps(instance).encode(), {"Accept-Language": "en"}))
    claim = CATALOGUE["huong-tro-cap"].examples[0]
    body = json.dumps(claim).encode()
    cases += [
        ("older version named", "huong-tro-cap", body, {"Schema-Version": "1999.1"}),
        ("version in force named", "huong-tro-cap", body, {"Schema-Version": CATALOGUE["huong-tro-cap"].version}),
        ("unknown procedure", "khong-co", body, {}),
        ("nothing to file", "tam-dung", body, {}),
        ("broken JSON", "huong-tro-cap", body[:-1], {}),
        ("not an object", "huong-tro-cap", b"[]", {}),
        ("from the site", "huong-tro-cap", body, ORIGIN),
        ("from elsewhere", "huong-tro-cap", body, {"Origin": "https://evil.example"}),
        ("in English", "cham-dut", json.dumps(CATALOGUE["cham-dut"].examples[0]).encode(), {"Accept-Language": "en"}),
    ]
    return cases


def comparable(reply) -> tuple:
    """A reply with what must differ between two filings (the receipt's id, signature, time) taken out."""
    body = reply.json if reply.body else None
    if isinstance(body, dict) and "receipt" in body:
        body = {**body, "receipt": {k: v for k, v in body["receipt"].items() if k not in ("id", "signature", "received_at", "status_changed_at")}}
    headers = {name: value for name, value in reply.headers.items() if name not in VARYING}
    if "Location" in headers:
        headers["Location"] = headers["Location"].rsplit("/", 1)[0]
    return reply.status, headers, body


@pytest.mark.parametrize("name, procedure_id, body, headers", same_inputs(), ids=[case[0] for case in same_inputs()])
def test_both_paths_answer_the_same_input_alike(fast_and_flask_only, name, procedure_id, body, headers):
    """The fast path and the Flask route, side by side on one app: same status, headers and body."""
    fast, flask_only = fast_and_flask_only
    replies = [call(base, "POST", f"/api/procedures/{procedure_id}/submissions", body, headers) for base in (fast, flask_only)]
    assert comparable(replies[0]) == comparable(replies[1])


def test_both_paths_store_the_same_answers_and_repeat_a_keyed_filing_alike(fast_and_flask_only):
    example = CATALOGUE["huong-tro-cap"].examples[0]
    stored, repeated = [], []
    for n, base in enumerate(fast_and_flask_only):
        key = {"Idempotency-Key": f"same-answers-{n}"}
        first, again = submit(base, "huong-tro-cap", example, key), submit(base, "huong-tro-cap", example, key)
        conflict = submit(base, "huong-tro-cap", {**example, "email": "khac@example.vn"}, key)
        repeated.append((first.json == again.json, comparable(conflict)))
        stored.append(call(base, "GET", f"/api/office/submissions/{first.json['receipt']['id']}", headers=OFFICE).json)
    assert repeated[0] == repeated[1] and repeated[0][0] is True
    assert [s["answers"] for s in stored] == [example, example]
    assert stored[0]["estimate"] == stored[1]["estimate"] is not None


@pytest.fixture(scope="module")
def fast_and_flask_only(tmp_path_factory):
    app = create_app(settings_for(f"sqlite:///{tmp_path_factory.mktemp('db') / 'paths.sqlite3'}"))
    with serving(app) as fast, serving(app.wsgi_app.flask_wsgi) as flask_only:
        yield fast, flask_only


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
    for secret in (example["citizen_id"], example["bank_account"]["account_number"], "no such table"):
        assert secret not in caplog.text and secret not in reply.text
