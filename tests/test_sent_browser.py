"""Nothing lost, nothing doubled, with JavaScript (issue 18 item 5), in real Chromium at 360 px:
the last receipt is remembered on the device, Back/Forward never offers a sent form as unsent,
a shared phone can be cleared, and "check your answers" reads like the paper form."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from submit_fn.model.procedures import load_catalogue
from tests import test_forms_browser
from tests.test_forms_browser import PHONE, fill, send

phone = test_forms_browser.phone  # the fixture: a page at 360 px
CATALOGUE = load_catalogue()


def sent(page: Page, procedure_id: str, lang: str = "") -> str:
    """Fill the form with its first example and send it; the receipt id."""
    page.goto(f"{lang}/bieu-mau/{procedure_id}/")
    fill(page, CATALOGUE[procedure_id].examples[0])
    send(page)
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=15_000)
    return receipt.get_attribute("data-receipt-id")


def test_a_worker_who_comes_back_is_told_when_the_form_was_sent_and_its_receipt(phone: Page):
    receipt_id = sent(phone, "cham-dut")
    phone.goto("/bieu-mau/cham-dut/")
    note = phone.locator(".bhtn-sent")
    expect(note).to_have_text(
        re.compile(rf"^Bạn đã gửi hồ sơ này lúc .+, mã biên nhận {receipt_id}\. Tra cứu hồ sơ$")
    )
    assert note.get_by_role("link").get_attribute("href") == "/tra-cuu/"
    expect(phone.locator("#f-full_name")).to_have_value("")  # a new filing starts empty
    expect(phone.locator("form[data-procedure]")).to_be_visible()


def test_the_english_form_says_it_in_english(phone: Page):
    receipt_id = sent(phone, "tiep-tuc", "/en")
    phone.goto("/en/bieu-mau/tiep-tuc/")
    expect(phone.locator(".bhtn-sent")).to_contain_text("You sent this form on ")
    expect(phone.locator(".bhtn-sent")).to_contain_text(f"receipt code {receipt_id}.")
    assert phone.locator(".bhtn-sent a").get_attribute("href") == "/en/tra-cuu/"


def test_back_after_sending_shows_the_receipt_not_the_form(phone: Page):
    receipt_id = sent(phone, "tiep-tuc")
    phone.locator("[data-receipt-id]").get_by_role("link", name="Tra cứu hồ sơ").click()
    phone.wait_for_url("**/tra-cuu/")
    phone.go_back()
    receipt = phone.locator("[data-receipt-id]")
    if receipt.count() and receipt.is_visible():  # from the back/forward cache: the page as it was left
        expect(receipt).to_have_attribute("data-receipt-id", receipt_id)
        expect(phone.locator("form[data-procedure]")).to_be_hidden()
    else:  # loaded again: an empty form, and the note saying it was sent
        expect(phone.locator(".bhtn-sent")).to_contain_text(receipt_id)
        expect(phone.locator("#f-full_name")).to_have_value("")


def test_a_filled_form_left_in_history_and_sent_from_another_tab_comes_back_as_sent(
    browser: Browser, site_url: str
):
    """The worker fills the form, opens the guidance, sends from a second tab, then presses Back in
    the first: the page restored from the back/forward cache must not offer the answers as unsent."""
    context = browser.new_context(viewport=PHONE, base_url=site_url)
    first = context.new_page()
    first.goto("/bieu-mau/tiep-tuc/")
    first.evaluate("window.addEventListener('pageshow', e => { window.restoredFromCache = e.persisted; })")
    fill(first, CATALOGUE["tiep-tuc"].examples[0])
    first.get_by_role("link", name="Đọc hướng dẫn").first.click()
    first.wait_for_url("**/thu-tuc/tiep-tuc/")
    second = context.new_page()
    second.goto("/bieu-mau/tiep-tuc/")
    expect(second.locator("#f-full_name")).to_have_value(
        CATALOGUE["tiep-tuc"].examples[0]["full_name"]
    )  # the draft
    send(second)
    receipt_id = second.locator("[data-receipt-id]").get_attribute("data-receipt-id", timeout=15_000)
    first.go_back()
    if first.evaluate("window.restoredFromCache === true"):
        expect(first.locator("[data-receipt-id]")).to_have_attribute("data-receipt-id", receipt_id)
        expect(first.locator("form[data-procedure]")).to_be_hidden()
    else:
        expect(first.locator(".bhtn-sent")).to_contain_text(receipt_id)
        expect(first.locator("#f-full_name")).to_have_value("")
    context.close()


def test_clear_my_answers_asks_first_then_leaves_nothing_on_the_device(phone: Page):
    sent(phone, "cham-dut")
    phone.goto("/bieu-mau/cham-dut/")
    phone.fill("#f-full_name", "Trần Văn Nam")
    phone.select_option("#f-centre_province", "79")
    clear = phone.get_by_role("button", name="Xoá câu trả lời trên máy này")
    asked = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    clear.click()
    expect(phone.locator("#f-full_name")).to_have_value("Trần Văn Nam")  # dismissed: nothing cleared
    assert "Không thể hoàn tác" in asked[0]
    phone.once("dialog", lambda dialog: dialog.accept())
    clear.click()
    expect(phone.locator(".bhtn-status")).to_have_text("Đã xoá câu trả lời khỏi máy này.")
    expect(phone.locator("#f-full_name")).to_have_value("")
    expect(phone.locator(".bhtn-sent")).to_be_hidden()
    assert phone.evaluate("localStorage.getItem('bhtn:cham-dut')") is None
    phone.reload()
    expect(phone.locator("#f-full_name")).to_have_value("")
    expect(phone.locator("#f-centre_province")).to_have_value("")
    expect(phone.locator(".bhtn-sent")).to_be_hidden()  # the receipt is forgotten too
    expect(phone.locator(".bhtn-status")).to_be_empty()


def test_check_your_answers_writes_dates_as_on_paper_names_each_address_and_the_declaration_once(phone: Page):
    procedure = CATALOGUE["huong-tro-cap"]
    current = {"province": "79", "ward": "26743", "street": "Số 5 đường Lê Lợi"}
    answers = {**procedure.examples[0], "current_address": current}
    phone.goto("/bieu-mau/huong-tro-cap/")
    fill(phone, answers)
    phone.click("button[type=submit]")
    review = phone.locator(".bhtn-review")
    expect(review).to_be_visible()
    text = review.inner_text()
    year, month, day = answers["birth_date"].split("-")
    assert f"{day}/{month}/{year}" in text and answers["birth_date"] not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for block, street in (
        ("permanent_address", answers["permanent_address"]["street"]),
        ("current_address", current["street"]),
    ):
        heading = review.get_by_role("heading", name=procedure.field_at(f"/{block}").label["vi"], exact=True)
        expect(heading).to_be_visible()
        expect(heading.locator("xpath=following-sibling::dl[1]")).to_contain_text(street)
    declaration = procedure.field_at("/declaration").label["vi"]
    assert text.count(declaration) == 1
    expect(review.locator("dd", has_text="Đã đánh dấu")).to_have_count(1)
