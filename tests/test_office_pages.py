"""The office pages over real HTTP, as a browser without JavaScript and as an attacker would use them:
sessions, CSRF, lock-outs, provinces on every page route, escaping, CSV cells, and what reaches the logs."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from submit_fn.office.access import ADDRESS_FAILURES_LOCK, IDLE_MINUTES, hash_password, now, stamp
from submit_fn.office.export import csv_text, safe_cell
from submit_fn.service.api import create_app
from submit_fn.service.storage import Storage
from tests.servers import HANOI_TOKEN, SAIGON_TOKEN, serving, settings_for
from tests.test_api import CATALOGUE, call, submit

PASSWORD = "correct horse battery staple"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    headers: object
    text: str

    def field(self, name: str) -> str:
        return re.search(rf'name="{name}" value="([^"]*)"', self.text).group(1)


class Desk:
    """One browser: its own cookies, no JavaScript, redirects shown rather than followed."""

    def __init__(self, base: str) -> None:
        self.base, self.cookies = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def open(self, path: str, fields: dict | None = None) -> Page:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=30) as response:
                return Page(response.status, response.headers, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Page(error.code, error.headers, error.read().decode("utf-8", "replace"))

    def sign_in(self, name: str, password: str = PASSWORD) -> Page:
        form = self.open("/office/sign-in")
        return self.open("/office/sign-in", {"_csrf": form.field("_csrf"), "account": name, "password": password, "next": "/office/"})

    def csrf(self) -> str:
        return self.open("/office/").field("_csrf")


def _office(tmp_path_factory) -> Iterator[tuple[str, Storage]]:
    app = create_app(settings_for(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.sqlite3'}"))
    storage = app.extensions["bhtn"]["storage"]
    for name, provinces in (("hanoi", frozenset({"01"})), ("saigon", frozenset({"79"}))):
        storage.add_account(name, hash_password(PASSWORD), provinces, stamp(now()))
    with serving(app) as url:
        yield url, storage


office = pytest.fixture(scope="module")(_office)
own_office = pytest.fixture(_office)  # for a test that locks its address out


def filed(base: str, province: str = "01", procedure_id: str = "huong-tro-cap", **changes) -> str:
    reply = submit(base, procedure_id, {**CATALOGUE[procedure_id].examples[0], "centre_province": province, **changes})
    assert reply.status == 201, reply.text
    return reply.json["receipt"]["id"]


def test_every_office_page_answers_another_centres_filing_with_a_404_and_changes_nothing(office):
    base, _ = office
    receipt_id = filed(base, "01")
    desk = Desk(base)
    assert desk.sign_in("saigon").status == 303
    token = desk.csrf()
    for path, fields in (
        (f"/office/submissions/{receipt_id}", None),
        (f"/office/submissions/{receipt_id}.pdf", None),
        (f"/office/submissions/{receipt_id}/documents/1", None),
        (f"/office/submissions/{receipt_id}/status", {"_csrf": token, "status": "accepted", "note": ""}),
    ):
        page = desk.open(path, fields)
        assert page.status == 404 and "Không tìm thấy giấy biên nhận" in page.text, path
    assert desk.open("/office/search", {"_csrf": token, "q": receipt_id}).status == 303  # to its page, which is a 404
    found = desk.open("/office/search", {"_csrf": token, "q": CATALOGUE["huong-tro-cap"].examples[0]["citizen_id"]})
    assert receipt_id not in found.text
    assert receipt_id not in desk.open("/office/?limit=200").text and receipt_id not in desk.open("/office/export.csv").text
    assert "tỉnh khác" in desk.open(f"/office/verify?q={receipt_id}").text
    assert call(base, "GET", f"/api/receipts/{receipt_id}").json["receipt"]["status"] == "received"


def test_pages_need_a_session_and_a_change_needs_its_csrf_token(office):
    base, _ = office
    receipt_id = filed(base)
    stranger = Desk(base)
    assert stranger.open("/office/").status == 303
    assert stranger.open(f"/office/submissions/{receipt_id}").headers["Location"].startswith("/office/sign-in?next=")
    assert stranger.open(f"/office/submissions/{receipt_id}/status", {"status": "withdrawn"}).status == 403
    desk = Desk(base)
    desk.sign_in("hanoi")
    for token in ("", "forged", desk.csrf()[:-1]):
        refused = desk.open(f"/office/submissions/{receipt_id}/status", {"_csrf": token, "status": "withdrawn", "note": ""})
        assert refused.status == 403 and "Yêu cầu bị từ chối" in refused.text
    assert call(base, "GET", f"/api/receipts/{receipt_id}").json["receipt"]["status"] == "received"
    no_form_cookie = Desk(base)
    assert no_form_cookie.open("/office/sign-in", {"_csrf": "x", "account": "hanoi", "password": PASSWORD}).status == 403


def test_sign_in_goes_back_to_office_pages_only(office):
    base, _ = office
    desk = Desk(base)
    form = desk.open("/office/sign-in")
    for target in ("https://evil.example/", "//evil.example/office/", "/office//evil.example", "/api/office/audit"):
        desk.cookies.clear()
        form = desk.open("/office/sign-in?" + urllib.parse.urlencode({"next": target}))
        answer = desk.open("/office/sign-in", {"_csrf": form.field("_csrf"), "account": "hanoi", "password": PASSWORD, "next": target})
        assert answer.headers["Location"] == "/office/", target
    assert desk.open("/office/language?to=en&next=https://evil.example/").headers["Location"] == "/office/"


def test_a_session_idle_too_long_has_ended(office):
    base, storage = office
    desk = Desk(base)
    desk.sign_in("hanoi")
    assert desk.open("/office/").status == 200
    long_ago = stamp(now().replace(microsecond=0) - __import__("datetime").timedelta(minutes=IDLE_MINUTES + 1))
    storage._run([("UPDATE office_sessions SET seen_at = ? WHERE account = ?", (long_ago, "hanoi"))])
    assert desk.open("/office/").status == 303


def test_many_wrong_sign_ins_from_one_address_lock_it_out_whatever_the_account(own_office):
    base, _ = own_office
    desk = Desk(base)
    for attempt in range(ADDRESS_FAILURES_LOCK):
        assert desk.sign_in(f"guess-{attempt}", "wrong").status == 401
    locked = desk.sign_in("hanoi")
    assert locked.status == 429 and "quá nhiều lần" in locked.text


def test_the_centres_note_is_shown_as_text_on_the_receipt_page_the_office_page_and_xac_minh(office):
    base, _ = office
    receipt_id = filed(base)
    changed = call(base, "POST", f"/api/office/submissions/{receipt_id}/status", {"status": "needs_documents", "note": HOSTILE},
                   headers={"Authorization": f"Bearer {HANOI_TOKEN}"})
    assert changed.status == 200
    page = call(base, "GET", f"/api/receipts/{receipt_id}", headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    desk = Desk(base)
    desk.sign_in("hanoi")
    office_page = desk.open(f"/office/submissions/{receipt_id}")
    signature = call(base, "GET", f"/api/receipts/{receipt_id}").json["receipt"]["signature"]
    hostile_id = desk.open("/office/verify?" + urllib.parse.urlencode({"q": HOSTILE}))
    verify = call(base, "GET", f"/xac-minh/{urllib.parse.quote(HOSTILE)}?signature={urllib.parse.quote(HOSTILE)}")
    look_up = call(base, "GET", "/api/receipts?" + urllib.parse.urlencode({"id": HOSTILE}), headers={"Accept": "text/html"})
    for text in (page.text, office_page.text, hostile_id.text, verify.text, look_up.text):
        assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "&lt;script&gt;" in office_page.text
    assert look_up.status == 404 and 'name="id"' in look_up.text
    assert "Biên nhận thật" in call(base, "GET", f"/xac-minh/{receipt_id}?signature={signature}").text


def test_exported_cells_that_a_spreadsheet_would_run_are_quoted():
    assert [safe_cell(v) for v in ("=1+1", "+84905", "-2", "@SUM(A1)", "\tx", "Hà Nội", None, 12)] == [
        "'=1+1", "'+84905", "'-2", "'@SUM(A1)", "'\tx", "Hà Nội", "", "12"]


def test_the_csv_export_is_utf8_with_a_bom_and_quotes_formulas_typed_by_workers(office):
    base, _ = office
    receipt_id = filed(base, "01", "tim-kiem-viec-lam", full_name="=HYPERLINK(\"http://evil.example\")")
    desk = Desk(base)
    desk.sign_in("hanoi")
    raw = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(desk.cookies)).open(base + "/office/export.csv?procedure=tim-kiem-viec-lam").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {row[0]: row for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))}
    assert rows[receipt_id][-1] == "'=HYPERLINK(\"http://evil.example\")"
    log = call(base, "GET", "/api/office/audit", headers={"Authorization": f"Bearer {HANOI_TOKEN}"}).json
    assert log[0]["action"] == "export" and log[0]["actor"] == "hanoi" and log[0]["detail"] == "procedure=tim-kiem-viec-lam"
    assert csv_text([], None, "en").startswith("Receipt,")


def test_an_export_by_a_two_province_account_is_in_each_centres_audit_view(office):
    base, storage = office
    storage.add_account("hanoi.saigon", hash_password(PASSWORD), frozenset({"01", "79"}), stamp(now()))
    desk = Desk(base)
    desk.sign_in("hanoi.saigon")
    assert desk.open("/office/export.csv?status=received").status == 200
    for token in (HANOI_TOKEN, SAIGON_TOKEN):
        log = call(base, "GET", "/api/office/audit", headers={"Authorization": f"Bearer {token}"}).json
        assert ("export", "hanoi.saigon", "status=received") in [(e["action"], e["actor"], e["detail"]) for e in log], token


def test_an_export_too_long_for_one_file_says_so_instead_of_stopping_short(office, monkeypatch):
    import submit_fn.office.pages

    base, _ = office
    filed(base, "01")
    filed(base, "01")
    monkeypatch.setattr(submit_fn.office.pages, "EXPORT_LIMIT", 1)
    desk = Desk(base)
    desk.sign_in("hanoi")
    refused = desk.open("/office/export.csv")
    assert refused.status == 422 and "Có hơn 1 hồ sơ khớp với bộ lọc" in refused.text and "thu hẹp khoảng ngày" in refused.text


def test_a_citizen_id_searched_for_never_reaches_the_log(office, caplog):
    base, _ = office
    citizen_id = "079123456789"
    receipt_id = filed(base, "01", "cham-dut", citizen_id=citizen_id)
    desk = Desk(base)
    desk.sign_in("hanoi")
    with caplog.at_level(logging.INFO):
        found = desk.open("/office/search", {"_csrf": desk.csrf(), "q": "079 1234 56789"})
    assert receipt_id in found.text
    assert citizen_id not in caplog.text and "1234" not in caplog.text


def test_the_department_sees_every_province_and_the_page_says_so(office):
    base, storage = office
    storage.add_account("so-noi-vu", hash_password(PASSWORD), None, stamp(now()))
    hanoi, saigon = filed(base, "01"), filed(base, "79")
    desk = Desk(base)
    desk.sign_in("so-noi-vu")
    queue = desk.open("/office/?limit=200")
    assert "mọi tỉnh, thành phố" in queue.text and "thấy hồ sơ của mọi tỉnh" in queue.text
    assert desk.open(f"/office/submissions/{hanoi}").status == 200 and desk.open(f"/office/submissions/{saigon}").status == 200


def test_a_filings_page_lists_its_papers_and_opens_each_as_an_audited_download(office):
    from tests.test_documents import multi_page_pdf, send

    base, _ = office
    receipt_id = send(base, [("quyet-dinh.pdf", multi_page_pdf(2), "application/pdf")]).json["receipt"]["id"]
    desk = Desk(base)
    assert desk.sign_in("hanoi").status == 303
    listed = desk.open(f"/office/submissions/{receipt_id}")
    link = f'href="/office/submissions/{receipt_id}/documents/1" download'
    assert link in listed.text and "Giấy tờ xác nhận đã chấm dứt hợp đồng hoặc chấm dứt làm việc</a>" in listed.text
    assert "tệp PDF, 2 trang" in listed.text
    opened = desk.open(f"/office/submissions/{receipt_id}/documents/1")
    assert opened.status == 200 and opened.headers["Content-Type"] == "application/pdf"
    assert opened.headers["Content-Disposition"].startswith("attachment;") and opened.headers["X-Content-Type-Options"] == "nosniff"
    assert desk.open(f"/office/submissions/{receipt_id}/documents/2").status == 404
    assert "Xem giấy tờ kèm theo (1)" in desk.open(f"/office/submissions/{receipt_id}").text
    stranger = Desk(base)  # the receipt id alone opens nothing
    assert stranger.open(f"/office/submissions/{receipt_id}/documents/1").status == 303
