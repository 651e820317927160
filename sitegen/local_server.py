"""Serve the built site and the submit function on one origin, for local use.

A worker on the same network can open the site, fill a form and send it for real:
the form pages post to /api/… on the same host.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import socket
from functools import lru_cache
from pathlib import Path

import brotli
from werkzeug.wrappers import Request, Response

from sitegen.static_host import cache_control
from submit_fn.service.security_headers import security_headers

PREVIEW = "/_xem-truoc/"
FUNCTION_PATHS = ("/api/", "/office/", "/xac-minh/", "/en/xac-minh/")  # what a static host must forward too (README)
PREVIEW_FILES = Path(__file__).with_name("preview")  # page.html and the files it loads


def one_origin_app(site_dir: Path, api_app, preview: bool = False):
    """WSGI app: /api/…, /office/… and /xac-minh/… go to the function, everything else is a file of the built site.

    With `preview` (build.py serve), /_xem-truoc/<id> shows a procedure's guidance page,
    form and blank PDF side by side, and reloads them after each rebuild.
    """
    site_dir = site_dir.resolve()

    def application(environ, start_response):
        request = Request(environ)
        if request.path in ("/api", "/office") or request.path.startswith(FUNCTION_PATHS):
            return api_app(environ, start_response)
        if preview and request.path.startswith(PREVIEW):
            stamp = str(getattr(api_app, "builds", 0))
            response = _preview(request.path[len(PREVIEW):].strip("/"), stamp, request)
        else:
            response = _static(request, site_dir)
        response.headers.update(security_headers(response.content_type))  # as a static host sends site/_headers
        return response(environ, start_response)

    return application


def _preview(procedure_id: str, stamp: str, request: Request) -> Response:
    from submit_fn.model.procedures import PROCEDURE_IDS

    if procedure_id == "stamp":
        return Response(stamp, content_type="text/plain", headers={"Cache-Control": "no-store"})
    if procedure_id in ("preview.css", "preview.js"):
        return _file(PREVIEW_FILES / procedure_id, request)
    if procedure_id not in PROCEDURE_IDS:
        procedure_id = PROCEDURE_IDS[0]
    links = " ".join(f'<a href="{PREVIEW}{pid}">{pid}</a>' for pid in PROCEDURE_IDS)
    page = (PREVIEW_FILES / "page.html").read_text(encoding="utf-8").format(id=procedure_id, links=links, stamp=stamp, preview=PREVIEW)
    return Response(page, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


def _static(request: Request, site_dir: Path) -> Response:
    path = _site_file(site_dir, request.path)
    if path is None:
        not_found = site_dir / ("en/404.html" if request.path.startswith("/en/") else "404.html")
        body = not_found.read_bytes() if not_found.is_file() else b"Not found"
        return Response(body, status=404, content_type="text/html; charset=utf-8")
    return _file(path, request)


def _file(path: Path, request: Request) -> Response:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    return cached_and_compressed(request, path, content_type)


# Caching and compression of the site's files, as the deploy guide (README) asks of a static host -------

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


def cached_and_compressed(request: Request, path: Path, content_type: str) -> Response:
    """A site file with its caching headers and ETag, brotli- or gzip-compressed when the browser
    takes it and the type gains from it; 304 when the browser's copy (If-None-Match) is current."""
    stat = path.stat()
    encoding = _encoding(request, content_type)
    body, digest = _encoded(str(path), stat.st_mtime_ns, stat.st_size, encoding)
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = cache_control(path.name)
    response.vary.add("Accept-Encoding")
    if encoding:
        response.content_encoding = encoding
    response.set_etag(f"{digest}-{encoding}" if encoding else digest)  # each encoding is another representation
    return response.make_conditional(request)


def _encoding(request: Request, content_type: str) -> str | None:
    if not content_type.startswith(COMPRESSIBLE):
        return None
    accepted = request.accept_encodings
    return next((name for name in ("br", "gzip") if accepted.quality(name) > 0), None)


@lru_cache(maxsize=512)
def _encoded(path: str, mtime_ns: int, size: int, encoding: str | None) -> tuple[bytes, str]:
    """The file's bytes as sent, and a digest of its content; remembered until the file changes
    (`mtime_ns` and `size` are part of the key), so each file is compressed once per build."""
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:32]
    if encoding == "br":
        return brotli.compress(raw, quality=11), digest
    if encoding == "gzip":
        return gzip.compress(raw, compresslevel=9, mtime=0), digest
    return raw, digest


def _site_file(site_dir: Path, url_path: str) -> Path | None:
    """The file for a URL path, `index.html` for folders; None outside the site or missing."""
    candidate = (site_dir / url_path.lstrip("/")).resolve()
    if not candidate.is_relative_to(site_dir):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class ReloadableApp:
    """The submit function, made again after a rebuild so that it validates against the edited schemas."""

    def __init__(self) -> None:
        self.app = self._make()
        self.builds = 1  # the preview reloads when this changes: after a whole rebuild, never halfway

    @staticmethod
    def _make():
        from submit_fn.service.api import create_app

        return create_app()

    def reload(self) -> None:
        self.app = self._make()
        self.builds += 1

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def own_address(host: str, port: int) -> str:
    """The address others open (and receipts' QR codes point at, as PUBLIC_BASE_URL): on every
    interface (0.0.0.0), this machine's address on its network, which a phone can reach."""
    if host in ("0.0.0.0", "::", ""):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(("192.0.2.1", 9))  # TEST-NET-1: a UDP connect picks a route and sends nothing
                host = probe.getsockname()[0]
            except OSError:
                host = "127.0.0.1"
    return f"http://{host}:{port}"


def serve(site_dir: Path, host: str, port: int, app: ReloadableApp) -> None:
    from werkzeug.serving import run_simple

    print(f"Serving the site and the API at {own_address(host, port)}/ (Ctrl+C to stop)")
    print(f"Maintainers: http://{host}:{port}{PREVIEW}<id> shows guidance, form and PDF side by side")
    run_simple(host, port, one_origin_app(site_dir, app, preview=True), threaded=True, use_reloader=False)
