"""No script from a visitor's input, anywhere: every HTML page the function makes, fed markup in every
place it echoes, escapes it and carries the Content-Security-Policy; the built site needs no inline
script, handler or style attribute, and tells a static host the same policy (site/_headers)."""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.static_host import HEADERS_FILE
from submit_fn.service.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import ROOT
from tests.servers import function_server
from tests.test_api import CATALOGUE, call
from tests.test_forms_browser import form_pairs
from tests.test_office_pages import Desk, office  # noqa: F401 - the office fixture: two accounts, real HTTP

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MARK = "<svg onload=alert()>"  # 20 characters: survives every cut the function makes before echoing
QUOTED = '"><svg onload=alert()>'  # the same, closing an attribute first
HTML = {"Accept": "text/html"}
FORM = "application/x-www-form-urlencoded"


def quoted(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def form(fields: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def assert_safe_page(reply) -> None:
    """Markup sent in, none of it back unescaped; the headers that stop what escaping might miss."""
    assert "<svg" not in reply.text.lower(), reply.text
    assert_policy(reply)


def assert_policy(reply) -> None:
    assert reply.headers["Content-Type"].startswith("text/html"), (reply.status, reply.text[:300])
    assert reply.headers["Content-Security-Policy"] == POLICY
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "same-origin"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with function_server(f"sqlite:///{tmp_path_factory.mktemp('db') / 'pages.sqlite3'}") as url:
        yield url


def hostile_answers() -> list[tuple[str, str]]:
    """A form post with markup in control names and values, the settings controls included."""
    return [("full_name", QUOTED), (QUOTED, QUOTED), (f"job_search.0.{MARK}", MARK), ("_lang", QUOTED)]


def test_the_policy_is_the_one_deployments_rely_on():
    assert CONTENT_SECURITY_POLICY == POLICY


@pytest.mark.parametrize("procedure_id", ["cham-dut", "tim-kiem-viec-lam"])
def test_the_no_javascript_error_page_escapes_every_control_name_and_value(api, procedure_id):
    for route in ("submissions", "pdf"):
        reply = call(api, "POST", f"/api/procedures/{procedure_id}/{route}?lang={quoted(QUOTED)}",
                     form(hostile_answers()), content_type=FORM)
        assert reply.status == 422
        assert_safe_page(reply)
        assert "&lt;svg onload=alert()&gt;" in reply.text  # echoed, as text


def test_problem_pages_escape_the_procedure_id_the_version_and_the_language(api):
    answers = [(name, str(value)) for name, value in CATALOGUE["cham-dut"].examples[0].items() if not isinstance(value, dict)]
    cases = [
        (f"/api/procedures/{quoted(MARK)}/submissions", [("full_name", "A")], 404),
        (f"/api/procedures/{quoted(QUOTED)}/pdf", [("full_name", "A")], 404),
        ("/api/procedures/cham-dut/submissions", [*answers, ("_schema_version", MARK)], 409),
        ("/api/procedures/cham-dut/submissions", [*answers, ("_schema_version", QUOTED), ("_lang", QUOTED)], 409),
        (f"/api/procedures/tam-dung/submissions?lang={quoted(MARK)}", [("full_name", MARK)], 404),
        (f"/api/procedures/cham-dut/submissions?_lang={quoted(MARK)}", [("x", "y" * 70_000)], 413),
    ]
    for path, fields, status in cases:
        reply = call(api, "POST", path, form(fields), content_type=FORM)
        assert reply.status == status, (path, reply.text[:300])
        assert_safe_page(reply)


def test_receipt_pages_escape_what_the_request_names(api):
    example = CATALOGUE["tim-kiem-viec-lam"].examples[0]
    fields = form_pairs(example, "vi")
    posted = call(api, "POST", f"/api/procedures/tim-kiem-viec-lam/submissions?lang={quoted(MARK)}&{quoted(MARK)}={quoted(QUOTED)}",
                  form([*fields, ("_lang", MARK)]), headers=HTML, content_type=FORM)
    receipt_id = call(api, "POST", "/api/procedures/tim-kiem-viec-lam/submissions", example).json["receipt"]["id"]
    pages = [
        posted,
        call(api, "GET", f"/api/receipts/{receipt_id}?lang={quoted(QUOTED)}&signature={quoted(QUOTED)}", headers=HTML),
        call(api, "GET", f"/api/receipts/{quoted(MARK)}", headers=HTML),
        call(api, "GET", f"/api/receipts?id={quoted(QUOTED)}&lang={quoted(MARK)}", headers=HTML),
    ]
    assert [page.status for page in pages] == [200, 200, 404, 404]  # the first after its 303 to the receipt's page
    for page in pages:
        assert_safe_page(page)


def test_the_schedule_and_verification_pages_escape_their_queries(api):
    query = "&".join(f"{name}={quoted(QUOTED)}" for name in ("start", "months", "returned", "after", "lang", "x"))
    pages = [
        call(api, "GET", f"/api/notification-schedule?{query}", headers=HTML),
        call(api, "GET", f"/api/notification-schedule?start=2026-03-10&months=3&lang={quoted(MARK)}", headers=HTML),
        call(api, "GET", f"/xac-minh/{quoted(MARK)}?signature={quoted(QUOTED)}"),
        call(api, "GET", f"/en/xac-minh/{quoted(QUOTED)}?signature={quoted(MARK)}&lang={quoted(MARK)}"),
    ]
    for page in pages:
        assert_safe_page(page)


def test_office_pages_sign_in_and_errors_included_escape_what_they_echo(office):  # noqa: F811
    base, _ = office
    stranger = Desk(base)
    pages = [
        stranger.open(f"/office/sign-in?next={quoted('/office/' + QUOTED)}"),
        stranger.open("/office/sign-in", {"_csrf": QUOTED, "account": QUOTED, "password": MARK, "next": QUOTED}),
    ]
    token = stranger.open("/office/sign-in").field("_csrf")
    pages.append(stranger.open("/office/sign-in", {"_csrf": token, "account": QUOTED, "password": MARK, "next": QUOTED}))
    desk = Desk(base)
    desk.sign_in("hanoi")
    pages += [
        desk.open(f"/office/?procedure={quoted(QUOTED)}&status={quoted(MARK)}&since={quoted(QUOTED)}&cursor={quoted(MARK)}"),
        desk.open(f"/office/verify?q={quoted(QUOTED)}&signature={quoted(MARK)}"),
        desk.open(f"/office/submissions/{quoted(MARK)}"),
        desk.open("/office/search", {"_csrf": desk.csrf(), "q": QUOTED}),
        desk.open("/office/search", {"_csrf": QUOTED, "q": MARK}),
    ]
    assert {page.status for page in pages} <= {200, 400, 401, 403, 404, 422}
    for page in pages:
        assert_safe_page(page)


def test_every_response_says_nosniff_json_and_the_hot_path_included(api):
    example = CATALOGUE["cham-dut"].examples[0]
    for reply in (call(api, "POST", "/api/procedures/cham-dut/submissions", example), call(api, "GET", "/api/health"),
                  call(api, "GET", "/api/procedures/cham-dut/schema"), call(api, "GET", "/api/static/page.css")):
        assert reply.headers["X-Content-Type-Options"] == "nosniff"


class _Blocked(HTMLParser):
    """What the policy would block in a page: inline script, event-handler attributes, style attributes,
    style elements. JSON data blocks (<script type="application/json">) are data, never run."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{name}= on <{tag}>" for name, _ in attrs if name.startswith("on") or name == "style"]


def blocked_in(html: str) -> list[str]:
    parser = _Blocked()
    parser.feed(html)
    return parser.found


def test_blocked_markup_is_found_where_it_is():
    page = '<script type="application/json">{}</script><script src="a.js"></script><p>'
    assert blocked_in(page) == []
    assert blocked_in('<script>x()</script><a onclick="x()" style="color:red"><style>p{}</style>') == [
        "inline <script>", "onclick= on <a>", "style= on <a>", "<style> element"]


def test_no_built_page_needs_what_the_policy_blocks(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40
    found = {str(page.relative_to(built_site)): blocked_in(page.read_text(encoding="utf-8")) for page in pages}
    assert {page: what for page, what in found.items() if what} == {}


def header_rules(text: str) -> dict[str, dict[str, str]]:
    """`_headers` as Netlify and Cloudflare Pages read it: a path, then its indented headers."""
    rules: dict[str, dict[str, str]] = {}
    path = ""
    for line in text.splitlines():
        if line.startswith("  "):
            name, _, value = line.strip().partition(": ")
            rules[path][name] = value
        else:
            path = line
            rules[path] = {}
    return rules


def test_the_built_site_tells_a_static_host_the_same_headers_and_caching_as_the_local_server(built_site: Path, site_url):
    rules = header_rules((built_site / HEADERS_FILE).read_text(encoding="utf-8"))
    assert rules.pop("/*") == {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": POLICY, "Referrer-Policy": "same-origin"}
    for path in ("/sw.js", "/assets/js/outbox.js"):  # the service worker and its outbox: asked again each time
        assert rules.pop(path) == {"Cache-Control": "no-cache"} == {"Cache-Control": call(site_url, "GET", path).headers["Cache-Control"]}
    bundles = sorted("/" + p.relative_to(built_site).as_posix() for p in built_site.rglob("*.min.*") if re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", p.name))
    assert any("/bundle." in path for path in bundles) and sorted(rules) == bundles
    for path, headers in rules.items():
        assert headers == {"Cache-Control": "public, max-age=31536000, immutable"}
        assert call(site_url, "GET", path).headers["Cache-Control"] == headers["Cache-Control"]
    assert call(site_url, "GET", "/assets/css/site.css").headers["Cache-Control"] == "no-cache"  # kept, asked again with its ETag


def test_the_local_server_sends_the_policy_with_the_sites_pages(site_url):
    for path in ("/", "/en/bieu-mau/cham-dut/", "/no-such-page/"):
        assert_policy(call(site_url, "GET", path))
    assert call(site_url, "GET", "/assets/css/site.css").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("partial", "ours"), [("base.html", "md-globals.js"), ("content.html", "md-content.js")])
def test_the_theme_scripts_moved_to_files_are_the_installed_themes_own(partial, ours):
    """sitegen/overrides/ replaces Material's inline scripts with files: they must still be its code."""
    import material

    theme = Path(material.__file__).parent / "templates" / "partials" / "javascripts" / partial
    inline = re.findall(r"<script>(.*?)</script>", theme.read_text(encoding="utf-8"), re.DOTALL)
    copied = (ROOT / "sitegen" / "overrides" / "assets" / "javascripts" / ours).read_text(encoding="utf-8")
    for script in inline:
        assert script.replace('new URL("{{ config.extra.scope | d(base_url) }}",location)',
                              "new URL(document.currentScript.dataset.scope,location)") in copied
