"""The fillable forms in real Chromium, against the real function: as a worker on a phone uses them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from submit_fn.model.procedures import load_catalogue, today_in_vietnam
from tests.conftest import OUTPUT, wait_for_script, worker_form_ids

CATALOGUE = load_catalogue()
SCREENS = OUTPUT / "screens"
PHONE = {"width": 360, "height": 740}


def _controls(answers: object, prefix: str = "") -> list[tuple[str, object]]:
    """The answers as (control name, value) pairs in the order a person fills them."""
    if isinstance(answers, dict):
        return [pair for key, value in answers.items() for pair in _controls(value, f"{prefix}{key}.")]
    if isinstance(answers, list) and answers and isinstance(answers[0], dict):
        return [pair for index, item in enumerate(answers) for pair in _controls(item, f"{prefix}{index}.")]
    return [(prefix[:-1], answers)]


def form_pairs(answers: dict, lang: str) -> list[tuple[str, str]]:
    """The answers as the form page posts them without JavaScript: control names, lists repeated."""
    pairs = [("_lang", lang)]
    for name, value in _controls(answers):
        pairs += [(name, "true" if v is True else str(v)) for v in (value if isinstance(value, list) else [value])]
    return pairs


def ward_name(code: str) -> str:
    from submit_fn.model.divisions import wards_by_province

    return next(ward.name for wards in wards_by_province().values() for ward in wards if ward.code == code)


def answer(page: Page, name: str, value: object) -> None:
    """One answer as a person gives it: ticks, choices, wards by their name (never a code), typing."""
    if value is True:
        page.check(f"input[name='{name}']")
    elif isinstance(value, list):
        for choice in value:
            page.check(f"input[name='{name}'][value='{choice}']")
    elif page.locator(f"input[type=radio][name='{name}']").count():
        page.check(f"input[type=radio][name='{name}'][value='{value}']")
    elif name.endswith("ward"):
        page.select_option(f"select[name='{name}']", label=ward_name(str(value)))
    elif page.locator(f"select[name='{name}']").count():
        page.select_option(f"select[name='{name}']", str(value))
    else:
        page.fill(f"input[name='{name}']:not([type=hidden]), textarea[name='{name}']", str(value))


def fill(page: Page, answers: dict, javascript: bool = True) -> None:
    """Every answer in order. Without JavaScript the wards come last: the worker presses "show the
    communes/wards" once the provinces are chosen, and the form comes back with their lists."""
    pairs = _controls(answers)
    wards = [] if javascript else [(name, value) for name, value in pairs if name.endswith("ward")]
    for name, value in pairs:
        if (name, value) not in wards:
            answer(page, name, value)
    if wards:
        expect(page.locator(f"select[name='{wards[0][0]}']")).to_be_hidden()  # no list before the province is known
        page.locator("button[name=_step]").first.click()
        expect(page.get_by_role("status")).to_be_visible()
        for name, value in wards:
            answer(page, name, value)


def send(page: Page) -> None:
    page.click("button[type=submit]")  # check your answers
    expect(page.locator(".bhtn-review")).to_be_visible()
    page.click("button[type=submit]")  # send


@pytest.fixture
def phone(browser: Browser, site_url: str):
    context = browser.new_context(viewport=PHONE, base_url=site_url)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_a_complete_form_reaches_a_receipt_on_a_phone(phone: Page, procedure_id):
    phone.goto(f"/bieu-mau/{procedure_id}/")
    fill(phone, CATALOGUE[procedure_id].examples[0])
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENS / f"{procedure_id}-360.png", full_page=True)
    send(phone)
    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=15_000)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt.get_attribute("data-receipt-id"))
    expect(receipt).to_contain_text("Mã biên nhận")
    phone.screenshot(path=SCREENS / f"{procedure_id}-receipt-360.png", full_page=True)


def test_the_form_reads_well_on_a_desktop(browser: Browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + "/en/bieu-mau/huong-tro-cap/")
    expect(page.locator("form[data-procedure='huong-tro-cap']")).to_have_count(1)
    page.screenshot(path=SCREENS / "huong-tro-cap-en-1280.png", full_page=True)
    page.close()


def test_a_form_sent_empty_lists_every_error_and_links_each_to_its_field(phone: Page):
    phone.goto("/bieu-mau/chuyen-noi-huong/")
    phone.click("button[type=submit]")  # the browser finds the mistakes before any review or send
    summary = phone.locator(".bhtn-summary[role=alert]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Hãy nhập số định danh cá nhân")
    summary.get_by_role("link", name=re.compile("số định danh")).click()
    expect(phone.locator("#f-citizen_id")).to_be_focused()
    expect(phone.locator("#f-citizen_id")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#f-citizen_id-error")).to_be_visible()


def test_a_wrong_answer_is_explained_in_english_on_the_english_form(phone: Page):
    phone.goto("/en/bieu-mau/tim-kiem-viec-lam/")
    phone.fill("#f-citizen_id", "12345")
    phone.click("button[type=submit]")
    expect(phone.locator("#f-citizen_id-error")).to_have_text(re.compile("exactly 12 digits"))


def test_a_conditional_question_appears_only_when_it_applies(phone: Page):
    phone.goto("/bieu-mau/huong-tro-cap/")
    account, cash = phone.locator("#f-bank_account-account_number"), phone.locator("#f-cash_office")
    expect(account).to_be_hidden()
    expect(cash).to_be_hidden()
    phone.check("input[name=payment_method][value=tai-khoan]")
    expect(account).to_be_visible()
    expect(phone.locator("#f-bank_account-account_holder")).to_be_visible()
    phone.check("input[name=payment_method][value=tien-mat]")
    expect(account).to_be_hidden()
    expect(cash).to_be_visible()  # Form No. 10: with no account, cash at a named grassroots social-insurance office


def test_the_wards_offered_are_those_of_the_chosen_province(phone: Page):
    phone.goto("/bieu-mau/huong-tro-cap/")
    phone.select_option("#f-permanent_address-province", "79")
    phone.select_option("#f-permanent_address-ward", "26743")
    expect(phone.locator("#f-permanent_address-ward option[value='00070']")).to_have_count(0)


def test_a_reload_restores_the_answers(phone: Page):
    phone.goto("/bieu-mau/cham-dut/")
    phone.fill("#f-full_name", "Nguyễn Thị Hoa")
    phone.select_option("#f-centre_province", "01")
    phone.reload()
    expect(phone.locator("#f-full_name")).to_have_value("Nguyễn Thị Hoa")
    expect(phone.locator("#f-centre_province")).to_have_value("01")


def test_a_send_while_offline_keeps_everything_and_goes_when_the_connection_returns(phone: Page):
    phone.goto("/bieu-mau/tiep-tuc/")
    fill(phone, CATALOGUE["tiep-tuc"].examples[0])
    phone.context.set_offline(True)
    send(phone)
    expect(phone.locator(".bhtn-status")).to_contain_text("hồ sơ đang chờ gửi")
    expect(phone.locator(".bhtn-status button")).to_have_text("Thử lại")
    expect(phone.locator("#f-full_name")).to_have_value(CATALOGUE["tiep-tuc"].examples[0]["full_name"])
    phone.context.set_offline(False)  # no tap needed (tests/test_offline_browser.py: exactly one receipt)
    expect(phone.locator("[data-receipt-id]")).to_be_visible(timeout=15_000)


def test_without_javascript_the_form_posts_and_gets_an_html_receipt(browser: Browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/bieu-mau/huong-tro-cap/")
    example = CATALOGUE["huong-tro-cap"].examples[1]
    fill(page, example, javascript=False)
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.locator("[data-receipt-id]")).to_be_visible()
    context.close()


def pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_worker_saves_the_filled_form_as_a_pdf_file(phone: Page):
    answers = CATALOGUE["tiep-tuc"].examples[0]
    phone.goto("/bieu-mau/tiep-tuc/")
    fill(phone, answers)
    with phone.expect_request(lambda r: r.url.endswith("/api/procedures/tiep-tuc/pdf")) as asked, phone.expect_download() as saved:
        phone.click("button.bhtn-pdf")
    request = asked.value
    assert request.method == "POST" and request.headers["content-type"] == "application/json"
    assert answers["citizen_id"] not in request.url  # answers in the body, never the URL
    assert saved.value.suggested_filename == "tiep-tuc.pdf"
    assert answers["full_name"] in pdf_text(saved.value.path())
    expect(phone.locator(".bhtn-status")).to_contain_text("Đã lưu bản khai PDF")


def test_without_javascript_the_pdf_button_opens_the_filled_form(browser: Browser, site_url):
    context = browser.new_context(viewport=PHONE, base_url=site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/bieu-mau/tiep-tuc/")
    fill(page, CATALOGUE["tiep-tuc"].examples[0], javascript=False)
    with context.expect_event("response", lambda r: r.url.endswith("/api/procedures/tiep-tuc/pdf")) as answer:
        page.click("button.bhtn-pdf")  # opens in a new tab
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.request.method == "POST" and "citizen_id" not in response.url  # answers in the body, never the URL
    context.close()


def test_a_pdf_asked_for_with_a_mistake_shows_the_mistake_instead(phone: Page):
    phone.goto("/en/bieu-mau/tiep-tuc/")
    fill(phone, {**CATALOGUE["tiep-tuc"].examples[0], "citizen_id": "12345"})
    requests = []
    phone.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    phone.click("button.bhtn-pdf")
    expect(phone.locator(".bhtn-summary[role=alert]")).to_contain_text("exactly 12 digits")
    assert requests == []


def test_after_sending_the_receipt_offers_its_pdf_and_the_filled_form(phone: Page):
    answers = CATALOGUE["cham-dut"].examples[0]
    phone.goto("/bieu-mau/cham-dut/")
    fill(phone, answers)
    send(phone)
    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=15_000)
    link = receipt.get_by_role("link", name="Tải giấy biên nhận (PDF)")
    reply = phone.request.get(link.get_attribute("href"))
    assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
    with phone.expect_download() as saved:
        receipt.get_by_role("button", name="In hoặc lưu bản khai (PDF)").click()
    assert answers["full_name"] in pdf_text(saved.value.path())


def _mutations(procedure) -> list[dict]:
    """The first example with one answer removed, or replaced by a value of the wrong shape."""
    import copy

    out = []
    for field in procedure.fields:
        if "*" in field.pointer or field.kind == "list":
            continue
        *parents, last = field.pointer.split("/")[1:]
        for value in (None, "2026-02-30", 7, "x" * 400, -3, ""):
            instance = copy.deepcopy(procedure.examples[0])
            target = instance
            for part in parents:
                target = target.setdefault(part, {})
            if value is None:
                target.pop(last, None)
            else:
                target[last] = value
            out.append(instance)
    return out


def _left_to_the_function(procedure, error) -> bool:
    """sitegen.forms.SERVER_ONLY: an extra answer, or a ward outside its province (an enum the ward's own schema lacks)."""
    from sitegen.forms import SERVER_ONLY

    field = procedure.field_at(error.pointer)
    ward_in_province = error.keyword == "enum" and field is not None and "enum" not in field.schema
    return error.keyword in SERVER_ONLY or ("wardInProvince" in SERVER_ONLY and ward_in_province)


def _breaking_checks(procedure, today: date) -> list[dict]:
    """The first example changed to break each of its x-checks: by the check's own example, and
    for those judged against today, a day either side of the limit."""
    out = []
    for check in procedure.checks:
        subject = check.fields[0]
        if check.example:
            case = {"set": {subject: check.example["value"]}} if check.on_question else check.example
            out.append(procedure.example_with(case))
        if check.kind == "date-not-future":
            days = [today, today + timedelta(days=1)]
        elif check.kind == "age-at-least":
            turns = today.replace(year=today.year - check.value)
            days = [turns, turns + timedelta(days=1)]
        else:
            continue
        out += [procedure.example_with({"set": {subject: day.isoformat()}}) for day in days]
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_the_browser_checks_the_answers_as_the_function_does(page: Page, site_url, procedure_id, lang):
    """Every rule of the schema and every x-check, with the same words, judged on the same day."""
    from submit_fn.model.validation import CHECK_KEYWORD, answer_errors

    procedure = CATALOGUE[procedure_id]
    today = today_in_vietnam()
    breaking = _breaking_checks(procedure, today)
    instances = [*procedure.examples, *(i for _, i in procedure.invalid_examples()), *_mutations(procedure), *breaking]
    page.goto(f"{site_url}{'/en' if lang == 'en' else ''}/bieu-mau/{procedure_id}/")
    wait_for_script(page, "bhtnValidate")
    found = page.evaluate("([list, today]) => list.map(answers => window.bhtnValidate(answers, today))", [instances, today.isoformat()])
    compared = checked = 0
    for instance, client in zip(instances, found):
        server = answer_errors(procedure, instance, lang, today)
        checked += sum(e.keyword == CHECK_KEYWORD for e in server)
        expected = {(e.pointer, e.keyword, e.message) for e in server if not _left_to_the_function(procedure, e)}
        assert {(e["pointer"], e["keyword"], e["message"]) for e in client} == expected, instance
        compared += len(expected)
    assert checked >= len([c for c in procedure.checks if c.level == "error" and (c.example or c.kind in ("date-not-future", "age-at-least"))]) > 0
    print(f"{procedure_id} ({lang}): {len(instances)} answer sets, {compared} errors ({checked} x-checks) found alike by browser and function")


def refused_by_the_page(phone: Page, procedure_id: str, answers: dict, *words: str) -> None:
    """Filled and sent: the page lists the mistakes in these words, and asks the function nothing."""
    phone.goto(f"/bieu-mau/{procedure_id}/")
    fill(phone, answers)
    requests = []
    phone.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    phone.click("button[type=submit]")
    summary = phone.locator(".bhtn-summary[role=alert]")
    expect(summary).to_be_visible()
    for text in words:
        expect(summary).to_contain_text(text)
    expect(phone.locator(".bhtn-review")).to_be_hidden()
    assert requests == []


def test_a_mistake_the_browser_can_see_is_shown_without_asking_the_function(phone: Page):
    """A wrong citizen id, and a short contract without the signed contract (a rule across questions)."""
    answers = {**CATALOGUE["huong-tro-cap"].examples[0], "citizen_id": "12345", "contract_type": "tu-1-den-duoi-12-thang"}
    refused_by_the_page(phone, "huong-tro-cap", answers, "12 chữ số", "bản sao có chứng thực của hợp đồng")
    expect(phone.locator(".q[data-name='attachments'] .error")).to_be_visible()


def test_a_mistake_only_the_function_can_see_comes_back_as_field_errors(phone: Page):
    """A ward from another province (say, a stale list): the function's 422 is shown beside the question."""
    phone.goto("/bieu-mau/huong-tro-cap/")
    fill(phone, CATALOGUE["huong-tro-cap"].examples[0])
    ward = phone.locator("#f-permanent_address-ward")
    ward.evaluate("s => { s.add(new Option('TP Hồ Chí Minh', '26743')); s.value = '26743'; s.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(phone.locator("#f-permanent_address-province")).to_have_value("01")
    send(phone)
    summary = phone.locator(".bhtn-summary[role=alert]")
    expect(summary).to_be_visible(timeout=15_000)
    expect(phone.locator("[data-receipt-id]")).to_have_count(0)
    expect(phone.locator(".q[data-name='permanent_address.ward'] .error")).to_contain_text("không thuộc tỉnh")


def test_a_printed_form_page_looks_like_a_paper_form(browser: Browser, site_url):
    """Printed from the browser: A4 from our @page rule, answers on it, no site chrome or buttons."""
    import subprocess

    from sitegen.templating import strings

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + "/bieu-mau/huong-tro-cap/")
    answers = CATALOGUE["huong-tro-cap"].examples[0]
    fill(page, answers)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-search", ".md-sidebar--primary", ".md-tabs", ".md-footer", ".actions", ".md-top"):
        assert not page.locator(chrome).first.is_visible(), chrome
    expect(page.locator("#f-full_name")).to_have_value(answers["full_name"])
    SCREENS.mkdir(parents=True, exist_ok=True)
    printed = SCREENS / "huong-tro-cap-printed.pdf"
    page.pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
    page.close()
    size = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in size, size
    text = pdf_text(printed)
    for answer in (answers["full_name"], answers["citizen_id"], "Thành phố Hà Nội"):
        assert answer in text, answer
    words = strings()
    for chrome in (words["send"]["vi"], words["print_answers"]["vi"], CATALOGUE["chuyen-noi-huong"].title["vi"]):
        assert chrome not in text, chrome  # buttons, and the navigation's link to another procedure
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(printed), str(SCREENS / "huong-tro-cap-printed")], check=True)


def _tab_to(page: Page, name: str, limit: int = 300) -> None:
    """Press Tab until the control named `name` (or, for '', the send button) has the focus."""
    test = "n => { const e = document.activeElement; return !!e && (n ? e.name === n : e.matches('.actions button:first-child')); }"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(test, name):
            return
    raise AssertionError(f"{name or 'the send button'} cannot be reached with Tab")


def test_a_whole_form_can_be_filled_and_sent_with_the_keyboard_alone(browser: Browser, site_url):
    context = browser.new_context(viewport=PHONE, base_url=site_url, locale="en-US")
    page = context.new_page()
    page.goto("/bieu-mau/cham-dut/")
    for name, value in _controls(CATALOGUE["cham-dut"].examples[0]):
        control = page.locator(f"[name='{name}']").first
        kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "radio":
            _tab_to(page, name)
            for _ in range(10):
                if page.evaluate("v => document.activeElement.value === v", value):
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
        elif kind == "checkbox":
            _tab_to(page, name)
            page.keyboard.press("Space")
        elif kind == "select":
            _tab_to(page, name)
            for _ in range(60):
                if control.input_value() == str(value):
                    break
                page.keyboard.press("ArrowDown")
        elif kind == "date":
            _tab_to(page, name)
            year, month, day = str(value).split("-")
            page.keyboard.type(month + day + year)  # en-US date field: month, day, year
        else:
            _tab_to(page, name)
            page.keyboard.type(str(value))
        assert control.input_value() == str(value) or kind in ("radio", "checkbox"), name
    _tab_to(page, "")
    page.keyboard.press("Enter")  # check your answers
    expect(page.locator(".bhtn-review")).to_be_visible()
    _tab_to(page, "")
    page.keyboard.press("Enter")  # send
    expect(page.locator("[data-receipt-id]")).to_be_visible(timeout=15_000)
    context.close()


@pytest.fixture(scope="module")
def office_site(built_site, tmp_path_factory):
    """The site and a function whose office token the test holds, to read back what was stored."""
    from sitegen.local_server import one_origin_app
    from submit_fn.service.api import create_app
    from tests.servers import serving, settings_for

    database = tmp_path_factory.mktemp("typed") / "submissions.sqlite3"
    with serving(one_origin_app(built_site, create_app(settings_for(f"sqlite:///{database}")))) as url:
        yield url


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_a_form_typed_as_people_type_reaches_a_receipt_without_an_error_and_is_stored_clean(browser: Browser, office_site, procedure_id):
    """001 190 012 345, +84 912 345 678, "36 tháng", doubled spaces: not one error, and the office
    reads the answers exactly as the schema's example writes them."""
    from tests.servers import OFFICE_TOKEN
    from tests.typed import as_typed

    example = CATALOGUE[procedure_id].examples[0]
    context = browser.new_context(viewport=PHONE, base_url=office_site)
    page = context.new_page()
    page.goto(f"/bieu-mau/{procedure_id}/")
    fill(page, as_typed(example))
    page.click("button[type=submit]")
    expect(page.locator(".bhtn-review")).to_be_visible()
    expect(page.locator(".bhtn-summary")).to_be_hidden()
    page.click("button[type=submit]")
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=15_000)
    stored = page.request.get(f"/api/office/submissions/{receipt.get_attribute('data-receipt-id')}",
                              headers={"Authorization": f"Bearer {OFFICE_TOKEN}"})
    assert stored.json()["answers"] == example
    context.close()


def test_without_javascript_a_form_typed_as_people_type_gets_a_receipt(browser: Browser, office_site):
    from tests.servers import OFFICE_TOKEN
    from tests.typed import as_typed

    example = CATALOGUE["huong-tro-cap"].examples[1]
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=office_site)
    page = context.new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    fill(page, as_typed(example), javascript=False)
    page.get_by_role("button", name="Gửi hồ sơ").click()
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible()
    stored = page.request.get(f"/api/office/submissions/{receipt.get_attribute('data-receipt-id')}",
                              headers={"Authorization": f"Bearer {OFFICE_TOKEN}"})
    assert stored.json()["answers"] == example
    context.close()


def test_a_typed_number_shows_cleaned_when_the_worker_moves_on(phone: Page):
    phone.goto("/bieu-mau/chuyen-noi-huong/")
    phone.fill("#f-phone", "+84 905 123 456")
    phone.fill("#f-months_received", "2 tháng")
    phone.locator("#f-citizen_id").focus()
    expect(phone.locator("#f-phone")).to_have_value("0905123456")
    expect(phone.locator("#f-months_received")).to_have_value("2")
    phone.fill("#f-citizen_id", "048 090 O12 345")  # a letter O: left as typed, and explained
    phone.click("button[type=submit]")
    expect(phone.locator("#f-citizen_id")).to_have_value("048 090 O12 345")
    expect(phone.locator("#f-citizen_id-error")).to_have_text("Số định danh cá nhân phải gồm đúng 12 chữ số, không có chữ cái.")


def test_a_transfer_to_the_same_province_is_refused_by_the_page_before_anything_is_sent(phone: Page):
    answers = {**CATALOGUE["chuyen-noi-huong"].examples[0], "destination": {"province": "01", "ward": "00070", "street": "Số 12 phố Hàng Bạc"}}
    refused_by_the_page(phone, "chuyen-noi-huong", answers, "Chỉ chuyển nơi hưởng khi chuyển sang tỉnh/thành phố khác.")
    expect(phone.locator(".q[data-name='destination.province'] .error")).to_be_visible()


def test_a_worker_with_a_new_job_is_warned_and_taken_to_the_termination_notice_with_their_answers(phone: Page):
    """Issue 20: "has a job", starting inside the benefit period: the notification still goes, the
    worker reads that overlapping benefit is recovered, and the termination notice opens filled in
    with the same person and decision, from this device alone."""
    notification = {**CATALOGUE["tim-kiem-viec-lam"].examples[0], "current_situation": {
        "status": "co-viec-lam", "employer": "Công ty TNHH May Hà Nội", "start_date": "2026-04-01"}}
    phone.goto("/bieu-mau/tim-kiem-viec-lam/")
    fill(phone, notification)
    status_note = phone.locator(".q[data-name='current_situation.status'] .warning")
    expect(status_note).to_contain_text("trong 3 ngày làm việc kể từ ngày bắt đầu làm việc")
    expect(status_note).to_contain_text("Mẫu số 17")
    expect(phone.locator(".q[data-name='current_situation.start_date'] .warning")).to_contain_text("sẽ bị thu hồi")
    expect(phone.locator(".q[data-name='current_situation.start_date'] .warning")).to_contain_text("chưa được đối chiếu")
    from tests.test_accessibility import violations

    assert violations(phone) == []
    send(phone)  # a warning never blocks
    receipt = phone.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=15_000)
    requests = []
    phone.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    receipt.get_by_role("link", name=re.compile("Mẫu số 17")).click()
    phone.wait_for_url("**/bieu-mau/cham-dut/")
    for name, value in (("full_name", "Nguyễn Thị Hoa"), ("citizen_id", "001190012345"), ("phone", "0912345678"),
                        ("centre_province", "01"), ("benefit_decision.number", "1234/QĐ-SNV"),
                        ("benefit_decision.date", "2026-03-10"), ("event_date", "2026-04-01"),
                        ("new_employer", "Công ty TNHH May Hà Nội")):
        expect(phone.locator(f"[name='{name}']")).to_have_value(value)
    expect(phone.locator("input[name=event][value=viec-lam]")).to_be_checked()
    expect(phone.locator("input[name=declaration]")).not_to_be_checked()  # the worker declares this form anew
    assert requests == []  # carried over on the device: nothing sent


def test_the_warning_goes_when_the_answer_changes(phone: Page):
    phone.goto("/bieu-mau/tiep-tuc/")
    phone.check("input[name='current_situation.status'][value=co-viec-lam]")
    note = phone.locator(".q[data-name='current_situation.status'] .warning")
    expect(note).to_be_visible()
    phone.check("input[name='current_situation.status'][value=chua-co-viec-lam]")
    expect(note).to_be_hidden()
