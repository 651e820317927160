"""Fixtures shared by the whole suite: the built site, the one-origin server, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def run_build(site_dir: Path, forms_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python build.py` as a maintainer would, optionally on a copy of forms/."""
    env = {**os.environ}
    if forms_dir is not None:
        env["FORMS_DIR"] = str(forms_dir)
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = run_build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site and the real submit function on one origin, over real HTTP."""
    from sitegen.local_server import one_origin_app
    from submit_fn.main import app

    server = make_server("127.0.0.1", 0, one_origin_app(built_site, app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium; a downloaded browser is neither available nor wanted."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
