"""The office pages in Chromium over the one-origin server (site + function), as centre staff use
them at a desk: sign in, find, print, answer; the worker sees the answer in tra-cuu/."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from submit_fn.model.lifecycle import default_appointment
from submit_fn.model.procedures import today_in_vietnam
from submit_fn.office.access import ACCOUNT_FAILURES_LOCK
from tests.conftest import ROOT
from tests.servers import serving, settings_for
from tests.test_accessibility import violations
from tests.test_forms_browser import CATALOGUE, fill, send

PASSWORDS = {"hanoi": "mật khẩu của Hà Nội 2026", "saigon": "mat khau cua Sai Gon 2026", "so-noi-vu": "Department password 2026",
             "locked-out": "the test locks this one out"}
DESK = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def office_url(built_site: Path, tmp_path_factory) -> Iterator[str]:
    """The README's way: the built site and the function on one origin, and accounts made with the
    operator's command (password on standard input) in the function's database."""
    from sitegen.local_server import one_origin_app
    from submit_fn.service.api import create_app

    database = f"sqlite:///{tmp_path_factory.mktemp('office') / 'office.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": database}
    accounts = (("hanoi", ["--province", "01"]), ("saigon", ["--province", "79"]), ("so-noi-vu", ["--all-provinces"]),
                ("locked-out", ["--province", "79"]))
    for name, provinces in accounts:
        subprocess.run([sys.executable, "-m", "submit_fn.office", "add-account", name, *provinces], input=PASSWORDS[name] + "\n",
                       env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=60)
    with serving(one_origin_app(built_site, create_app(settings_for(database)))) as url:
        yield url


@pytest.fixture
def desk(browser: Browser, office_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=DESK, base_url=office_url, accept_downloads=True)
    yield context.new_page()
    context.close()


def sign_in(page: Page, name: str, password: str | None = None) -> None:
    page.goto("/office/")
    expect(page).to_have_url(re.compile(r"/office/sign-in"))
    page.fill("#account", name)
    page.fill("#password", PASSWORDS[name] if password is None else password)
    page.click("form[action='/office/sign-in'] button[type=submit]")


def worker_files(page: Page, procedure_id: str = "huong-tro-cap", province: str = "01") -> str:
    """A worker fills the form page and sends it; the receipt id shown."""
    page.goto(f"/bieu-mau/{procedure_id}/")
    fill(page, {**CATALOGUE[procedure_id].examples[0], "centre_province": province})
    send(page)
    box = page.locator("[data-receipt-id]")
    expect(box).to_be_visible(timeout=15_000)
    return box.get_attribute("data-receipt-id")


def test_a_centre_finds_prints_and_accepts_a_filing_and_the_worker_sees_it_in_tra_cuu(desk: Page, browser: Browser, office_url: str):
    """Issue 16's "Done when", end to end."""
    worker = browser.new_context(viewport={"width": 360, "height": 780}, base_url=office_url).new_page()
    receipt_id = worker_files(worker)
    expect(worker.locator("[data-receipt-id]")).to_contain_text("Trung tâm Dịch vụ việc làm Thành phố Hà Nội")

    sign_in(desk, "hanoi")
    expect(desk.locator(".who")).to_contain_text("Trung tâm Dịch vụ việc làm Thành phố Hà Nội")
    row = desk.locator(f"tr[data-receipt='{receipt_id}']")
    expect(row).to_contain_text(CATALOGUE["huong-tro-cap"].examples[0]["full_name"])
    row.locator("a").click()
    expect(desk.locator("h1")).to_contain_text(receipt_id)
    expect(desk.locator("[data-pointer='/citizen_id'] dd")).to_have_text(CATALOGUE["huong-tro-cap"].examples[0]["citizen_id"])

    with desk.context.expect_event("response", lambda r: r.url.endswith(f"{receipt_id}.pdf")) as printed:
        desk.click("text=In bản PDF đã điền")  # opens in a new tab, to print from the PDF viewer
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"

    appointment = default_appointment(CATALOGUE["huong-tro-cap"], today_in_vietnam()).isoformat()
    expect(desk.locator("#appointment_date")).to_have_value(appointment)
    desk.check("#status-accepted")
    desk.click("text=Lưu trạng thái")
    expect(desk.locator("[role=status]")).to_contain_text("Đã lưu trạng thái mới")
    expect(desk.locator("[data-status]").first).to_have_attribute("data-status", "accepted")
    expect(desk.locator("table.audit")).to_contain_text("Đổi trạng thái")

    worker.goto("/tra-cuu/")
    worker.fill("#receipt-id", receipt_id.lower().replace("-", " "))
    worker.click("form.bhtn-lookup button[type=submit]")
    expect(worker.locator(".standing")).to_have_attribute("data-status", "accepted")
    expect(worker.locator(".standing")).to_contain_text("đã tiếp nhận")
    expect(worker.locator("[data-appointment]")).to_have_text(appointment)
    worker.context.close()


def test_the_queue_filters_counts_and_exports_what_it_shows(desk: Page):
    receipt_id = worker_files(desk, "chuyen-noi-huong", "01")
    sign_in(desk, "hanoi")
    desk.select_option("#procedure", "chuyen-noi-huong")
    desk.select_option("#status", "received")
    desk.click("form.filters button[type=submit]")
    expect(desk).to_have_url(re.compile(r"procedure=chuyen-noi-huong"))
    rows = desk.locator("table.queue tbody tr")
    expect(rows.first).to_be_visible()
    assert all(row.get_attribute("data-receipt") for row in rows.all())
    expect(desk.locator(f"tr[data-receipt='{receipt_id}']")).to_be_visible()
    expect(desk.locator("[data-count=received]")).to_have_text(str(rows.count()))
    with desk.expect_download() as download:
        desk.click("text=Tải danh sách đã lọc (CSV)")
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][0] == "Mã biên nhận" and receipt_id in [line[0] for line in table[1:]]
    assert {line[1] for line in table[1:]} == {"chuyen-noi-huong"}


def test_a_citizen_id_search_finds_the_filing_without_putting_the_number_in_any_address(desk: Page):
    citizen_id = CATALOGUE["tiep-tuc"].examples[0]["citizen_id"]
    receipt_id = worker_files(desk, "tiep-tuc", "01")
    sign_in(desk, "hanoi")
    addresses: list[str] = []
    desk.on("request", lambda request: addresses.append(request.url))
    desk.fill("#q", citizen_id)
    desk.click("form.search button[type=submit]")
    expect(desk.locator(f"tr[data-receipt='{receipt_id}']")).to_be_visible()
    assert not any(citizen_id in address for address in addresses) and citizen_id not in desk.url
    desk.goto("/office/")
    desk.fill("#q", receipt_id)
    desk.press("#q", "Enter")
    expect(desk).to_have_url(re.compile(f"/office/submissions/{receipt_id}$"))


def test_another_centre_cannot_see_the_filing_anywhere(desk: Page):
    receipt_id = worker_files(desk, "cham-dut", "01")
    sign_in(desk, "saigon")
    expect(desk.locator(f"tr[data-receipt='{receipt_id}']")).to_have_count(0)
    for path in (f"/office/submissions/{receipt_id}", f"/office/submissions/{receipt_id}.pdf"):
        response = desk.goto(path)
        assert response.status == 404 and "Không tìm thấy giấy biên nhận" in desk.content()
    desk.goto(f"/office/verify?q={receipt_id}")
    expect(desk.locator(".result")).to_contain_text("tỉnh khác")
    with desk.expect_download() as download:
        desk.goto("/office/")
        desk.click("text=Tải danh sách đã lọc (CSV)")
    assert receipt_id not in Path(download.value.path()).read_text(encoding="utf-8-sig")
    desk.goto("/office/")
    desk.fill("#q", receipt_id)
    desk.click("form.search button[type=submit]")
    assert "Không tìm thấy giấy biên nhận" in desk.content()
    desk.click("text=Đăng xuất")
    sign_in(desk, "so-noi-vu")
    expect(desk.locator(".department")).to_be_visible()
    desk.goto(f"/office/submissions/{receipt_id}")
    expect(desk.locator("h1")).to_contain_text(receipt_id)


def test_a_wrong_password_tried_again_and_again_locks_the_account_even_for_the_right_one(desk: Page):
    for _ in range(ACCOUNT_FAILURES_LOCK):
        sign_in(desk, "locked-out", "wrong password")
        expect(desk.locator("[role=alert]")).to_contain_text("không đúng")
    sign_in(desk, "locked-out")
    expect(desk.locator("[role=alert]")).to_contain_text("quá nhiều lần")
    assert desk.goto("/office/").url.endswith("/office/sign-in?next=%2Foffice%2F")


def test_a_change_posted_without_the_sessions_csrf_token_is_refused(desk: Page):
    receipt_id = worker_files(desk, "tim-kiem-viec-lam", "01")
    sign_in(desk, "hanoi")
    desk.goto(f"/office/submissions/{receipt_id}")
    desk.evaluate("""() => { const token = document.querySelector("form[action$='/status'] [name=_csrf]"); token.value = "forged"; }""")
    desk.check("#status-withdrawn")
    desk.click("text=Lưu trạng thái")
    expect(desk.locator("[role=alert]")).to_contain_text("Yêu cầu bị từ chối")
    desk.goto(f"/office/submissions/{receipt_id}")
    expect(desk.locator("[data-status]").first).to_have_attribute("data-status", "received")


def test_the_session_cookie_is_http_only_strict_and_ends_at_sign_out(desk: Page):
    sign_in(desk, "hanoi")
    cookie = next(c for c in desk.context.cookies() if c["name"] == "bhtn_office")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/office" and cookie["expires"] == -1
    desk.click("text=Đăng xuất")
    desk.context.add_cookies([{**cookie}])  # the old cookie, kept by someone: the session is gone on the server
    desk.goto("/office/")
    expect(desk).to_have_url(re.compile(r"/office/sign-in"))


def test_a_scanned_receipt_qr_address_is_verified(desk: Page):
    receipt_id = worker_files(desk, "tim-kiem-viec-lam", "01")
    signature = desk.evaluate(f"fetch('/api/receipts/{receipt_id}').then(r => r.json()).then(b => b.receipt.signature)")
    sign_in(desk, "hanoi")
    desk.goto("/office/verify")
    desk.fill("#q", f"https://bhtn.example.gov.vn/xac-minh/{receipt_id}?signature={signature}")
    desk.press("#q", "Enter")  # a USB scanner types the address, then Enter
    expect(desk.locator("[data-verified]")).to_have_attribute("data-verified", "genuine")
    desk.fill("#q", f"https://bhtn.example.gov.vn/xac-minh/{receipt_id}?signature=AAAAAAAAAAAAAAAA")
    desk.press("#q", "Enter")
    expect(desk.locator("[data-verified]")).to_have_attribute("data-verified", "not_genuine")
    desk.goto(f"/xac-minh/{receipt_id}?signature={signature}")
    expect(desk.locator("[data-verified]")).to_contain_text("Trung tâm Dịch vụ việc làm Thành phố Hà Nội")
    desk.goto(f"/en/xac-minh/{receipt_id}?signature=AAAAAAAAAAAAAAAA")
    expect(desk.locator("[data-verified]")).to_contain_text("Not a genuine receipt")


def test_axe_finds_no_wcag_violation_on_any_office_page(desk: Page):
    receipt_id = worker_files(desk, "huong-tro-cap", "01")
    desk.goto("/office/sign-in")
    assert violations(desk) == []
    sign_in(desk, "hanoi", "wrong password")
    assert violations(desk) == [], "sign-in with an error"
    sign_in(desk, "hanoi")
    pages = ["/office/", f"/office/submissions/{receipt_id}", "/office/verify", f"/office/verify?q={receipt_id}", "/office/import",
             "/office/submissions/0000-0000-0000-0000", "/office/language?to=en&next=/office/", f"/office/submissions/{receipt_id}"]
    for path in pages:
        desk.goto(path)
        assert violations(desk) == [], path
    desk.goto("/office/language?to=vi&next=/office/")
    desk.fill("#q", CATALOGUE["huong-tro-cap"].examples[0]["citizen_id"])
    desk.click("form.search button[type=submit]")
    assert violations(desk) == [], "citizen ID search"
    desk.goto(f"/office/submissions/{receipt_id}")
    desk.check("#status-needs_documents")
    desk.click("text=Lưu trạng thái")  # no note: the error summary
    expect(desk.locator("[role=alert]")).to_contain_text("giấy tờ")
    assert violations(desk) == [], "status change refused"
    for path in (f"/xac-minh/{receipt_id}", f"/en/xac-minh/{receipt_id}?signature=AAAA"):
        desk.goto(path)
        assert violations(desk) == [], path


@pytest.mark.parametrize("lang", ["", "/en"])
def test_without_javascript_tra_cuu_says_where_the_filing_stands(browser: Browser, office_url: str, desk: Page, lang: str):
    receipt_id = worker_files(desk, "tiep-tuc", "79")
    sign_in(desk, "saigon")
    desk.goto(f"/office/submissions/{receipt_id}")
    desk.check("#status-needs_documents")
    desk.fill("#note", "Quyết định hưởng trợ cấp (bản sao)")
    desk.click("text=Lưu trạng thái")
    expect(desk.locator("[role=status]")).to_be_visible()
    worker = browser.new_context(java_script_enabled=False, base_url=office_url, viewport={"width": 360, "height": 780}).new_page()
    worker.goto(f"{lang}/tra-cuu/")
    worker.fill("#receipt-id", receipt_id[:-1] + ("0" if receipt_id[-1] != "0" else "1"))
    worker.click("form.bhtn-lookup button[type=submit]")
    expect(worker.locator("[role=alert]")).to_contain_text("gõ sai" if not lang else "mistyped")
    worker.fill("#receipt-id", receipt_id)
    worker.click("form button[type=submit]")
    expect(worker.locator(".standing")).to_have_attribute("data-status", "needs_documents")
    expect(worker.locator(".note")).to_have_text("Quyết định hưởng trợ cấp (bản sao)")
    expect(worker.locator("[data-centre]")).to_have_text("Trung tâm Dịch vụ việc làm Thành phố Hồ Chí Minh" if not lang
                                                         else "Employment Service Centre of Hồ Chí Minh City")
    worker.context.close()
