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
from pathlib import Path

from werkzeug.serving import make_server

from submit_fn.api import create_app
from submit_fn.settings import Settings

OFFICE_TOKEN = "office-token-for-tests-0123456789"
RECEIPT_KEY = b"receipt-key-for-tests-0123456789abcdef"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        receipt_key=RECEIPT_KEY,
        office_tokens=(OFFICE_TOKEN,),
        allowed_origins=("https://bhtn.example",),
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
    with serving(create_app(settings_for(database_url))) as url:
        yield url


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


@contextmanager
def postgresql() -> Iterator[str]:
    """A real PostgreSQL 15 server on a free loopback port, owned by the `postgres` user."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is not installed: run `bash .ci/setup` (apt-get install postgresql)")
    data = Path(tempfile.mkdtemp(prefix="pg-"))
    port = free_port()
    run_as = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    if run_as:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run([*run_as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], check=True, capture_output=True)
    subprocess.run(
        [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(data, ignore_errors=True)


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
