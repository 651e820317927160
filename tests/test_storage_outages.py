"""Storage that fails and comes back: a terminated or restarted PostgreSQL, a SQLite file moved away
or on a full disk. The function answers 503 with Retry-After meanwhile (never a 500, never a
receipt for a row that was not committed) and serves again by itself."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Self

import pytest

from submit_fn.model.procedures import VIETNAM, load_catalogue
from submit_fn.service.storage import AuditEntry, Storage, StorageUnavailable
from tests.conftest import ROOT
from tests.servers import (
    RECEIPT_KEY,
    PostgreSQLServer,
    free_port,
    function_server,
    postgresql_server,
    wait_for,
)
from tests.test_api import Reply, call, submit

BIN = Path(sys.executable).parent
EXAMPLE = load_catalogue()["huong-tro-cap"].examples[0]


def assert_storage_unavailable(reply: Reply, lang: str = "vi") -> None:
    assert reply.status == 503, reply.body[:300]
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert int(reply.headers["Retry-After"]) > 0
    assert reply.json["type"] == "/api/problems/storage-unavailable" and reply.json["status"] == 503
    title = {"vi": "Tạm thời không truy cập được dữ liệu", "en": "Storage is unavailable for a moment"}[lang]
    assert reply.json["title"] == title and reply.headers["Content-Language"] == lang


class Stream:
    """Submissions sent without pause from a few threads; every answer kept."""

    def __init__(self, base: str, threads: int = 4) -> None:
        self.base, self.replies, self._stop = base, [], threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send, daemon=True) for _ in range(threads)]

    def _send(self) -> None:
        while not self._stop.is_set():
            reply = submit(self.base, "huong-tro-cap", EXAMPLE)
            with self._lock:
                self.replies.append((time.monotonic(), reply))

    def receipts_since(self, moment: float) -> list[str]:
        with self._lock:
            return [r.json["receipt"]["id"] for at, r in self.replies if at > moment and r.status == 201]

    def wait_for_receipts(self, count: int, since: float, seconds: float) -> float:
        """Seconds until `count` receipts were issued after `since`; fails after `seconds`."""
        deadline = time.monotonic() + seconds
        while len(self.receipts_since(since)) < count:
            assert time.monotonic() < deadline, f"fewer than {count} receipts within {seconds} s: {self.statuses()}"
            time.sleep(0.05)
        return time.monotonic() - since

    def statuses(self) -> dict[int, int]:
        with self._lock:
            return {status: sum(r.status == status for _, r in self.replies) for status in {r.status for _, r in self.replies}}

    def __enter__(self) -> Self:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[PostgreSQLServer]:
    with postgresql_server() as started:
        yield started


def stored_ids(server: PostgreSQLServer) -> set[str]:
    return {row[0] for row in server.query("SELECT id FROM submissions")}


@contextmanager
def gunicorn(env: dict) -> Iterator[str]:
    """The function under gunicorn, 2 sync workers: each keeps its storage for as long as it runs."""
    port = free_port()
    env = {**os.environ, "RECEIPT_KEY": RECEIPT_KEY.decode(), "PYTHONPATH": str(ROOT)} | env
    process = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "submit_fn.main:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", seconds=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_postgresql_terminated_then_restarted_under_a_stream_of_submissions_serves_again_and_every_receipt_is_stored(server):
    with gunicorn({"DATABASE_URL": server.url}) as base, Stream(base) as stream:
        stream.wait_for_receipts(10, time.monotonic(), 20)
        cut = time.monotonic()
        assert server.terminate_clients() >= 2  # each worker's connection
        after_termination = stream.wait_for_receipts(10, cut, 10)
        server.pg_ctl("restart")
        restarted = time.monotonic()
        after_restart = stream.wait_for_receipts(10, restarted, 15)
    replies = [reply for _, reply in stream.replies]
    assert {reply.status for reply in replies} <= {201, 503}, stream.statuses()
    for reply in replies:
        if reply.status == 503:
            assert_storage_unavailable(reply)
    issued = {reply.json["receipt"]["id"] for reply in replies if reply.status == 201}
    assert issued <= stored_ids(server)
    print(f"served again {after_termination:.1f} s after the termination, {after_restart:.1f} s after the restart; {stream.statuses()}")


def test_postgresql_down_is_a_localized_503_with_retry_after_health_included_and_up_again_serves(server):
    with function_server(server.url) as base:
        assert call(base, "GET", "/api/health").status == 200
        server.pg_ctl("stop")
        try:
            assert_storage_unavailable(call(base, "GET", "/api/health", headers={"Accept-Language": "en"}), "en")
            assert_storage_unavailable(submit(base, "huong-tro-cap", EXAMPLE))
        finally:
            server.pg_ctl("start")
        deadline = time.monotonic() + 15
        while call(base, "GET", "/api/health").status != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        served = submit(base, "huong-tro-cap", EXAMPLE)
        assert served.status == 201 and served.json["receipt"]["id"] in stored_ids(server)


def audit_entry(detail: str) -> AuditEntry:
    return AuditEntry(detail, datetime.now(VIETNAM).isoformat(), "test", "read", None, None, detail, "127.0.0.1")


def cut_off(server: PostgreSQLServer, cursor) -> None:
    """Terminate the backend serving this cursor, from another connection."""
    server.query(f"SELECT pg_terminate_backend({cursor.connection.info.backend_pid})")


def run_counted(storage: Storage, work: Callable) -> tuple[object, int]:
    calls = []

    def counted(cursor):
        calls.append(cursor)
        return work(cursor, len(calls))

    try:
        return storage._transaction(counted), len(calls)
    except StorageUnavailable as error:
        return error, len(calls)


def test_a_connection_dropped_before_the_commit_is_replaced_and_the_transaction_run_once_more(server):
    storage = Storage(server.url)
    try:
        def work(cursor, attempt: int) -> str:
            if attempt == 1:
                cut_off(server, cursor)
            storage._append_audit(cursor, audit_entry("retried-once"))
            return "committed"

        assert run_counted(storage, work) == ("committed", 2)
        assert server.query("SELECT detail FROM audit_log WHERE id = 'retried-once'") == [("retried-once",)]
    finally:
        storage.close()


def test_a_connection_dropped_at_the_commit_is_never_retried_and_answers_unavailable(server):
    storage = Storage(server.url)
    try:
        def work(cursor, attempt: int) -> str:
            storage._append_audit(cursor, audit_entry("lost-at-commit"))
            cut_off(server, cursor)
            return "receipted"

        outcome, attempts = run_counted(storage, work)
        assert isinstance(outcome, StorageUnavailable) and attempts == 1
        assert server.query("SELECT detail FROM audit_log WHERE id = 'lost-at-commit'") == []
        storage.record(audit_entry("after-the-loss"))  # the pool lends a working connection again
    finally:
        storage.close()


def test_a_sqlite_database_moved_away_is_a_503_until_it_is_back(tmp_path):
    database = tmp_path / "moved.sqlite3"
    with function_server(f"sqlite:///{database}") as base:
        first = submit(base, "huong-tro-cap", EXAMPLE)
        assert first.status == 201
        database.rename(tmp_path / "elsewhere.sqlite3")
        assert_storage_unavailable(submit(base, "huong-tro-cap", EXAMPLE, {"Accept-Language": "en"}), "en")
        assert_storage_unavailable(call(base, "GET", "/api/health"))
        assert_storage_unavailable(call(base, "GET", f"/api/receipts/{first.json['receipt']['id']}"))
        (tmp_path / "elsewhere.sqlite3").rename(database)
        again = submit(base, "huong-tro-cap", EXAMPLE)
        assert again.status == 201 and call(base, "GET", "/api/health").status == 200
    with sqlite3.connect(database) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM submissions")}
    assert stored == {first.json["receipt"]["id"], again.json["receipt"]["id"]}


def test_a_sqlite_database_on_a_full_disk_is_a_503_and_serves_again_once_there_is_room(tmp_path):
    """The function as its own process, whose file-size limit is set as a full disk would:
    writes that grow the database fail (EFBIG), as root too."""
    database = tmp_path / "full.sqlite3"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "RECEIPT_KEY": RECEIPT_KEY.decode(), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "submit_fn.main:app", "run", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/health", seconds=30)
        assert submit(base, "huong-tro-cap", EXAMPLE).status == 201
        room = max(Path(f"{database}{suffix}").stat().st_size for suffix in ("", "-wal"))
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (room, resource.RLIM_INFINITY))  # the soft limit
        assert_storage_unavailable(submit(base, "huong-tro-cap", EXAMPLE))
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        assert submit(base, "huong-tro-cap", EXAMPLE).status == 201
    finally:
        process.terminate()
        log = process.communicate(timeout=10)[1]
    assert '"error": "OperationalError"' in log and "Traceback" not in log
    assert EXAMPLE["citizen_id"] not in log
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM submissions").fetchone() == (2,)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_instances_starting_at_the_same_moment_on_a_new_database_all_start_and_migrate_it_once(server, tmp_path, kind):
    """Gunicorn's workers, or a serverless platform's instances, all open an empty database at once."""
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(server.url, autocommit=True) as connection:
            connection.execute("CREATE DATABASE started_together")
        url = server.url.rsplit("/", 1)[0] + "/started_together"
    else:
        url = f"sqlite:///{tmp_path / 'started-together.sqlite3'}"
    opened: list[Storage] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_storage() -> None:
        barrier.wait()
        try:
            opened.append(Storage(url))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=open_storage) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert failures == [] and len(opened) == 6
        versions = opened[0]._run([("SELECT version FROM schema_migrations ORDER BY version", ())], fetch=True)
        assert [row[0] for row in versions] == list(range(1, len(versions) + 1)) and len(versions) >= 4
    finally:
        for storage in opened:
            storage.close()
