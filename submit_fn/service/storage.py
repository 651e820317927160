"""Where submissions are kept: a SQLite file by default, PostgreSQL when DATABASE_URL says so.

A submission is committed before its receipt leaves the function. Submissions arriving
together are committed together (group_commit.py): one transaction and one fsync for all of
them, the cost that dominates a submission. The same SQL serves both databases; only the
placeholder style and the connection differ.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from submit_fn.service.files import create_whole, flush_to_disk
from submit_fn.service.group_commit import GroupCommit
from submit_fn.service.settings import ConfigError

LOCK_WAIT_SECONDS = 30
T = TypeVar("T")
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

MIGRATION_LOCK = 0x62_68_74_6E  # "bhtn": the advisory lock every instance takes to migrate

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
    # 3: the office (submit_fn/office/): the province of the centre each submission is addressed to,
    # where it stands and its history, accounts, sessions, sign-in attempts, and the audit log, which
    # is append-only: no route or command updates or deletes its rows
    """
    ALTER TABLE submissions ADD COLUMN province TEXT;
    ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
    ALTER TABLE submissions ADD COLUMN status_changed_at TEXT;
    ALTER TABLE submissions ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE submissions ADD COLUMN appointment_date TEXT;
    CREATE INDEX submissions_by_province_and_time ON submissions (province, received_at, id);
    CREATE INDEX submissions_by_time ON submissions (received_at, id);
    CREATE TABLE status_changes (
        id TEXT PRIMARY KEY,
        receipt_id TEXT NOT NULL REFERENCES submissions (id),
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        note TEXT NOT NULL,
        appointment_date TEXT,
        actor TEXT NOT NULL
    );
    CREATE INDEX status_changes_by_receipt ON status_changes (receipt_id, at);
    CREATE TABLE office_accounts (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        provinces TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE office_sessions (
        token_hash TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES office_accounts (name),
        csrf TEXT NOT NULL,
        started_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE TABLE sign_in_attempts (
        id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL,
        succeeded INTEGER NOT NULL
    );
    CREATE INDEX sign_in_attempts_by_account ON sign_in_attempts (account, at);
    CREATE INDEX sign_in_attempts_by_address ON sign_in_attempts (address, at);
    CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        receipt_id TEXT,
        province TEXT,
        detail TEXT NOT NULL,
        address TEXT NOT NULL
    );
    CREATE INDEX audit_log_by_time ON audit_log (at, id);
    CREATE INDEX audit_log_by_receipt ON audit_log (receipt_id, at, id)
    """,
    # 4: the province of submissions stored before 3, from their answers
    lambda cursor, sql: _backfill_provinces(cursor, sql),
    # 5: the papers sent with a submission (service/documents.py), written in its transaction
    lambda cursor, sql: _create_documents(cursor, sql),
)


# A key already used inserts nothing (rowcount 0) instead of failing the transaction it shares.
INSERT_SUBMISSION = (
    "INSERT INTO submissions (id, procedure, schema_version, received_at, due_date, answers, receipt, "
    "idempotency_key, body_hash, estimate, province) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO NOTHING"
)
INSERT_DOCUMENT = (
    "INSERT INTO documents (receipt_id, position, kind, media_type, size, pages, sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
DOCUMENT_COLUMNS = "position, kind, media_type, size, pages, sha256"
SUBMISSION_COLUMNS = "receipt, answers, body_hash, estimate, province, status, status_changed_at, note, appointment_date"
AUDIT_COLUMNS = "id, at, actor, action, receipt_id, province, detail, address"
PAGE_LIMIT = 200
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Standing:
    """Where a submission stands (model/lifecycle.py): its status, since when, the centre's note to
    the worker and, once accepted, the appointment date."""

    status: str = "received"
    changed_at: str | None = None  # None: since it was received
    note: str = ""
    appointment_date: str | None = None


@dataclass(frozen=True)
class Submission:
    receipt: dict
    answers: dict
    body_hash: str
    estimate: dict | None = None  # the benefit rules' reading of a claim, for the office
    province: str | None = None  # 2-digit code of the centre it is addressed to (answer centre_province)
    standing: Standing = field(default_factory=Standing)

    @property
    def id(self) -> str:
        return self.receipt["id"]

    @property
    def procedure(self) -> str:
        return self.receipt["procedure"]


@dataclass(frozen=True)
class StoredDocument:
    """A paper sent with a submission, as the office lists it; `number` counts from 1 in the order sent."""

    number: int
    position: int  # its part's place among the post's `documents` parts, from 0
    kind: str | None
    media_type: str
    size: int
    pages: int
    sha256: str


@dataclass(frozen=True)
class Filters:
    """What the office list is narrowed to; `provinces` None means every province (the Department)."""

    provinces: frozenset[str] | None = None
    procedure: str | None = None
    status: str | None = None
    since: str | None = None  # received at or after (RFC 3339 text in Vietnam time, as stored)
    until: str | None = None  # received before


@dataclass(frozen=True)
class Account:
    name: str
    password_hash: str
    provinces: frozenset[str] | None  # None: every province
    disabled: bool


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: str
    actor: str
    action: str
    receipt_id: str | None
    province: str | None
    detail: str
    address: str

    def as_json(self) -> dict:
        return {"at": self.at, "actor": self.actor, "action": self.action, "receipt": self.receipt_id,
                "province": self.province, "detail": self.detail, "address": self.address}


class AccountExists(Exception):
    """An account of that name already exists."""


class IdempotencyConflict(Exception):
    """The key was already used with a different body."""


class StorageUnavailable(Exception):
    """The database does not answer for now (server down or restarting, connection lost while
    committing, file removed, disk full or read-only): answered 503, try again later. Nothing
    of the transaction that raised it was receipted."""


# SQLite result codes that say the database cannot be used, rather than that a statement is wrong
SQLITE_OUTAGES = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL,
    sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_PERM,
})
POOL_SIZE = 10  # connections per process at most; group commit writes on one of them
WAIT_SECONDS = 3  # for a pooled connection (the pool reconnects meanwhile), then 503
# A reconnection given up after this is started afresh by the next request: the pool's own backoff
# doubles its delay until it gives up, which after a minute's outage would leave it idle for as long
RECONNECT_SECONDS = 5
CONNECT_SECONDS = 5
Work = Callable[[Any], T]


class Storage:
    """Submissions in one database; safe to share between threads.

    Every statement runs in `_transaction(work)`: `work(cursor)` inside one transaction, committed
    when it returns. PostgreSQL connections come from a pool that checks each before lending it;
    one found dropped before the commit (a terminated backend, a restarted server) is replaced
    and the work run once more, which is safe since nothing of it was committed. An outage
    raises StorageUnavailable; a failed commit is never retried (its outcome is unknown).
    """

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.postgres = database_url.startswith(("postgresql://", "postgres://"))
        self._file = None if self.postgres else Path(database_url.removeprefix("sqlite:///")).absolute()
        self._local = threading.local()
        self._pool = None
        self._inserts: GroupCommit[tuple, bool] = GroupCommit(self._insert_group)
        try:
            self._open()
            self._migrate()
        except (StorageUnavailable, OSError) as error:
            self.close()
            raise ConfigError(self._cannot_start(error)) from None

    def close(self) -> None:
        """Close the PostgreSQL pool (SQLite connections close with their threads)."""
        if self._pool is not None:
            self._pool.close()

    def check(self) -> None:
        """StorageUnavailable unless the database answers (GET /api/health)."""
        self._run([("SELECT MAX(version) FROM schema_migrations", ())], fetch=True)

    # connections -------------------------------------------------------

    def _open(self) -> None:
        if self.postgres:
            self._open_pool()
        else:
            self._create_sqlite_file()

    def _open_pool(self) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        logging.getLogger("psycopg.pool").setLevel(logging.WARNING)  # it logs every loan at INFO
        try:  # one connection first: its error says why, where the pool would only time out
            psycopg.connect(self.url, connect_timeout=CONNECT_SECONDS).close()
        except psycopg.Error as error:
            raise StorageUnavailable(_first_line(error)) from error
        self._pool = ConnectionPool(
            self.url, min_size=1, max_size=POOL_SIZE, timeout=WAIT_SECONDS, name="submissions", open=True,
            kwargs={"autocommit": False, "connect_timeout": CONNECT_SECONDS}, check=ConnectionPool.check_connection,
            reconnect_timeout=RECONNECT_SECONDS,
        )

    def _create_sqlite_file(self) -> None:
        """Created on first use (CONTRACT.md); an existing file must be a whole database. Later
        connections never create it: a file removed under a running function stays missing."""
        path = self._file
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OSError(f"its folder cannot be made: {error.strerror}") from error
        _refuse_truncated(path)
        if path.exists():
            return
        try:  # whole, so that instances starting together never find it empty (refused as truncated)
            create_whole(path, _new_sqlite_database)
        except sqlite3.Error as error:
            raise StorageUnavailable(_first_line(error)) from error

    def _sqlite_connection(self) -> sqlite3.Connection:
        """This thread's connection to the file at the path now; a new one if the file was
        replaced (restored from a backup), StorageUnavailable if it is gone."""
        identity = self._file_identity()
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.identity != identity:
            connection.close()
            connection = None
        if connection is None:
            uri = f"{self._file.as_uri()}?mode=rw"
            connection = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
            connection.execute("PRAGMA busy_timeout=0")  # from here on, _begin waits in short steps
            self._local.connection, self._local.identity = connection, identity
        return connection

    def _file_identity(self) -> tuple[int, int]:
        try:
            found = os.stat(self._file)
        except OSError as error:
            raise StorageUnavailable("the database file is gone") from error
        return found.st_dev, found.st_ino

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

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    def _transaction(self, work: Work[T]) -> T:
        """work(cursor) in one transaction, committed when it returns, rolled back if it raises."""
        if not self.postgres:
            return self._sqlite_transaction(work)
        try:
            return self._postgresql_transaction(work)
        except _Dropped:
            return self._postgresql_transaction(work)  # the first attempt committed nothing

    def _sqlite_transaction(self, work: Work[T]) -> T:
        try:
            connection = self._sqlite_connection()
            self._begin(connection)
            try:
                result = work(connection.cursor())
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
        except sqlite3.DatabaseError as error:
            if error.sqlite_errorcode & 0xFF in SQLITE_OUTAGES:
                raise StorageUnavailable(_first_line(error)) from error
            raise
        if self._file_identity() != self._local.identity:  # committed into a file removed meanwhile
            raise StorageUnavailable("the database file was replaced or removed")
        return result

    def _postgresql_transaction(self, work: Work[T]) -> T:
        import psycopg

        try:
            connection = self._pool.getconn()
        except psycopg.OperationalError as error:  # PoolTimeout: no working connection in time
            raise StorageUnavailable(_first_line(error)) from error
        try:
            try:
                result = work(connection.cursor())
            except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                if connection.broken or connection.closed:
                    raise _Dropped() from error
                raise StorageUnavailable(_first_line(error)) from error
            except BaseException:
                with suppress(psycopg.Error):
                    connection.rollback()
                raise
            try:
                connection.commit()
            except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                raise StorageUnavailable(_first_line(error)) from error  # committed or not: no receipt
            return result
        finally:
            self._pool.putconn(connection)  # a broken one is discarded and replaced

    def _cannot_start(self, error: BaseException) -> str:
        """The one-line configuration message: what is wrong and what to do, never a password."""
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        if self.postgres:
            parts = urlsplit(self.url)
            if parts.password:
                reason = reason.replace(parts.password, "***")
            where = f"{parts.netloc.rpartition('@')[2] or 'localhost'}{parts.path}"
            return f"DATABASE_URL: PostgreSQL at {where} cannot be used ({reason}): start the server or correct DATABASE_URL"
        return (f"DATABASE_URL: the SQLite database {self._file} cannot be used ({reason}): "
                "make its folder writable, restore the file from a backup, or set DATABASE_URL to another file")

    def _run(self, statements: list[tuple[str, tuple]], fetch: bool = False) -> list:
        """Run statements in one transaction; rows of the last one if `fetch`."""

        def work(cursor) -> list:
            for statement, parameters in statements:
                cursor.execute(self._sql(statement), parameters)
            return cursor.fetchall() if fetch else []

        return self._transaction(work)

    def _insert_group(self, take: Callable[[], Sequence[tuple]]) -> list[bool | BaseException]:
        """One transaction for the rows waiting once it holds the write lock (see GroupCommit);
        if it fails, one transaction each, so that a bad row fails alone. An outage fails them all.
        `take()` gives every row of the group so far, so a retried transaction inserts them all."""
        rows: Sequence[tuple] = ()

        def insert_all(cursor) -> list[bool | BaseException]:
            nonlocal rows
            rows = take()
            return [self._insert(cursor, row) for row in rows]

        try:
            return self._transaction(insert_all)
        except StorageUnavailable:
            raise
        except Exception:
            if len(rows) <= 1:
                raise
        outcomes: list[bool | BaseException] = []
        for row in rows:
            try:
                outcomes.append(self._transaction(lambda cursor, row=row: self._insert(cursor, row)))
            except Exception as error:  # noqa: BLE001 - raised in the request that sent this row
                outcomes.append(error)
        return outcomes

    def _insert(self, cursor, item: tuple[tuple, Sequence[tuple]]) -> bool:
        """Insert one submission and its documents; False (nothing written) when its idempotency
        key is already taken."""
        row, documents = item
        cursor.execute(self._sql(INSERT_SUBMISSION), row)
        if cursor.rowcount != 1:
            return False
        for document in documents:
            cursor.execute(self._sql(INSERT_DOCUMENT), (row[0], *document))
        return True

    # migrations --------------------------------------------------------

    def _migrate(self) -> None:
        """Apply the migrations not yet applied, all in one transaction that holds the database's
        write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock): instances starting at
        the same moment apply each migration once, one after the other, and never race."""

        def migrate(cursor) -> None:
            if self.postgres:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            cursor.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            cursor.execute("SELECT version FROM schema_migrations")
            applied = {row[0] for row in cursor.fetchall()}
            for version, script in enumerate(MIGRATIONS, start=1):
                if version not in applied:
                    self._apply(cursor, version, script)

        self._transaction(migrate)

    def _apply(self, cursor, version: int, script: str | Callable) -> None:
        if callable(script):
            script(cursor, self._sql)
        else:
            for statement in (part.strip() for part in script.split(";")):
                if statement:
                    cursor.execute(statement)
        cursor.execute(self._sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)"), (version,))

    # submissions -------------------------------------------------------

    def add(self, submission: Submission, idempotency_key: str | None, documents: Sequence = ()) -> Submission:
        """Store a submission and its documents (service/documents.py) in one transaction; with a key
        already used, return the stored one instead (or raise)."""
        receipt = submission.receipt
        row = (
            receipt["id"], receipt["procedure"], receipt["schema_version"], receipt["received_at"],
            receipt["due_date"], json.dumps(submission.answers, ensure_ascii=False),
            json.dumps(receipt, ensure_ascii=False), idempotency_key, submission.body_hash,
            json.dumps(submission.estimate) if submission.estimate is not None else None,
            submission.province,
        )
        papers = [(d.position, d.kind, d.media_type, len(d.data), d.pages, d.sha256, d.data) for d in documents]
        if self._inserts.write((row, papers)):
            return submission
        stored = self._find("idempotency_key", idempotency_key)
        if stored is None or stored.body_hash != submission.body_hash:
            raise IdempotencyConflict()
        return stored

    def get(self, receipt_id: str) -> Submission | None:
        return self._find("id", receipt_id)

    def _find(self, column: str, value: str) -> Submission | None:
        rows = self._run([(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {column} = ?", (value,))], fetch=True)
        return _submission(rows[0]) if rows else None

    def page(self, filters: Filters, after: tuple[str, str] | None = None, limit: int = PAGE_LIMIT) -> list[Submission]:
        """Newest first; `after` (received_at, id) of the last one seen continues the list from there."""
        conditions, parameters = _conditions(filters)
        if after:
            conditions.append("(received_at < ? OR (received_at = ? AND id < ?))")
            parameters += [after[0], after[0], after[1]]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        statement = f"SELECT {SUBMISSION_COLUMNS} FROM submissions {where} ORDER BY received_at DESC, id DESC LIMIT {int(limit)}"
        return [_submission(row) for row in self._run([(statement, tuple(parameters))], fetch=True)]

    def counts(self, filters: Filters) -> dict[str, int]:
        """How many submissions stand at each status, under every filter but the status."""
        conditions, parameters = _conditions(Filters(filters.provinces, filters.procedure, None, filters.since, filters.until))
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._run([(f"SELECT status, COUNT(*) FROM submissions {where} GROUP BY status", tuple(parameters))], fetch=True)
        return {status: int(count) for status, count in rows}

    def with_citizen_id(self, provinces: frozenset[str] | None, citizen_id: str, limit: int = 50) -> list[Submission]:
        """Submissions whose answers give this 12-digit citizen ID, newest first."""
        if not (len(citizen_id) == 12 and citizen_id.isdigit()):
            return []
        conditions, parameters = _conditions(Filters(provinces))
        conditions.append("answers LIKE ?")  # digits only: nothing in it is a LIKE wildcard
        parameters.append(f'%"citizen_id": "{citizen_id}"%')
        statement = f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {' AND '.join(conditions)} ORDER BY received_at DESC, id DESC LIMIT {int(limit)}"
        found = [_submission(row) for row in self._run([(statement, tuple(parameters))], fetch=True)]
        return [s for s in found if s.answers.get("citizen_id") == citizen_id]

    def count(self) -> int:
        return self._run([("SELECT COUNT(*) FROM submissions", ())], fetch=True)[0][0]

    # documents ----------------------------------------------------------

    def documents(self, receipt_id: str) -> list[StoredDocument]:
        """The papers sent with a submission, in the order sent, without their content."""
        rows = self._run([(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE receipt_id = ? ORDER BY position", (receipt_id,))], fetch=True)
        return [StoredDocument(number, *row) for number, row in enumerate(rows, start=1)]

    def document(self, receipt_id: str, number: int) -> tuple[StoredDocument, bytes] | None:
        """The `number`-th paper (from 1) and its content."""
        listed = self.documents(receipt_id)
        if not 1 <= number <= len(listed):
            return None
        found = listed[number - 1]
        rows = self._run([("SELECT data FROM documents WHERE receipt_id = ? AND position = ?", (receipt_id, found.position))], fetch=True)
        return found, bytes(rows[0][0])

    # where a submission stands ------------------------------------------

    def change_status(self, receipt_id: str, expected: str, standing: Standing, actor: str, audit: AuditEntry) -> bool:
        """Record a new standing, its history line (at the audit entry's time, to the microsecond) and its
        audit entry in one transaction; False
        (nothing written) when the status is no longer `expected`, e.g. a colleague changed it first."""

        def work(cursor) -> bool:
            cursor.execute(self._sql(
                "UPDATE submissions SET status = ?, status_changed_at = ?, note = ?, appointment_date = ? WHERE id = ? AND status = ?"
            ), (standing.status, standing.changed_at, standing.note, standing.appointment_date, receipt_id, expected))
            if cursor.rowcount != 1:
                return False
            cursor.execute(self._sql(
                "INSERT INTO status_changes (id, receipt_id, at, status, note, appointment_date, actor) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ), (uuid.uuid4().hex, receipt_id, audit.at, standing.status, standing.note, standing.appointment_date, actor))
            self._append_audit(cursor, audit)
            return True

        return self._transaction(work)

    def history(self, receipt_id: str) -> list[dict]:
        """Every status change of a submission, oldest first."""
        rows = self._run([(
            "SELECT at, status, note, appointment_date, actor FROM status_changes WHERE receipt_id = ? ORDER BY at, id", (receipt_id,)
        )], fetch=True)
        return [{"at": at, "status": status, "note": note, "appointment_date": day, "actor": actor} for at, status, note, day, actor in rows]

    # the audit log (append-only) ------------------------------------------

    def record(self, entry: AuditEntry) -> None:
        self._transaction(lambda cursor: self._append_audit(cursor, entry))

    def _append_audit(self, cursor, entry: AuditEntry) -> None:
        cursor.execute(self._sql(f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), (
            entry.id, entry.at, entry.actor, entry.action, entry.receipt_id, entry.province, entry.detail, entry.address,
        ))

    def audit(self, provinces: frozenset[str] | None, receipt_id: str | None = None,
              after: tuple[str, str] | None = None, limit: int = PAGE_LIMIT) -> list[AuditEntry]:
        """Newest first: every entry for the Department, else those about the given provinces."""
        conditions, parameters = [], []
        if provinces is not None:
            conditions.append(f"province IN ({', '.join('?' * len(provinces))})" if provinces else "1 = 0")
            parameters += sorted(provinces)
        if receipt_id:
            conditions.append("receipt_id = ?")
            parameters.append(receipt_id)
        if after:
            conditions.append("(at < ? OR (at = ? AND id < ?))")
            parameters += [after[0], after[0], after[1]]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        statement = f"SELECT {AUDIT_COLUMNS} FROM audit_log {where} ORDER BY at DESC, id DESC LIMIT {int(limit)}"
        return [AuditEntry(*row) for row in self._run([(statement, tuple(parameters))], fetch=True)]

    # office accounts, sessions and sign-in attempts ---------------------

    def add_account(self, name: str, password_hash: str, provinces: frozenset[str] | None, now: str) -> None:
        if self.account(name) is not None:
            raise AccountExists(name)
        self._run([("INSERT INTO office_accounts (name, password_hash, provinces, disabled, created_at, changed_at) VALUES (?, ?, ?, 0, ?, ?)",
                    (name, password_hash, _provinces_text(provinces), now, now))])

    def account(self, name: str) -> Account | None:
        rows = self._run([("SELECT name, password_hash, provinces, disabled FROM office_accounts WHERE name = ?", (name,))], fetch=True)
        return _account(rows[0]) if rows else None

    def accounts(self) -> list[Account]:
        rows = self._run([("SELECT name, password_hash, provinces, disabled FROM office_accounts ORDER BY name", ())], fetch=True)
        return [_account(row) for row in rows]

    def update_account(self, name: str, now: str, password_hash: str | None = None, disabled: bool | None = None) -> None:
        """A new password or a disabled account also ends the account's sessions."""
        statements = []
        if password_hash is not None:
            statements.append(("UPDATE office_accounts SET password_hash = ?, changed_at = ? WHERE name = ?", (password_hash, now, name)))
        if disabled is not None:
            statements.append(("UPDATE office_accounts SET disabled = ?, changed_at = ? WHERE name = ?", (int(disabled), now, name)))
        self._run([*statements, ("DELETE FROM office_sessions WHERE account = ?", (name,))])

    def start_session(self, token_hash: str, account: str, csrf: str, now: str) -> None:
        self._run([("INSERT INTO office_sessions (token_hash, account, csrf, started_at, seen_at) VALUES (?, ?, ?, ?, ?)",
                    (token_hash, account, csrf, now, now))])

    def session(self, token_hash: str) -> tuple[Account, str, str, str] | None:
        """(account, CSRF token, started at, last seen at) of a live session of an enabled account."""
        rows = self._run([(
            ("SELECT a.name, a.password_hash, a.provinces, a.disabled, s.csrf, s.started_at, s.seen_at "
            "FROM office_sessions s JOIN office_accounts a ON a.name = s.account WHERE s.token_hash = ? AND a.disabled = 0"),
            (token_hash,),
        )], fetch=True)
        if not rows:
            return None
        return _account(rows[0][:4]), rows[0][4], rows[0][5], rows[0][6]

    def touch_session(self, token_hash: str, now: str) -> None:
        self._run([("UPDATE office_sessions SET seen_at = ? WHERE token_hash = ?", (now, token_hash))])

    def end_session(self, token_hash: str, stale_before: str | None = None) -> None:
        """End one session, and any session idle since before `stale_before`."""
        self._run([("DELETE FROM office_sessions WHERE token_hash = ? OR seen_at < ?", (token_hash, stale_before or ""))])

    def record_attempt(self, account: str, address: str, now: str, succeeded: bool, forget_before: str) -> None:
        """One sign-in attempt; attempts older than `forget_before` are no longer needed and go."""
        self._run([
            ("DELETE FROM sign_in_attempts WHERE at < ?", (forget_before,)),
            ("INSERT INTO sign_in_attempts (id, account, address, at, succeeded) VALUES (?, ?, ?, ?, ?)",
             (uuid.uuid4().hex, account, address, now, int(succeeded))),
        ])

    def recent_failures(self, column: str, value: str, since: str) -> int:
        """Failed attempts for an account or from an address since `since`, and since its last success."""
        assert column in ("account", "address")
        rows = self._run([(
            (f"SELECT COUNT(*) FROM sign_in_attempts WHERE {column} = ? AND succeeded = 0 AND at >= ? AND at > "
            f"COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE {column} = ? AND succeeded = 1), '')"),
            (value, since, value),
        )], fetch=True)
        return int(rows[0][0])


def _conditions(filters: Filters) -> tuple[list[str], list]:
    conditions: list[str] = []
    parameters: list = []
    if filters.provinces is not None:
        conditions.append(f"province IN ({', '.join('?' * len(filters.provinces))})" if filters.provinces else "1 = 0")
        parameters += sorted(filters.provinces)
    for column, operator, value in (
        ("procedure", "=", filters.procedure), ("status", "=", filters.status),
        ("received_at", ">=", filters.since), ("received_at", "<", filters.until),
    ):
        if value is not None:
            conditions.append(f"{column} {operator} ?")
            parameters.append(value)
    return conditions, parameters


def _provinces_text(provinces: frozenset[str] | None) -> str:
    return "*" if provinces is None else "+".join(sorted(provinces))


def _account(row) -> Account:
    name, password_hash, provinces, disabled = row
    return Account(name, password_hash, None if provinces == "*" else frozenset(provinces.split("+")), bool(disabled))


def _submission(row) -> Submission:
    receipt, answers, body_hash, estimate, province, status, changed_at, note, appointment = row
    return Submission(
        json.loads(receipt), json.loads(answers), body_hash, json.loads(estimate) if estimate else None,
        province, Standing(status, changed_at, note, appointment),
    )


def _backfill_provinces(cursor, sql: Callable[[str], str]) -> None:
    cursor.execute(sql("SELECT id, answers FROM submissions WHERE province IS NULL"))
    for receipt_id, answers in cursor.fetchall():
        province = json.loads(answers).get("centre_province")
        if isinstance(province, str):
            cursor.execute(sql("UPDATE submissions SET province = ? WHERE id = ?"), (province, receipt_id))


def _create_documents(cursor, sql: Callable[[str], str]) -> None:
    binary = "BYTEA" if sql("?") == "%s" else "BLOB"  # the one type the two databases name differently
    cursor.execute(
        "CREATE TABLE documents ("
        " receipt_id TEXT NOT NULL REFERENCES submissions (id),"
        " position INTEGER NOT NULL,"
        " kind TEXT,"
        " media_type TEXT NOT NULL,"
        " size INTEGER NOT NULL,"
        " pages INTEGER NOT NULL,"
        " sha256 TEXT NOT NULL,"
        f" data {binary} NOT NULL,"
        " PRIMARY KEY (receipt_id, position))"
    )


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")


class _Dropped(Exception):
    """A pooled connection was lost before its transaction's commit: nothing of it was committed."""


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _new_sqlite_database(path: Path) -> None:
    """An empty database with its header written (WAL mode is recorded in it), flushed to disk."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    flush_to_disk(path)


def _refuse_truncated(path: Path) -> None:
    """OSError for a database file shorter than its header says (SQLite reads such a file until it
    reaches the missing pages), or empty with no write-ahead log to recover it from."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return
    size = path.stat().st_size
    if size == 0:
        wal = path.with_name(path.name + "-wal")
        if not (wal.exists() and wal.stat().st_size):
            raise OSError("the file is empty: restore it, or remove it to start a new database")
        return
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        raise OSError("the file is not a SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages_valid = header[92:96] == header[24:28]  # the page count is kept up to date by SQLite 3.7+
    pages = int.from_bytes(header[28:32], "big")
    if pages_valid and size < pages * page_size:
        raise OSError(f"the file is truncated ({size} of {pages * page_size} bytes)")
