"""What a page costs a phone on a weak line: python -m benchmarks.pages

Builds the site into a temporary folder, serves it with the local server (sitegen/local_server.py:
brotli or gzip, hashed assets cached for a year, ETags elsewhere) and opens every page kind in
Chromium throttled through CDP `Network.emulateNetworkConditions` (400 kbit/s each way, 400 ms
latency). For each page it prints:
  - first visit: bytes transferred (what Chromium received for every request the page made: response
    headers and bodies as they came, compressed, as Playwright's request sizes give them; the theme's
    files and the search worker's included) and first contentful paint (`performance` paint entry);
  - next page: the same after the home page in the same language was opened in the same browser
    (its HTTP cache warm, as when a worker goes from the home page to a form).
FCP is the median of RUNS visits, each in a new browser context (a cold cache).

Targets (issue 18 item 6): form and guidance pages under 150 KB on a first visit, under 30 KB on the
next page, first contentful paint under 3 s on this line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KBIT = 1000 / 8  # bytes per second in one kbit/s
WEAK_LINE = {"offline": False, "latency": 400, "downloadThroughput": 400 * KBIT, "uploadThroughput": 400 * KBIT}
RUNS = 3
FORMS_AND_GUIDANCE_KB = 150
NEXT_PAGE_KB = 30
FCP_SECONDS = 3


@dataclass
class Visit:
    transferred: int  # bytes
    fcp: float  # seconds


class Meter:
    """Counts the bytes Chromium receives for one page's requests, its workers' included (Playwright's
    request sizes: response headers plus the body as it came, compressed; 0 for a copy from the cache)."""

    def __init__(self, page) -> None:
        self.bytes = 0
        self.session = page.context.new_cdp_session(page)
        page.context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        sizes = request.sizes()
        self.bytes += sizes["responseHeadersSize"] + sizes["responseBodySize"]

    def throttle(self, conditions: dict) -> None:
        self.session.send("Network.enable")
        self.session.send("Network.emulateNetworkConditions", conditions)


def first_contentful_paint(page) -> float:
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    return page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime") / 1000


def visit(context, base_url: str, path: str, before: str | None = None, line: dict | None = None) -> Visit:
    """Open `path` (after `before`, in the same context) and measure only `path`'s own visit."""
    page = context.new_page()
    meter = Meter(page)
    if line:
        meter.throttle(line)
    if before:
        page.goto(base_url + before, wait_until="networkidle")
    meter.bytes = 0
    page.goto(base_url + path, wait_until="networkidle")
    fcp = first_contentful_paint(page)
    page.wait_for_timeout(200)  # the last requestfinished events after networkidle
    page.close()
    return Visit(meter.bytes, fcp)


def page_before(path: str) -> str:
    """The page opened before `path` for a "next page" visit: the home page in the same language
    (each language has its own search index), or its "how it works" page for the home page itself."""
    home = "/en/" if path.startswith("/en/") else "/"
    return home if path != home else home + "cach-hoat-dong/"


def page_kinds(catalogue) -> list[str]:
    forms = [f"{lang}/bieu-mau/{p.id}/" for lang in ("", "/en") for p in catalogue if p.has_worker_form]
    guidance = [f"{lang}/thu-tuc/{p.id}/" for lang in ("", "/en") for p in catalogue]
    others = ["/", "/en/", "/tra-cuu/", "/lich-thong-bao/", "/thay-doi/huong-tro-cap/", "/dia-ban/", "/cach-hoat-dong/"]
    return [path if path.startswith("/") else "/" + path for path in [*forms, *guidance, *others]]


def is_form_or_guidance(path: str) -> bool:
    return "/bieu-mau/" in path or "/thu-tuc/" in path


def site_server(site_dir: Path):
    """The built site and the function on one origin, served as the tests serve them (tests/servers.py)."""
    from sitegen.local_server import one_origin_app
    from submit_fn.main import app
    from tests.servers import serving

    return serving(one_origin_app(site_dir, app))


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def measure(browser, base_url: str, path: str, runs: int) -> tuple[Visit, Visit]:
    """Median first visit and next-page visit of `path`, each in fresh contexts."""
    firsts, nexts = [], []
    for _ in range(runs):
        for before, out in ((None, firsts), (page_before(path), nexts)):
            context = browser.new_context(viewport={"width": 360, "height": 740})
            out.append(visit(context, base_url, path, before, WEAK_LINE))
            context.close()
    return tuple(
        Visit(int(statistics.median(v.transferred for v in visits)), statistics.median(v.fcp for v in visits))
        for visits in (firsts, nexts)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--site-dir", type=Path, help="a site already built (default: build one now)")
    args = parser.parse_args()
    from submit_fn.model.procedures import load_catalogue
    from tests.conftest import run_build

    with tempfile.TemporaryDirectory() as temporary:
        site_dir = args.site_dir or Path(temporary) / "site"
        if not args.site_dir:
            result = run_build(site_dir)
            if result.returncode:
                print(result.stdout + result.stderr, file=sys.stderr)
                return 1
        print(f"Chromium, 400 kbit/s each way, 400 ms latency; median of {args.runs} cold-cache visits")
        print(f"{'page':34} {'first visit':>12} {'FCP':>7} {'next page':>10} {'FCP':>7}")
        over = []
        with site_server(site_dir) as base_url, chromium() as browser:
            for path in page_kinds(load_catalogue()):
                first, following = measure(browser, base_url, path, args.runs)
                print(f"{path:34} {first.transferred / 1024:9.1f} KB {first.fcp:6.2f}s "
                      f"{following.transferred / 1024:7.1f} KB {following.fcp:6.2f}s", flush=True)
                if is_form_or_guidance(path) and (first.transferred > FORMS_AND_GUIDANCE_KB * 1024
                                                  or following.transferred > NEXT_PAGE_KB * 1024):
                    over.append(path)
                if first.fcp > FCP_SECONDS:
                    over.append(path)
        print(f"Targets: forms and guidance < {FORMS_AND_GUIDANCE_KB} KB first, < {NEXT_PAGE_KB} KB next; "
              f"FCP < {FCP_SECONDS} s. Over: {', '.join(sorted(set(over))) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
