"""How the site's files are served, in one place: the caching rule the local server follows
(sitegen/local_server.py) and `_headers` (Netlify and Cloudflare Pages format) that gives a static
host the same headers the function and the local server send (submit_fn/service/security_headers.py)
and the same caching."""

from __future__ import annotations

import re
from pathlib import Path

from submit_fn.service.security_headers import EVERY_RESPONSE, PAGES

HEADERS_FILE = "_headers"
HASHED_NAME = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")  # the theme's bundles: a new name for new content
FOR_A_YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # every other file: kept, but asked again with its ETag (a 304 costs no body)
# The service worker and the outbox it imports: never kept without asking, so that a new build reaches
# every phone at its next visit (a host's own default might keep them for hours).
ALWAYS_REVALIDATED = ("/sw.js", "/assets/js/outbox.js")


def cache_control(name: str) -> str:
    return FOR_A_YEAR if HASHED_NAME.search(name) else REVALIDATE


def headers_file(site_dir: Path) -> str:
    """Every path gets nosniff, the Content-Security-Policy and the referrer rule; each hashed bundle,
    named one by one (a rule's `*` would also match files that keep their name), a year in caches;
    the worker's files are asked again each time. Other files keep the host's own revalidation with ETags."""
    rules = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in EVERY_RESPONSE + PAGES)
    rules += "".join(f"{path}\n  Cache-Control: {REVALIDATE}\n" for path in ALWAYS_REVALIDATED)
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and HASHED_NAME.search(path.name):
            rules += f"/{path.relative_to(site_dir).as_posix()}\n  Cache-Control: {FOR_A_YEAR}\n"
    return rules


def write_headers_file(site_dir: Path) -> None:
    (site_dir / HEADERS_FILE).write_text(headers_file(site_dir), encoding="utf-8")
