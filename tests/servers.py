"""Real servers for tests: the function over HTTP, and a throwaway PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from submit_fn.service.api import create_app
from submit_fn.service.settings import OfficeToken, Settings

OFFICE_TOKEN = "office-token-for-tests-0123456789"
HANOI_TOKEN = "office-token-of-ha-noi-0123456789"  # sees province 01 only
SAIGON_TOKEN = "office-token-of-ho-chi-minh-01234"  # sees province 79 only
RECEIPT_KEY = b"receipt-key-for-tests-0123456789abcdef"
PUBLIC_BASE_URL = "https://bhtn.example.gov.vn"  # where receipts' links point in tests, whatever Host a request names
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        receipt_key=RECEIPT_KEY,
        office_tokens=(OfficeToken(OFFICE_TOKEN), OfficeToken(HANOI_TOKEN, frozenset({"01"})), OfficeToken(SAIGON_TOKEN, frozenset({"79"}))),
        allowed_origins=("https://bhtn.example",),
        public_base_url=PUBLIC_BASE_URL,
    )


@contextmanager
def serving(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def function_server(database_url: str) -> Iterator[str]:
    app = create_app(settings_for(database_url))
    try:
        with serving(app) as url:
            yield url
    finally:
        app.extensions["bhtn"]["storage"].close()


def wait_for(url: str, seconds: float = 20) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass(frozen=True)
class PostgreSQLServer:
    """A throwaway server the tests can also stop, start, restart and cut clients off."""

    url: str
    data: Path
    run_as: tuple[str, ...]

    def pg_ctl(self, *arguments: str) -> None:
        """`pg_ctl stop`, `start`, `restart` (fast shutdown: clients are cut off), waiting for it."""
        subprocess.run([*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "-l", str(self.data / "log"), *arguments],
                       check=True, capture_output=True, timeout=60)

    def terminate_clients(self) -> int:
        """End every other client connection, as an operator's pg_terminate_backend does; how many."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return len(connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall())

    def query(self, statement: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(statement).fetchall()


@contextmanager
def postgresql_server() -> Iterator[PostgreSQLServer]:
    """A real PostgreSQL 15 server on a free loopback port, owned by the `postgres` user."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is not installed: run `bash .ci/setup` (apt-get install postgresql)")
    data = Path(tempfile.mkdtemp(prefix="pg-"))
    port = free_port()
    run_as = () if os.geteuid() != 0 else ("runuser", "-u", "postgres", "--")
    if run_as:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run([*run_as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], check=True, capture_output=True)
    with (data / "postgresql.conf").open("a") as conf:  # kept by every later start and restart
        conf.write(f"port = {port}\nunix_socket_directories = '{data}'\nlisten_addresses = '127.0.0.1'\n")
    server = PostgreSQLServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", data, run_as)
    server.pg_ctl("start")
    try:
        yield server
    finally:
        subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def postgresql() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server (postgresql_server)."""
    with postgresql_server() as server:
        yield server.url


def call_json(url: str, body: dict | None = None) -> tuple[int, dict]:
    """POST JSON (or GET without a body) and read the JSON answer, errors included."""
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
