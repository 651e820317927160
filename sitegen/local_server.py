"""Serve the built site and the submit function on one origin, for local use.

A worker on the same network can open the site, fill a form and send it for real:
the form pages post to /api/… on the same host.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

PREVIEW = "/_xem-truoc/"
PREVIEW_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Xem trước / Preview: {id}</title>
<style>
body {{ margin: 0; font: 14px system-ui, sans-serif; }}
nav {{ padding: .4rem .8rem; background: #283593; color: #fff; }}
nav a {{ color: #fff; margin-right: 1rem; }}
main {{ display: grid; grid-template-columns: 1fr 1fr 1fr; height: calc(100vh - 2.2rem); }}
iframe {{ width: 100%; height: 100%; border: 0; border-right: 1px solid #ccc; }}
</style></head>
<body><nav>Xem trước / Preview · {links} · <span id="state">build {stamp}</span></nav>
<main>
<iframe title="Hướng dẫn / Guidance" src="/thu-tuc/{id}/"></iframe>
<iframe title="Biểu mẫu / Form" src="/bieu-mau/{id}/"></iframe>
<iframe title="PDF" src="/pdf/{id}.pdf"></iframe>
</main>
<script>
let seen = "{stamp}";
setInterval(async () => {{
  const now = await (await fetch("{preview}stamp", {{cache: "no-store"}})).text();
  if (now !== seen) {{
    seen = now;
    document.getElementById("state").textContent = "build " + now;
    for (const frame of document.querySelectorAll("iframe")) frame.src = frame.src.split("#")[0].split("?")[0] + "?" + now;
  }}
}}, 1000);
</script></body></html>
"""


def one_origin_app(site_dir: Path, api_app, preview: bool = False):
    """WSGI app: /api/… goes to the function, everything else is a file of the built site.

    With `preview` (build.py serve), /_xem-truoc/<id> shows a procedure's guidance page,
    form and blank PDF side by side, and reloads them after each rebuild.
    """
    site_dir = site_dir.resolve()

    def application(environ, start_response):
        request = Request(environ)
        if request.path == "/api" or request.path.startswith("/api/"):
            return api_app(environ, start_response)
        if preview and request.path.startswith(PREVIEW):
            stamp = str(getattr(api_app, "builds", 0))
            return _preview(request.path[len(PREVIEW):].strip("/"), stamp)(environ, start_response)
        return _static(request, site_dir, environ)(environ, start_response)

    return application


def _preview(procedure_id: str, stamp: str) -> Response:
    from submit_fn.procedures import PROCEDURE_IDS

    if procedure_id == "stamp":
        return Response(stamp, content_type="text/plain", headers={"Cache-Control": "no-store"})
    if procedure_id not in PROCEDURE_IDS:
        procedure_id = PROCEDURE_IDS[0]
    links = " ".join(f'<a href="{PREVIEW}{pid}">{pid}</a>' for pid in PROCEDURE_IDS)
    page = PREVIEW_PAGE.format(id=procedure_id, links=links, stamp=stamp, preview=PREVIEW)
    return Response(page, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


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


class ReloadableApp:
    """The submit function, made again after a rebuild so that it validates against the edited schemas."""

    def __init__(self) -> None:
        self.app = self._make()
        self.builds = 1  # the preview reloads when this changes: after a whole rebuild, never halfway

    @staticmethod
    def _make():
        from submit_fn.api import create_app

        return create_app()

    def reload(self) -> None:
        self.app = self._make()
        self.builds += 1

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def serve(site_dir: Path, host: str, port: int, app: ReloadableApp) -> None:
    from werkzeug.serving import run_simple

    print(f"Serving the site and the API at http://{host}:{port}/ (Ctrl+C to stop)")
    print(f"Maintainers: http://{host}:{port}{PREVIEW}<id> shows guidance, form and PDF side by side")
    run_simple(host, port, one_origin_app(site_dir, app, preview=True), threaded=True, use_reloader=False)
