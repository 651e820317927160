"""Where submissions are kept: a SQLite file by default, PostgreSQL when DATABASE_URL says so.

A submission is committed before its receipt leaves the function. Submissions arriving
together are committed together (group_commit.py): one transaction and one fsync for all of
them, the cost that dominates a submission. The same SQL serves both databases; only the
placeholder style and the connection differ.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from submit_fn.group_commit import GroupCommit
from submit_fn.settings import ConfigError

LOCK_WAIT_SECONDS = 30
SQLITE_SYNCHRONOUS_CHOICES = ("FULL", "NORMAL")


def _sqlite_synchronous() -> str:
    """FULL (default): each commit waits for fsync, so a receipted submission survives a power cut.
    NORMAL (WAL): it survives a killed process only, for about 1.4x the throughput on a 2-core
    machine (python -m benchmarks.submit prints both, side by side)."""
    value = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    if value not in SQLITE_SYNCHRONOUS_CHOICES:
        raise ConfigError(f"SQLITE_SYNCHRONOUS must be {' or '.join(SQLITE_SYNCHRONOUS_CHOICES)}, not {value[:20]!r}")
    return value


SQLITE_SYNCHRONOUS = _sqlite_synchronous()

MIGRATIONS: tuple[str, ...] = (
    # 1: submissions, with the idempotency key's hash unique so that retries store once
    """
    CREATE TABLE submissions (
        id TEXT PRIMARY KEY,
        procedure TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        received_at TEXT NOT NULL,
        due_date TEXT,
        answers TEXT NOT NULL,
        receipt TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        body_hash TEXT NOT NULL
    );
    CREATE INDEX submissions_by_procedure_and_time ON submissions (procedure, received_at);
    """,
    # 2: what the benefit rules say about a claim, for the office (JSON; null for other procedures)
    """
    ALTER TABLE submissions ADD COLUMN estimate TEXT
    """,
)


# A key already used inserts nothing (rowcount 0) instead of failing the transaction it shares.
INSERT_SUBMISSION = (
    "INSERT INTO submissions (id, procedure, schema_version, received_at, due_date, answers, receipt, "
    "idempotency_key, body_hash, estimate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO NOTHING"
)


@dataclass(frozen=True)
class Submission:
    receipt: dict
    answers: dict
    body_hash: str
    estimate: dict | None = None  # the benefit rules' reading of a claim, for the office

    @property
    def id(self) -> str:
        return self.receipt["id"]

    @property
    def procedure(self) -> str:
        return self.receipt["procedure"]


class IdempotencyConflict(Exception):
    """The key was already used with a different body."""


class Storage:
    """Submissions in one database; safe to share between threads."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.postgres = database_url.startswith(("postgresql://", "postgres://"))
        self._local = threading.local()
        self._inserts: GroupCommit[tuple, bool] = GroupCommit(self._insert_group)
        self._migrate()

    # connections -------------------------------------------------------

    def _connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.url, autocommit=False)
        path = Path(self.url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        connection.execute("PRAGMA busy_timeout=0")  # from here on, _begin waits in short steps
        return connection

    @staticmethod
    def _begin(connection: sqlite3.Connection) -> None:
        """Take the write lock, retrying every 0.2 ms: SQLite's own busy handler sleeps 1, 2, 5, 10 ms…"""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.0002)

    @property
    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    @contextmanager
    def _transaction(self) -> Iterator:
        """A cursor inside one transaction, committed when the block ends, rolled back if it raises."""
        connection = self._connection
        try:
            if not self.postgres:
                self._begin(connection)
            yield connection.cursor()
            connection.commit() if self.postgres else connection.execute("COMMIT")
        except BaseException:
            connection.rollback() if self.postgres else _rollback(connection)
            raise

    def _run(self, statements: list[tuple[str, tuple]], fetch: bool = False) -> list:
        """Run statements in one transaction; rows of the last one if `fetch`."""
        with self._transaction() as cursor:
            for statement, parameters in statements:
                cursor.execute(self._sql(statement), parameters)
            return cursor.fetchall() if fetch else []

    def _insert_group(self, take: Callable[[], Sequence[tuple]]) -> list[bool | BaseException]:
        """One transaction for the rows waiting once it holds the write lock (see GroupCommit);
        if it fails, one transaction each, so that a bad row fails alone."""
        rows: Sequence[tuple] = ()
        try:
            with self._transaction() as cursor:
                rows = take()
                return [self._insert(cursor, row) for row in rows]
        except Exception:
            if len(rows) <= 1:
                raise
        outcomes: list[bool | BaseException] = []
        for row in rows:
            try:
                with self._transaction() as cursor:
                    outcomes.append(self._insert(cursor, row))
            except Exception as error:  # noqa: BLE001 - raised in the request that sent this row
                outcomes.append(error)
        return outcomes

    def _insert(self, cursor, row: tuple) -> bool:
        """Insert one submission; False when its idempotency key is already taken."""
        cursor.execute(self._sql(INSERT_SUBMISSION), row)
        return cursor.rowcount == 1

    # migrations --------------------------------------------------------

    def _migrate(self) -> None:
        self._run([("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", ())])
        applied = {row[0] for row in self._run([("SELECT version FROM schema_migrations", ())], fetch=True)}
        for version, script in enumerate(MIGRATIONS, start=1):
            if version in applied:
                continue
            statements = [(part.strip(), ()) for part in script.split(";") if part.strip()]
            statements.append(("INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)", (version,)))
            try:
                self._run(statements)
            except Exception:
                if version not in {row[0] for row in self._run([("SELECT version FROM schema_migrations", ())], fetch=True)}:
                    raise  # another process may have applied it at the same moment

    # submissions -------------------------------------------------------

    def add(self, submission: Submission, idempotency_key: str | None) -> Submission:
        """Store a submission; with a key already used, return the stored one instead (or raise)."""
        receipt = submission.receipt
        row = (
            receipt["id"], receipt["procedure"], receipt["schema_version"], receipt["received_at"],
            receipt["due_date"], json.dumps(submission.answers, ensure_ascii=False),
            json.dumps(receipt, ensure_ascii=False), idempotency_key, submission.body_hash,
            json.dumps(submission.estimate) if submission.estimate is not None else None,
        )
        if self._inserts.write(row):
            return submission
        stored = self._find("idempotency_key", idempotency_key)
        if stored is None or stored.body_hash != submission.body_hash:
            raise IdempotencyConflict()
        return stored

    def get(self, receipt_id: str) -> Submission | None:
        return self._find("id", receipt_id)

    def _find(self, column: str, value: str) -> Submission | None:
        rows = self._run([(f"SELECT receipt, answers, body_hash, estimate FROM submissions WHERE {column} = ?", (value,))], fetch=True)
        return _submission(rows[0]) if rows else None

    def list(self, procedure: str | None, since: str | None, limit: int = 500) -> list[Submission]:
        conditions, parameters = [], []
        if procedure:
            conditions.append("procedure = ?")
            parameters.append(procedure)
        if since:
            conditions.append("received_at >= ?")
            parameters.append(since)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        statement = f"SELECT receipt, answers, body_hash, estimate FROM submissions {where} ORDER BY received_at DESC LIMIT {int(limit)}"
        return [_submission(row) for row in self._run([(statement, tuple(parameters))], fetch=True)]

    def count(self) -> int:
        return self._run([("SELECT COUNT(*) FROM submissions", ())], fetch=True)[0][0]


def _submission(row) -> Submission:
    return Submission(json.loads(row[0]), json.loads(row[1]), row[2], json.loads(row[3]) if row[3] else None)


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")
