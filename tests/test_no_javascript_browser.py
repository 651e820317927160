"""Every form finished in Chromium with JavaScript off, on a 360 px phone, against the real function:
the ward chosen by name from the chosen province's list, every mistake listed at once with a link to
its question, the receipt reached by Post/Redirect/Get so that a reload files nothing twice."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from submit_fn.model.procedures import load_catalogue
from tests.conftest import worker_form_ids
from tests.servers import OFFICE_TOKEN
from tests.test_forms_browser import PHONE, fill, ward_name

CATALOGUE = load_catalogue()
OFFICE = {"Authorization": f"Bearer {OFFICE_TOKEN}"}


@pytest.fixture(scope="module")
def site(built_site, tmp_path_factory):
    """The site and a function with its own database, whose office token the test holds."""
    from sitegen.local_server import one_origin_app
    from submit_fn.service.api import create_app
    from tests.servers import serving, settings_for

    database = tmp_path_factory.mktemp("nojs") / "submissions.sqlite3"
    with serving(one_origin_app(built_site, create_app(settings_for(f"sqlite:///{database}")))) as url:
        yield url


@pytest.fixture
def phone(browser: Browser, site: str):
    context = browser.new_context(viewport=PHONE, base_url=site, java_script_enabled=False)
    yield context.new_page()
    context.close()


def stored_count(page: Page, procedure_id: str) -> int:
    listed = page.request.get(f"/api/office/submissions?procedure={procedure_id}&limit=200", headers=OFFICE)
    assert listed.ok, listed.text()
    return len(listed.json())


def test_a_worker_without_javascript_chooses_wards_by_name_fixes_every_mistake_and_files_once(phone: Page):
    procedure = CATALOGUE["huong-tro-cap"]
    example = procedure.examples[1]
    future = date(date.today().year + 3, 5, 6).isoformat()
    wrong = {**example, "citizen_id": "07908500", "phone": "12345", "birth_date": future}
    phone.goto("/bieu-mau/huong-tro-cap/")
    expect(phone.get_by_text("Câu trả lời được lưu trên máy của bạn")).to_be_hidden()  # nothing is saved without JavaScript
    fill(phone, wrong, javascript=False)
    expect(phone.locator("input[name='full_name']")).to_have_value(example["full_name"])  # kept across the ward step

    phone.get_by_role("button", name="Gửi hồ sơ").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)  # every mistake at once
    expect(summary).to_contain_text("Số định danh cá nhân phải gồm đúng 12 chữ số")
    expect(summary).to_contain_text(f"«{future[8:]}/{future[5:7]}/{future[:4]}»")  # the date as written in Vietnam
    expect(phone.locator("#f-citizen_id-error")).to_be_visible()  # and again beside the question
    expect(phone.locator("#f-citizen_id")).to_have_attribute("aria-invalid", "true")
    for name in ("full_name", "permanent_address.street", "contribution_months"):
        expect(phone.locator(f"[name='{name}']")).to_have_value(str(_value(example, name)))
    expect(phone.locator("select[name='current_address.ward'] option:checked")).to_have_text(ward_name(example["current_address"]["ward"]))
    assert stored_count(phone, procedure.id) == 0

    summary.get_by_role("link", name=re.compile("Số định danh cá nhân")).click()
    assert phone.url.endswith("#f-citizen_id")
    expect(phone.locator("#f-citizen_id")).to_be_in_viewport()
    for name in ("citizen_id", "phone", "birth_date"):
        phone.fill(f"[name='{name}']", example[name])
    phone.get_by_role("button", name="Gửi hồ sơ").click()

    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible()
    receipt_id = receipt.get_attribute("data-receipt-id")
    assert re.search(rf"/api/receipts/{receipt_id}\?lang=vi$", phone.url)  # the receipt's own address
    phone.reload()
    expect(phone.locator(f"[data-receipt-id='{receipt_id}']")).to_be_visible()
    assert stored_count(phone, procedure.id) == 1
    stored = phone.request.get(f"/api/office/submissions/{receipt_id}", headers=OFFICE).json()
    assert stored["answers"] == example


def _value(answers: dict, name: str) -> object:
    for part in name.split("."):
        answers = answers[part]
    return answers


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_every_form_can_be_sent_without_javascript(phone: Page, procedure_id):
    example = CATALOGUE[procedure_id].examples[0]
    phone.goto(f"/bieu-mau/{procedure_id}/")
    fill(phone, example, javascript=False)
    phone.get_by_role("button", name="Gửi hồ sơ").click()
    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible()
    stored = phone.request.get(f"/api/office/submissions/{receipt.get_attribute('data-receipt-id')}", headers=OFFICE).json()
    assert stored["answers"] == example


def test_no_page_of_the_site_or_the_function_has_a_javascript_link(built_site, phone: Page):
    """The Content-Security-Policy blocks javascript: URLs: every link must work as a link."""
    pages = [path for path in built_site.rglob("*.html")]
    assert len(pages) > 20
    for path in pages:
        assert "javascript:" not in path.read_text(encoding="utf-8").lower(), path
    phone.goto("/bieu-mau/tiep-tuc/")
    phone.get_by_role("button", name="Gửi hồ sơ").click()  # sent empty: the form again, with errors
    expect(phone.get_by_role("alert")).to_be_visible()
    assert "javascript:" not in phone.content().lower()
