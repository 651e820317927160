"""The site's service worker (`sw.js` at the site's root) and its offline page, written last in the
build, after the scripts are minified and the headers file is written, so that the worker's version
is a digest of the files exactly as they are served.

The worker (templates/sw.js.j2) keeps only what a worker has opened: each page and the files it
loads, as they are fetched, so a first visit costs no more than the page itself. The one file it
fetches on its own is the offline page (templates/offline.html.j2), shown when a page never opened
on this device is asked for with no signal. A new build gives a new version, whose cache replaces
the old one (the pages kept before are fetched again into it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sitegen.templating import environment, words

WORKER = "sw.js"
OFFLINE_PAGE = "offline.html"
# Never kept: the function's answers (CONTRACT.md: /api/, /office/, /xac-minh/) and the preview.
NEVER_KEPT = ("api/", "office/", "xac-minh/", "en/xac-minh/", "_xem-truoc/")


def site_version(site_dir: Path) -> str:
    """A digest of every file served (the worker itself aside): any change gives a new version."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file() and p.name != WORKER):
        digest.update(path.relative_to(site_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_offline_page(site_dir: Path) -> Path:
    """The page a service worker shows for a page not kept, in Vietnamese then English."""
    target = site_dir / OFFLINE_PAGE
    page = environment().get_template("offline.html.j2").render(vi=words("vi"), en=words("en"))
    target.write_text(page, encoding="utf-8")
    return target


def write_service_worker(site_dir: Path) -> Path:
    """Write the offline page, then sw.js at the site's root (its scope is the whole site)."""
    write_offline_page(site_dir)
    build = {"version": site_version(site_dir), "offline": OFFLINE_PAGE, "never": list(NEVER_KEPT)}
    target = site_dir / WORKER
    target.write_text(environment().get_template("sw.js.j2").render(build=build), encoding="utf-8")
    return target
