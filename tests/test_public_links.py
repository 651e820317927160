"""Links that cannot be redirected: what a receipt prints and its QR code opens, and every absolute link
the function makes, start with PUBLIC_BASE_URL; a request's Host or X-Forwarded-* headers never reach
them, and X-Forwarded-* are believed only from the proxies TRUSTED_PROXY_COUNT says are in front."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import urllib.parse
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from submit_fn.service.api import create_app
from submit_fn.service.settings import LOCAL_BASE_URL, ConfigError, Settings, load_settings
from tests.servers import HANOI_TOKEN, PUBLIC_BASE_URL, serving, settings_for
from tests.test_api import CATALOGUE, call, submit
from tests.test_forms_browser import form_pairs

EVIL = "evil.example"
REDIRECTING = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http", "Forwarded": f"host={EVIL}",
               "X-Forwarded-Prefix": "/evil", "X-Original-Host": EVIL}


@pytest.fixture(scope="module", params=[0, 1], ids=["no proxy", "behind one proxy"])
def hops(request) -> int:
    """TRUSTED_PROXY_COUNT of the function under test."""
    return request.param


@pytest.fixture(scope="module")
def api(hops, tmp_path_factory) -> Iterator[str]:
    settings = dataclasses.replace(settings_for(f"sqlite:///{tmp_path_factory.mktemp('db') / 'links.sqlite3'}"),
                                   trusted_proxy_count=hops)
    with serving(create_app(settings)) as url:
        yield url


def receipt_of(api: str, procedure_id: str = "tim-kiem-viec-lam") -> dict:
    reply = submit(api, procedure_id, CATALOGUE[procedure_id].examples[0], REDIRECTING)
    assert reply.status == 201, reply.text
    return reply.json["receipt"]


def qr_code_of(pdf: bytes, tmp_path) -> str:
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "receipt.pdf"), str(tmp_path / "qr")], check=True)
    return subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True, check=True).stdout.strip()


def test_a_receipts_qr_code_and_printed_link_point_at_the_public_site_whatever_the_request_says(api, tmp_path):
    receipt = receipt_of(api)
    reply = call(api, "GET", f"/api/receipts/{receipt['id']}.pdf", headers=REDIRECTING)
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/pdf"
    link = f"{PUBLIC_BASE_URL}/xac-minh/{receipt['id']}?signature={receipt['signature']}"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.body)).pages)
    assert link in text.replace("\n", "") and EVIL not in text and "127.0.0.1" not in text
    assert qr_code_of(reply.body, tmp_path) == link


def test_unset_locally_links_point_at_the_local_run_never_at_the_requests_host(tmp_path):
    settings = settings_for(f"sqlite:///{tmp_path / 'local.sqlite3'}")
    local = dataclasses.replace(settings, public_base_url=Settings.__dataclass_fields__["public_base_url"].default)
    with serving(create_app(local)) as url:
        receipt = receipt_of(url)
        pdf = call(url, "GET", f"/api/receipts/{receipt['id']}.pdf", headers=REDIRECTING).body
    assert qr_code_of(pdf, tmp_path) == f"{LOCAL_BASE_URL}/xac-minh/{receipt['id']}?signature={receipt['signature']}"


def test_no_page_or_calendar_file_names_the_requests_host(api):
    receipt = receipt_of(api)
    example = CATALOGUE["tim-kiem-viec-lam"].examples[0]
    redirected = call(api, "POST", "/api/procedures/tim-kiem-viec-lam/submissions", form_pairs_body(example),
                      headers=REDIRECTING, content_type="application/x-www-form-urlencoded", follow_redirects=False)
    assert redirected.status == 303
    replies = [
        redirected,
        call(api, "GET", redirected.headers["Location"], headers={**REDIRECTING, "Accept": "text/html"}),
        call(api, "GET", f"/api/receipts/{receipt['id']}", headers={**REDIRECTING, "Accept": "text/html"}),
        call(api, "GET", f"/api/receipts/{receipt['id']}", headers=REDIRECTING),
        call(api, "GET", f"/xac-minh/{receipt['id']}?signature={receipt['signature']}", headers=REDIRECTING),
        call(api, "GET", "/api/notification-schedule?start=2026-03-10&months=3", headers={**REDIRECTING, "Accept": "text/html"}),
        call(api, "GET", "/api/receipts?id=0000", headers={**REDIRECTING, "Accept": "text/html"}),
    ]
    for reply in replies:
        assert EVIL not in reply.text and "/evil" not in reply.text
        assert reply.headers.get("Location") is None or reply.headers["Location"].startswith("/")
    calendar = call(api, "GET", "/api/notification-calendar?start=2026-03-10&months=2", headers=REDIRECTING).text
    assert EVIL not in calendar
    assert f"URL:{PUBLIC_BASE_URL}/bieu-mau/tim-kiem-viec-lam/" in calendar


def form_pairs_body(answers: dict) -> bytes:
    return urllib.parse.urlencode(form_pairs(answers, "vi")).encode()


def test_a_forwarded_address_is_believed_only_from_a_configured_proxy(api, hops):
    receipt = receipt_of(api, "cham-dut")
    office = {"Authorization": f"Bearer {HANOI_TOKEN}"}
    call(api, "GET", f"/api/office/submissions/{receipt['id']}", headers={**office, "X-Forwarded-For": "203.0.113.7"})
    audit = call(api, "GET", f"/api/office/audit?receipt={receipt['id']}", headers=office).json
    assert audit[0]["address"] == ("203.0.113.7" if hops else "127.0.0.1")


def test_deployed_without_a_public_base_url_the_function_does_not_start(monkeypatch):
    monkeypatch.setenv("K_SERVICE", "bhtn-submit")
    monkeypatch.setenv("RECEIPT_KEY", "k" * 40)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is not set"):
        load_settings()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bhtn.example.gov.vn/")
    assert load_settings().public_base_url == "https://bhtn.example.gov.vn"


@pytest.mark.parametrize("url", ["bhtn.example.gov.vn", "javascript:alert(1)", "ftp://bhtn.example", "https://",
                                 "https://bhtn.example/?next=x", "https://bhtn.example/#x", "https://user@evil.example"])
def test_a_public_base_url_that_is_not_a_sites_address_is_refused(monkeypatch, url):
    monkeypatch.setenv("PUBLIC_BASE_URL", url)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be"):
        load_settings()


@pytest.mark.parametrize("count", ["-1", "two", "6", "¹"])
def test_a_trusted_proxy_count_must_be_a_small_number(monkeypatch, count):
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", count)
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT"):
        load_settings()
