"""Throughput of the submit function against a bare endpoint, side by side in one run.

    python -m benchmarks.submit [--seconds 5] [--rounds 3] [--connections 16] [--workers 2] [--threads 1]

All are served by gunicorn on loopback, configured identically, and loaded with wrk:
(a) the real function storing each valid claim in SQLite and returning a signed receipt, as
deployed (SQLITE_SYNCHRONOUS=FULL: each commit waits for fsync, so a receipted submission
survives a power cut), (b) the same with SQLITE_SYNCHRONOUS=NORMAL (survives a killed process,
not a power cut), (c) an endpoint that does nothing, and, for context, (d) an empty Flask route.
The loads take turns, a, b, c, d, a, b…, so that whatever else the shared machine is doing
weighs on all of them alike. Prints the median requests/s, p50 and p99 of the rounds for each,
the median over the rounds of each as a share of (c), and the CPU time the gunicorn workers
spent per request (Linux /proc): where the CPU is not the limit, the time goes to waiting
(fsync). Sync workers by default; with --threads N (gthread), concurrent submissions in one
worker share a commit (group_commit.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from submit_fn.procedures import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
BARE = "bare endpoint"
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


def _serve(target: str, port: int, env: dict, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn; with threads > 1 each worker serves that many requests at once (gthread)."""
    kind = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), *kind, "-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
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


def _workers_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of the gunicorn workers (children of the arbiter), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # a process that ended meanwhile
            continue
        if int(fields[1]) == server.pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _load(url: str, script: Path, seconds: int, connections: int, server: subprocess.Popen) -> dict:
    cpu_before = _workers_cpu_seconds(server)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    cpu = _workers_cpu_seconds(server) - cpu_before
    rps, p50, p99, bad, total = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\d+)", out).groups()
    return {"rps": float(rps), "p50": float(p50), "p99": float(p99), "non_2xx": int(bad), "requests": int(total),
            "cpu_ms": cpu * 1000 / max(int(total), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of one load")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each server, taking turns")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, the same for every server")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker, the same for every server (1: sync workers)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    example = load_catalogue()["huong-tro-cap"].examples[0]
    script = work / "post.lua"
    script.write_text(LUA.format(body=json.dumps(example, ensure_ascii=False)))
    env = {**os.environ, "RECEIPT_KEY": "k" * 40, "VAR_DIR": str(work), "PYTHONPATH": str(ROOT)}
    submissions = "/api/procedures/huong-tro-cap/submissions"
    targets = {
        "function (SQLite FULL)": ("submit_fn.main:app", submissions, {"SQLITE_SYNCHRONOUS": "FULL"}),
        "function (SQLite NORMAL)": ("submit_fn.main:app", submissions, {"SQLITE_SYNCHRONOUS": "NORMAL"}),
        BARE: ("benchmarks.bare_app:app", "/", {}),
        "empty Flask route (context)": ("benchmarks.bare_app:flask_app", "/", {}),
    }
    urls, servers = {}, {}
    try:
        for port, (name, (target, path, settings)) in enumerate(targets.items(), start=18000):
            database = {"DATABASE_URL": f"sqlite:///{work / f'bench-{port}.sqlite3'}"}
            servers[name] = _serve(target, port, env | settings | database, options.workers, options.threads)
            urls[name] = f"http://127.0.0.1:{port}{path}"
            _load(urls[name], script, 2, options.connections, servers[name])  # warm up
        rounds: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(options.rounds):
            for name, url in urls.items():
                rounds[name].append(_load(url, script, options.seconds, options.connections, servers[name]))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    kind = f"{options.threads} threads each" if options.threads > 1 else "sync"
    print(f"wrk -t2 -c{options.connections} -d{options.seconds}s, {options.rounds} rounds taking turns, "
          f"gunicorn {options.workers} workers ({kind}), loopback, {os.cpu_count()} cores; medians of the rounds")
    print(f"{'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'CPU ms/req':>11}")
    for name, runs in rounds.items():
        median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99", "cpu_ms")}
        non_2xx = sum(run["non_2xx"] for run in runs)
        print(f"{name:28} {median['rps']:9.0f} {median['p50']:8.2f} {median['p99']:8.2f} {non_2xx:8d} {median['cpu_ms']:11.3f}")
    for name, runs in rounds.items():
        if name != BARE:
            share = [run["rps"] / bare["rps"] for run, bare in zip(runs, rounds[BARE])]
            print(f"{name} / bare throughput: {statistics.median(share):.0%} (rounds: {', '.join(f'{s:.0%}' for s in share)})")


if __name__ == "__main__":
    main()
