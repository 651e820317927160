"""Throughput of the submit function against a bare endpoint, side by side in one run.

    python -m benchmarks.submit [--seconds 10] [--connections 16]

Both are served by gunicorn with 2 workers on loopback and loaded with wrk: (a) the real
function storing each valid claim in SQLite and returning a signed receipt, (b) an endpoint
that does nothing, and, for context, (c) an empty Flask route. Prints requests/s, p50 and p99
for each, and (a) as a share of (b).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from submit_fn.procedures import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = """
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, summary.requests))
end
"""


def _serve(target: str, port: int, env: dict, threads: int) -> subprocess.Popen:
    """gunicorn, 2 workers; with threads > 1 each worker serves that many requests at once (gthread)."""
    workers = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", *workers, "-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1)
            return server
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer: the server is up
                return server
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{target} did not start")


def _load(url: str, script: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps, p50, p99, bad, total = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\d+)", out).groups()
    return {"rps": float(rps), "p50": float(p50), "p99": float(p99), "non_2xx": int(bad), "requests": int(total)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker, the same for both servers (1: sync workers)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    example = load_catalogue()["huong-tro-cap"].examples[0]
    script = work / "post.lua"
    script.write_text(LUA.format(body=json.dumps(example, ensure_ascii=False)))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}", "RECEIPT_KEY": "k" * 40, "VAR_DIR": str(work), "PYTHONPATH": str(ROOT)}
    results = {}
    for name, target, path in (
        ("function (SQLite, receipt)", "submit_fn.main:app", "/api/procedures/huong-tro-cap/submissions"),
        ("bare endpoint", "benchmarks.bare_app:app", "/"),
        ("empty Flask route (context)", "benchmarks.bare_app:flask_app", "/"),
    ):
        port = 18000 + len(results)
        server = _serve(target, port, env, options.threads)
        try:
            _load(f"http://127.0.0.1:{port}{path}", script, 2, options.connections)  # warm up
            results[name] = _load(f"http://127.0.0.1:{port}{path}", script, options.seconds, options.connections)
        finally:
            server.terminate()
            server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
    kind = f"{options.threads} threads each" if options.threads > 1 else "sync"
    print(f"wrk -t2 -c{options.connections} -d{options.seconds}s, gunicorn 2 workers ({kind}), loopback, {os.cpu_count()} cores")
    print(f"{'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:28} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['non_2xx']:8d}")
    function, bare, flask = results.values()
    print(f"function / bare throughput: {function['rps'] / bare['rps']:.0%}")
    print(f"(empty Flask route / bare: {flask['rps'] / bare['rps']:.0%}: what the framework alone costs)")


if __name__ == "__main__":
    main()
