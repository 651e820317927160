"""The submit function against the floor any durable endpoint pays, side by side in one run.

    python -m benchmarks.submit [--seconds 5] [--rounds 5] [--connections 16] [--workers 2] [--threads 1]

All are served by gunicorn on loopback, configured identically, and loaded with wrk posting the
same valid claim. Each function setup has its durable baseline (benchmarks/bare_app.py): a bare
WSGI endpoint that parses the JSON, inserts it in one committed transaction on the same database
with the same settings, and answers 201:
- SQLite FULL (the default: each commit waits for fsync, so a receipted submission survives a
  power cut) and SQLite NORMAL (survives a killed process, not a power cut), WAL both;
- PostgreSQL (a throwaway local server started as tests/servers.py does, synchronous_commit on,
  the function's connection pool).
Beside each baseline, the same durable insert of the row the function stores, into its own
table with its indexes (what the data alone costs), so that the gap splits into the data's share
and the function's code's. The function is also run without its fast path (fast_submit.py),
whose share of its throughput is printed round by round. The loads take turns, every setup once per round, so that whatever else the shared machine is doing weighs on all
alike. Prints the median requests/s, p50 and p99 of the rounds for each, and the median over
the rounds of the function's throughput and p99 as a share of its baseline's in the same round;
also the CPU time the gunicorn workers spent per request (Linux /proc): where the CPU is not
the limit, the time goes to waiting (fsync). Sync workers by default; with --threads N
(gthread), concurrent submissions in one worker share a commit (group_commit.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks import bare_app
from submit_fn.model.procedures import load_catalogue
from tests.servers import postgresql

ROOT = Path(__file__).resolve().parent.parent
PORTS = 18000
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


@dataclass(frozen=True)
class Setup:
    target: str  # gunicorn's module:app
    path: str
    env: dict
    baselines: tuple[str, ...] = ()  # the names of the setups it is measured against
    variant_of: str | None = None  # the function setup this one changes (the fast path taken out)


def _setups(postgresql_url: str | None) -> dict[str, Setup]:
    submissions = "/api/procedures/huong-tro-cap/submissions"
    setups: dict[str, Setup] = {}
    for mode in ("FULL", "NORMAL"):
        env = {"SQLITE_SYNCHRONOUS": mode}
        baseline, row = f"durable SQLite {mode}", f"  the function's row {mode}"
        setups[baseline] = Setup("benchmarks.bare_app:durable_sqlite", "/", env)
        setups[row] = Setup("benchmarks.bare_app:durable_sqlite_function_row", "/", env, (baseline,))
        setups[f"function SQLite {mode}"] = Setup("submit_fn.main:app", submissions, env, (baseline, row))
        setups[f"  without fast path {mode}"] = Setup("benchmarks.bare_app:function_without_fast_path()", submissions, env,
                                                      (baseline,), f"function SQLite {mode}")
    if postgresql_url:
        env = {"DATABASE_URL": postgresql_url}
        setups["durable PostgreSQL"] = Setup("benchmarks.bare_app:durable_postgresql", "/", env)
        setups["  the function's row PG"] = Setup("benchmarks.bare_app:durable_postgresql_function_row", "/", env, ("durable PostgreSQL",))
        setups["function PostgreSQL"] = Setup("submit_fn.main:app", submissions, env, ("durable PostgreSQL", "  the function's row PG"))
        setups["  without fast path PG"] = Setup("benchmarks.bare_app:function_without_fast_path()", submissions, env,
                                                 ("durable PostgreSQL",), "function PostgreSQL")
    return setups


def _create_baseline_tables(work: Path, postgresql_url: str | None) -> dict[str, str]:
    """A SQLite file per setup (the durable one's table made first); the bare table in PostgreSQL."""
    files = {}
    for port in range(PORTS, PORTS + 20):
        files[port] = f"sqlite:///{work / f'bench-{port}.sqlite3'}"
        with sqlite3.connect(work / f"bench-{port}.sqlite3") as connection:
            connection.execute(bare_app.TABLE)
    if postgresql_url:
        import psycopg

        with psycopg.connect(postgresql_url) as connection:
            connection.execute(bare_app.TABLE)
    return files


def _median_share(runs: list[dict], baseline: list[dict], key: str) -> str:
    shares = [run[key] / base[key] for run, base in zip(runs, baseline, strict=True)]
    return f"{statistics.median(shares):.0%} ({', '.join(f'{s:.0%}' for s in shares)})"


def _report(options, rounds: dict[str, list[dict]], setups: dict[str, Setup]) -> None:
    kind = f"{options.threads} threads each" if options.threads > 1 else "sync"
    print(f"wrk -t2 -c{options.connections} -d{options.seconds}s, {options.rounds} rounds taking turns, "
          f"gunicorn {options.workers} workers ({kind}), loopback, {os.cpu_count()} cores; medians of the rounds")
    print(f"{'':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'CPU ms/req':>11}")
    for name, runs in rounds.items():
        median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99", "cpu_ms")}
        non_2xx = sum(run["non_2xx"] for run in runs)
        print(f"{name:30} {median['rps']:9.0f} {median['p50']:8.2f} {median['p99']:8.2f} {non_2xx:8d} {median['cpu_ms']:11.3f}")
    print("\nshare of the durable baseline, median of the rounds (each round):")
    for name, setup in setups.items():
        for baseline in setup.baselines:
            print(f"{name.strip():30} of {baseline.strip():26} throughput {_median_share(rounds[name], rounds[baseline], 'rps')}; "
                  f"p99 {_median_share(rounds[name], rounds[baseline], 'p99')}")
    print("\nthe fast path: the function's throughput as a share of the same without it, median of the rounds (each round):")
    for name, setup in setups.items():
        if setup.variant_of:
            print(f"{setup.variant_of:30} {_median_share(rounds[setup.variant_of], rounds[name], 'rps')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of one load")
    parser.add_argument("--rounds", type=int, default=5, help="loads of each server, taking turns")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, the same for every server")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker, the same for every server (1: sync workers)")
    parser.add_argument("--no-postgresql", action="store_true", help="leave PostgreSQL out")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    with ExitStack() as stack:
        postgresql_url = None if options.no_postgresql else stack.enter_context(postgresql())
        _run(options, postgresql_url)


def _run(options, postgresql_url: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    example = load_catalogue()["huong-tro-cap"].examples[0]
    script = work / "post.lua"
    script.write_text(LUA.format(body=json.dumps(example, ensure_ascii=False)))
    env = {**os.environ, "RECEIPT_KEY": "k" * 40, "VAR_DIR": str(work), "PYTHONPATH": str(ROOT)}
    setups = _setups(postgresql_url)
    databases = _create_baseline_tables(work, postgresql_url)
    urls, servers = {}, {}
    try:
        for port, (name, setup) in enumerate(setups.items(), start=PORTS):
            servers[name] = _serve(setup.target, port, env | {"DATABASE_URL": databases[port]} | setup.env, options.workers, options.threads)
            urls[name] = f"http://127.0.0.1:{port}{setup.path}"
            _load(urls[name], script, 2, options.connections, servers[name])  # warm up
        rounds: dict[str, list[dict]] = {name: [] for name in setups}
        for _ in range(options.rounds):
            for name, url in urls.items():
                rounds[name].append(_load(url, script, options.seconds, options.connections, servers[name]))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    _report(options, rounds, setups)


if __name__ == "__main__":
    main()
