"""Serve the built site and the submit function on one origin, for local use.

A worker on the same network can open the site, fill a form and send it for real:
the form pages post to /api/… on the same host.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file


def one_origin_app(site_dir: Path, api_app):
    """WSGI app: /api/… goes to the function, everything else is a file of the built site."""
    site_dir = site_dir.resolve()

    def application(environ, start_response):
        request = Request(environ)
        if request.path == "/api" or request.path.startswith("/api/"):
            return api_app(environ, start_response)
        return _static(request, site_dir, environ)(environ, start_response)

    return application


def _static(request: Request, site_dir: Path, environ) -> Response:
    path = _site_file(site_dir, request.path)
    if path is None:
        not_found = site_dir / "404.html"
        body = not_found.read_bytes() if not_found.is_file() else b"Not found"
        return Response(body, status=404, content_type="text/html; charset=utf-8")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    response = Response(wrap_file(environ, path.open("rb")), content_type=content_type, direct_passthrough=True)
    response.content_length = path.stat().st_size
    response.headers["Cache-Control"] = "no-cache"
    return response


def _site_file(site_dir: Path, url_path: str) -> Path | None:
    """The file for a URL path, `index.html` for folders; None outside the site or missing."""
    candidate = (site_dir / url_path.lstrip("/")).resolve()
    if not candidate.is_relative_to(site_dir):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def serve(site_dir: Path, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from submit_fn.main import app

    print(f"Serving the site and the API at http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(host, port, one_origin_app(site_dir, app), threaded=True, use_reloader=False)
