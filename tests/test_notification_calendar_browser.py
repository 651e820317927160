"""The notification schedule in real Chromium, as a worker on a phone uses it: without JavaScript
from the site's form to the printed page and the calendar file, and on the receipt of a notification."""

from __future__ import annotations

import re
import subprocess

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from submit_fn.model.procedures import load_catalogue
from tests.conftest import OUTPUT
from tests.test_forms_browser import PHONE, fill, send


@pytest.fixture
def no_script(browser: Browser, site_url: str) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=site_url, java_script_enabled=False, accept_downloads=True)
    yield context.new_page()
    context.close()


def ask_schedule(page: Page, start: str, months: str, returned: str = "") -> None:
    page.fill("#s-start", start)
    page.fill("#s-months", months)
    if returned:
        page.fill("#s-returned", returned)
    page.click(".bhtn-schedule-form button[type=submit]")


def test_without_javascript_the_guidance_page_leads_to_a_schedule_that_prints_on_one_a4_page(no_script: Page, tmp_path):
    no_script.goto("/thu-tuc/tim-kiem-viec-lam/")
    no_script.get_by_role("link", name=re.compile("Xem lịch thông báo hằng tháng")).first.click()
    expect(no_script).to_have_url(re.compile(r"/lich-thong-bao/$"))
    ask_schedule(no_script, "2026-02-10", "12", "2026-02-12")
    rows = no_script.locator("table.windows tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.nth(0).locator("td.closes")).to_have_text("thứ Hai, 23/02/2026")  # after Tết
    assert "<script" not in no_script.content() and not no_script.locator("[style]").count()
    no_script.screenshot(path=str(OUTPUT / "screens" / "lich-thong-bao-360.png"), full_page=True)

    with no_script.expect_download() as download:
        no_script.click("a.calendar-file")
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    assert len(calendar.walk("VEVENT")) == 12 == len(calendar.walk("VALARM"))

    no_script.emulate_media(media="print")
    printed = tmp_path / "lich.pdf"
    no_script.pdf(path=str(printed), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    text = subprocess.run(["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "23/02/2026" in text and "Tính lại lịch" not in text and "Xem lịch thông báo" not in text


def test_values_the_function_refuses_show_the_form_again_with_each_message_beside_its_field(no_script: Page):
    """An old phone's browser may not check a date input: the function does, in the worker's words."""
    no_script.goto("/api/notification-schedule?start=30/02/2026&months=13&lang=en")
    summary = no_script.get_by_role("alert")
    expect(summary).to_contain_text("The first day of benefit must be a real date")
    expect(no_script.locator("#s-months-error")).to_have_text("The months of benefit must be a whole number from 1 to 12.")
    expect(no_script.locator("#s-months")).to_have_value("13")
    summary.get_by_role("link", name=re.compile("months of benefit")).click()
    expect(no_script).to_have_url(re.compile("#s-months$"))


def test_after_a_notification_is_sent_the_receipt_offers_the_next_window(browser: Browser, site_url: str):
    context = browser.new_context(viewport=PHONE, base_url=site_url)
    page = context.new_page()
    page.goto("/bieu-mau/tim-kiem-viec-lam/")
    example = load_catalogue()["tim-kiem-viec-lam"].examples[0]  # month 2 of 3, benefit from 13 March 2026
    fill(page, example)
    send(page)
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible()
    expect(receipt.locator(".next-notification")).to_contain_text(
        "Tháng hưởng thứ 3: thông báo từ thứ Tư, 13/05/2026 đến hết thứ Sáu, 15/05/2026.")
    receipt.locator(".next-notification a").click()
    expect(page.locator("table.windows tbody tr")).to_have_count(3)
    context.close()
