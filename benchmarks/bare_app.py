"""The baselines the function is measured against (python -m benchmarks.submit), served like it.

`durable_sqlite` and `durable_postgresql` are the floor any durable endpoint on this stack pays:
parse the JSON body, insert it in one committed transaction with the function's database settings
(SQLite: WAL, SQLITE_SYNCHRONOUS, the write lock taken as storage.py takes it; PostgreSQL:
synchronous_commit on, the server's default), answer 201 (the benchmark creates their TABLE first).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid

CREATED = ("201 Created", [("Content-Type", "application/json"), ("Content-Length", "2")])
TABLE = "CREATE TABLE bare_submissions (id TEXT PRIMARY KEY, answers TEXT NOT NULL)"
INSERT = "INSERT INTO bare_submissions (id, answers) VALUES ({0}, {0})"
_local = threading.local()


def _answers(environ) -> str:
    """The body parsed as the function parses it, and written back as it stores it."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.dumps(json.loads(environ["wsgi.input"].read(length)), ensure_ascii=False)


def _sqlite() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        path = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
        connection = _local.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL')}")
        connection.execute("PRAGMA busy_timeout=0")
    return connection


_function_table = threading.Lock()
_estimate: list[str | None] = []  # the first claim's, made once: the function's code is not measured here


def _function_row(answers: str) -> tuple:
    """The row the function stores for these answers, its columns filled as the function fills them
    (a receipt, the body's hash, a claim estimate, the province), none of its work done."""
    from submit_fn.service.storage import Storage

    with _function_table:
        if not _estimate:
            from datetime import date

            from submit_fn.model.benefit_rules import claim_estimate

            Storage(os.environ["DATABASE_URL"]).close()  # the function's tables, made by its migrations
            _estimate.append(json.dumps(claim_estimate(json.loads(answers), date.today())))
    receipt = {"id": uuid.uuid4().hex, "procedure": "huong-tro-cap", "schema_version": "2026.2",
               "received_at": time.strftime("%Y-%m-%dT%H:%M:%S+07:00"), "due_date": "2026-12-31", "signature": "A" * 16}
    return (receipt["id"], receipt["procedure"], receipt["schema_version"], receipt["received_at"], receipt["due_date"],
            answers, json.dumps(receipt), None, hashlib.sha256(answers.encode()).hexdigest(), _estimate[0], "01")


def _sqlite_insert(statement: str, row: tuple) -> None:
    connection = _sqlite()
    while True:  # the write lock, retried in short steps as storage.py does
        try:
            connection.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError:
            time.sleep(0.0002)
    connection.execute(statement, row)
    connection.execute("COMMIT")


def durable_sqlite(environ, start_response):
    _sqlite_insert(INSERT.format("?"), (uuid.uuid4().hex, _answers(environ)))
    start_response(*CREATED)
    return [b"{}"]


def durable_sqlite_function_row(environ, start_response):
    """durable_sqlite storing the function's own row in the function's own table, with its
    indexes (its migrations made them): what the data alone costs a durable insert, apart from
    the function's code."""
    from submit_fn.service.storage import INSERT_SUBMISSION

    _sqlite_insert(INSERT_SUBMISSION, _function_row(_answers(environ)))
    start_response(*CREATED)
    return [b"{}"]


def _postgresql():
    connection = getattr(_local, "connection", None)
    if connection is None:
        import psycopg

        connection = _local.connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=False)
    return connection


def _postgresql_insert(statement: str, row: tuple) -> None:
    connection = _postgresql()
    connection.execute(statement.replace("?", "%s"), row)
    connection.commit()


def durable_postgresql(environ, start_response):
    _postgresql_insert(INSERT.format("?"), (uuid.uuid4().hex, _answers(environ)))
    start_response(*CREATED)
    return [b"{}"]


def durable_postgresql_function_row(environ, start_response):
    """durable_postgresql storing the function's own row in the function's own table."""
    from submit_fn.service.storage import INSERT_SUBMISSION

    _postgresql_insert(INSERT_SUBMISSION, _function_row(_answers(environ)))
    start_response(*CREATED)
    return [b"{}"]


def function_without_fast_path():
    """The submit function with fast_submit.py taken out: every submission through the Flask route."""
    from submit_fn.main import app as function

    return function.wsgi_app.flask_wsgi
