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


def worker_form_ids() -> tuple[str, ...]:
    """The procedures in which the worker files something: those with a form page, a blank PDF and
    submissions (CONTRACT.md: tam-dung is not one). Tests over forms iterate over these."""
    from submit_fn.model.procedures import load_catalogue

    return tuple(p.id for p in load_catalogue() if p.has_worker_form)


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


@pytest.fixture(scope="session", autouse=True)
def still_pages() -> Iterator[None]:
    """Every browser context the suite opens prefers reduced motion, and the theme then runs no transitions:
    a test reads a page in its final state, never one caught mid-animation (axe once read the header's
    title while it faded). One place for all contexts: pytest-playwright's and the tests' own."""
    from playwright.sync_api import Browser

    originals = {"new_context": Browser.new_context, "new_page": Browser.new_page}

    def still(method):
        def opened(self, **options):
            options.setdefault("reduced_motion", "reduce")
            return method(self, **options)

        return opened

    for name, method in originals.items():
        setattr(Browser, name, still(method))
    yield
    for name, method in originals.items():
        setattr(Browser, name, method)


POLICY_VIOLATION = "Content-Security-Policy violation:"
REPORT_POLICY_VIOLATIONS = f"""document.addEventListener("securitypolicyviolation", (event) => console.error(
  `{POLICY_VIOLATION} ${{event.violatedDirective}} blocked ${{event.blockedURI}} at ${{event.sourceFile}}:${{event.lineNumber}}`));"""


def wait_for_script(page, name: str, seconds: float = 30) -> None:
    """Wait until the page's scripts define the function `window.<name>`, asking from outside the
    page (DevTools' evaluate, which the page's policy does not govern). Playwright's wait_for_function
    evaluates its predicate as a string inside the page, which the site's policy (no 'unsafe-eval')
    blocks whenever the first look comes before the script has run, as on a busy machine."""
    import time

    deadline = time.monotonic() + seconds
    while page.evaluate(f"typeof window.{name}") != "function":
        assert time.monotonic() < deadline, f"window.{name} was never defined"
        page.wait_for_timeout(50)


@pytest.fixture(autouse=True)
def no_policy_violations(request, monkeypatch):
    """Every page a browser test opens keeps to the Content-Security-Policy the site and the function send
    (submit_fn/service/security_headers.py): a blocked script, handler or style fails the test."""
    if "browser" not in request.fixturenames:
        yield
        return
    from playwright.sync_api import Browser

    violations: list[str] = []

    def watch(context):
        context.add_init_script(REPORT_POLICY_VIOLATIONS)
        context.on("console", lambda message: violations.append(message.text) if message.text.startswith(POLICY_VIOLATION) else None)
        return context

    new_context, new_page = Browser.new_context, Browser.new_page
    monkeypatch.setattr(Browser, "new_context", lambda self, *args, **kwargs: watch(new_context(self, *args, **kwargs)))
    monkeypatch.setattr(Browser, "new_page", lambda self, *args, **kwargs: watch(new_page(self, *args, **kwargs).context).pages[-1])
    yield
    assert violations == []


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request, tmp_path_factory) -> Iterator[str]:
    """The function over HTTP, on a SQLite file and on a real PostgreSQL server (a module may define its own)."""
    from tests.servers import function_server, postgresql

    if request.param == "sqlite":
        with function_server(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}") as url:
            yield url
    else:
        with postgresql() as database_url, function_server(database_url) as url:
            yield url
