"""A PDF form filled in a PDF reader, sent from the form page in real Chromium, with and without JavaScript."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from submit_fn.model.procedures import load_catalogue
from tests.test_forms_browser import PHONE, SCREENS
from tests.test_pdf_forms import filled, pdf_values

CATALOGUE = load_catalogue()
PROCEDURE = CATALOGUE["tiep-tuc"]


def filled_file(built_site: Path, tmp_path: Path, answers: dict) -> Path:
    """The site's own blank PDF, filled with these answers as a PDF reader saves it."""
    path = tmp_path / "to-khai-da-dien.pdf"
    path.write_bytes(filled((built_site / "pdf" / f"{PROCEDURE.id}.pdf").read_bytes(), dict(pdf_values(PROCEDURE, answers))))
    return path


@pytest.fixture
def phone(browser: Browser, site_url: str):
    context = browser.new_context(viewport=PHONE, base_url=site_url)
    yield context.new_page()
    context.close()


def send_pdf(page: Page, path: Path) -> None:
    page.set_input_files("input[name=form_pdf]", str(path))
    page.click(".bhtn-pdf-upload button[type=submit]")


def test_the_form_page_offers_to_send_the_filled_pdf(phone: Page):
    phone.goto(f"/bieu-mau/{PROCEDURE.id}/")
    section = phone.locator(".bhtn-pdf-upload")
    expect(section.get_by_role("heading")).to_have_text("Đã điền bản PDF? Gửi tệp PDF")
    expect(section.locator("form[data-procedure]")).to_have_count(0)  # the page's one form stays the web form
    phone.goto(f"/en/bieu-mau/{PROCEDURE.id}/")
    expect(phone.locator(".bhtn-pdf-upload h2")).to_have_text("Filled in the PDF? Send the PDF file")


def test_a_filled_pdf_sent_from_the_page_shows_the_receipt(phone: Page, built_site, tmp_path):
    phone.goto(f"/bieu-mau/{PROCEDURE.id}/")
    send_pdf(phone, filled_file(built_site, tmp_path, PROCEDURE.examples[0]))
    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=20_000)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt.get_attribute("data-receipt-id"))
    expect(phone.locator(".bhtn-pdf-upload")).to_be_hidden()
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENS / "pdf-upload-receipt-360.png", full_page=True)


def test_a_pdf_with_mistakes_shows_them_beside_the_file_and_sends_nothing(phone: Page, built_site, tmp_path):
    wrong = copy.deepcopy(PROCEDURE.examples[0])
    wrong["citizen_id"] = "12345"
    phone.goto(f"/bieu-mau/{PROCEDURE.id}/")
    phone.click(".bhtn-pdf-upload button[type=submit]")
    expect(phone.locator(".bhtn-pdf-status")).to_have_text("Hãy chọn tệp PDF đã điền trước khi gửi.")
    send_pdf(phone, filled_file(built_site, tmp_path, wrong))
    status = phone.locator(".bhtn-pdf-status")
    expect(status).to_contain_text("Số định danh cá nhân", timeout=20_000)
    expect(status).to_contain_text("sửa những câu sau")
    expect(phone.locator("[data-receipt-id]")).to_have_count(0)


def test_without_javascript_the_pdf_file_is_posted_and_gets_an_html_receipt(browser: Browser, site_url, built_site, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=site_url)
    page = context.new_page()
    page.goto(f"/bieu-mau/{PROCEDURE.id}/")
    send_pdf(page, filled_file(built_site, tmp_path, PROCEDURE.examples[0]))
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=20_000)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt.get_attribute("data-receipt-id"))
    context.close()
