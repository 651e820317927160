"""The function as real processes: generated hostile input, a crash mid-stream, the Cloud Functions runner."""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from submit_fn.model.procedures import load_catalogue
from tests.conftest import ROOT
from tests.servers import OFFICE_TOKEN, RECEIPT_KEY, call_json, free_port, function_server, wait_for

BIN = Path(sys.executable).parent


def _environment(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        "RECEIPT_KEY": RECEIPT_KEY.decode(),
        "VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }


@pytest.mark.parametrize("office", [[], ["--include-path-regex", "^/api/office/", "--header", f"Authorization: Bearer {OFFICE_TOKEN}"]],
                         ids=["anyone", "office-token"])
def test_generated_requests_from_the_openapi_description_never_get_a_500_and_match_it(tmp_path, office):
    """Every check schemathesis has (statuses, headers, bodies against their schemas, Allow on 405,
    auth...) but one: answers valid for the description's loose body schema may still break the
    procedure's own rules (ward in province, NUL bytes), so a 422 or 400 to them is right.
    The office routes are also run with a valid token, so their filters and bodies are generated too."""
    with function_server(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}") as url:
        result = subprocess.run(
            [str(BIN / "schemathesis"), "run", f"{url}/api/openapi.json", *office, "--checks", "all", "--exclude-checks", "positive_data_acceptance",
             "--max-examples", "60", "--generation-deterministic", "--request-timeout", "10", "--workers", "1"],
            capture_output=True, text=True, timeout=600, check=False,
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize("worker_class", [[], ["-k", "gthread", "--threads", "8"]], ids=["sync", "gthread-group-commit"])
def test_no_receipt_returned_before_a_sigkill_is_lost(tmp_path, worker_class):
    """Every receipt the worker was given before the process died is in the database afterwards,
    also when threaded workers commit concurrent submissions together."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", *worker_class, "-b", f"127.0.0.1:{port}", "submit_fn.main:app"],
        cwd=ROOT, env=_environment(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/health")
        example = load_catalogue()["huong-tro-cap"].examples[0]
        issued: list[str] = []
        stop = threading.Event()

        def stream() -> None:
            while not stop.is_set():
                try:
                    status, body = call_json(base + "/api/procedures/huong-tro-cap/submissions", example)
                except (OSError, http.client.HTTPException):  # the kill: refused, reset, or an answer cut short
                    return
                if status == 201:
                    issued.append(body["receipt"]["id"])

        senders = [threading.Thread(target=stream) for _ in range(8)]
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + 20
        while len(issued) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        subprocess.run(["pkill", "-KILL", "-f", f"127.0.0.1:{port}"], check=False)  # arbiter and workers at once
        stop.set()
        for sender in senders:
            sender.join(timeout=10)
    finally:
        server.kill()
        server.wait(timeout=10)
    assert len(issued) >= 40
    with sqlite3.connect(tmp_path / "crash.sqlite3") as database:
        stored = {row[0] for row in database.execute("SELECT id FROM submissions")}
    assert set(issued) <= stored


def test_the_cloud_functions_entry_point_serves_the_same_routes(tmp_path):
    port = free_port()
    runner = subprocess.Popen(
        [str(BIN / "functions-framework"), "--source", str(ROOT / "submit_fn" / "main.py"), "--target", "submit", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path, env=_environment(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/health", seconds=30)
        example = load_catalogue()["cham-dut"].examples[0]
        status, body = call_json(base + "/api/procedures/cham-dut/submissions", example)
        assert status == 201
        status, again = call_json(base + f"/api/receipts/{body['receipt']['id']}")
        assert status == 200 and again["receipt"]["id"] == body["receipt"]["id"]
        status, problem = call_json(base + "/api/procedures/cham-dut/submissions", {"x": 1})
        assert status == 422 and json.dumps(problem["errors"])
    finally:
        runner.terminate()
        runner.wait(timeout=10)


@pytest.mark.parametrize(("variable", "value", "says", "secret"), [
    ("SQLITE_SYNCHRONOUS", "sometimes", "SQLITE_SYNCHRONOUS must be FULL or NORMAL, not 'SOMETIMES'", None),
    ("DATABASE_URL", "mysql://office:pa55word@db/bhtn", "DATABASE_URL must start with sqlite:/// or postgresql://, not 'mysql'", "pa55word"),
    ("RECEIPT_KEY", "too-short-key", "RECEIPT_KEY must be at least 32 characters", "too-short-key"),
])
def test_a_wrong_setting_stops_start_up_with_a_message_saying_what_to_set(tmp_path, variable, value, says, secret):
    """...and never repeats a password or key it was given."""
    result = subprocess.run(
        [sys.executable, "-c", "import submit_fn.main"], cwd=ROOT, env=_environment(tmp_path) | {variable: value},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert says in last_line
    assert secret is None or secret not in result.stderr
