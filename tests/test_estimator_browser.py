"""The estimator on the claim's guidance page, in real Chromium: the same answers as the Python rules."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from tests.conftest import OUTPUT
from tests.test_benefit_rules import CASES, matches

PHONE = {"width": 360, "height": 740}


def test_the_browser_estimator_agrees_with_the_python_rules_on_every_worked_example(page: Page, site_url: str):
    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/")
    page.wait_for_function("typeof window.benefitEstimate === 'function'")
    timed = page.evaluate("""cases => cases.map(c => {
        const started = performance.now();
        const result = window.benefitEstimate(c.given);
        return {result, ms: performance.now() - started};
    })""", CASES)
    disagreements = {case["why"][:60]: matches(one["result"], case["expect"]) for case, one in zip(CASES, timed)}
    assert {why: wrong for why, wrong in disagreements.items() if wrong} == {}
    assert len(timed) == len(CASES) >= 20
    assert max(one["ms"] for one in timed) < 1000


def test_the_estimator_answers_within_a_second_of_the_last_answer(page: Page, site_url: str):
    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/")
    page.fill("#est-end", "2026-03-31")
    page.fill("#est-window", "24")
    page.fill("#est-total", "48")
    started = time.perf_counter()
    page.fill("#est-salary", "8000000")
    expect(page.locator(".bhtn-estimator .estimate")).to_contain_text("4.800.000 đ", timeout=1000)
    assert time.perf_counter() - started < 1


def test_a_worker_on_a_phone_sees_amount_duration_and_deadline_within_a_second(page: Page, site_url: str):
    page.set_viewport_size(PHONE)
    started = time.perf_counter()
    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/")
    page.fill("#est-end", "2026-03-31")
    page.fill("#est-window", "12")
    page.fill("#est-total", "12")
    page.fill("#est-salary", "10000000")
    page.fill("#est-filing", "2026-04-06")
    result = page.locator(".bhtn-estimator .estimate")
    expect(result).to_contain_text("Mức hưởng mỗi tháng: 6.000.000 đ (60% × 10.000.000 đ = 6.000.000 đ)")
    seconds = time.perf_counter() - started
    print(f"estimate shown {seconds:.2f} s after opening the page")
    expect(result).to_contain_text("Số tháng hưởng: 3")
    expect(result).to_contain_text("Hạn nộp hồ sơ: hết ngày 30/06/2026")
    expect(result).to_contain_text("21/04/2026")
    expect(result).to_contain_text("Thấp hơn mức trần 26.550.000 đ (5 × lương tối thiểu vùng 5.310.000 đ, Nghị định số 293/2025/NĐ-CP)")
    expect(result).to_contain_text("Tháng hưởng đầu tiên: thông báo trong 3 ngày làm việc")
    expect(result.locator("li.unconfirmed")).to_contain_text("Chưa xác nhận:")
    expect(result.locator("li.unconfirmed")).to_contain_text("Mức lương dùng để tính mức trần chưa được đối chiếu")
    expect(page.locator(".bhtn-estimator")).to_contain_text("mới là căn cứ")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    page.locator(".bhtn-estimator").screenshot(path=str(OUTPUT / "screens" / "estimator-360.png"))
    assert seconds < 5  # generous on a shared machine; the printed figure is the measurement


def test_the_estimator_says_what_is_wrong_in_english_too(page: Page, site_url: str):
    page.goto(f"{site_url}/en/thu-tuc/huong-tro-cap/")
    page.fill("#est-end", "2026-01-10")
    page.fill("#est-window", "11")
    page.fill("#est-filing", "2026-04-11")
    result = page.locator(".bhtn-estimator .estimate")
    expect(result).to_contain_text("You need at least 12 months of contributions in that period.")
    expect(result).to_contain_text("past the 3-month deadline")
    expect(result).to_contain_text("Filing deadline: 10 April 2026")


def test_a_deadline_on_a_day_off_and_the_2013_law_are_marked_unconfirmed(page: Page, site_url: str):
    page.goto(f"{site_url}/en/thu-tuc/huong-tro-cap/")
    page.fill("#est-end", "2025-11-17")
    result = page.locator(".bhtn-estimator .estimate")
    expect(result).to_contain_text("Law on Employment 38/2013/QH13 applies")
    expect(result).to_contain_text("Filing deadline: 17 February 2026")
    expect(result).to_contain_text("the next working day, 23 February 2026")
    expect(result.locator("li.unconfirmed")).to_contain_text("The transitional rules for contracts that ended before 2026 are unconfirmed")
    expect(result).not_to_contain_text("First benefit month")  # the 2013 law's notification dates are not modelled
    page.fill("#est-end", "2014-06-30")
    expect(result).to_have_text("This tool only has the rules for contracts that ended on or after 1 January 2015. Please ask the Employment Service Centre.")


def test_without_javascript_the_page_says_the_estimator_needs_it(browser, site_url: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/")
    expect(page.locator(".bhtn-estimator")).to_be_hidden()
    assert "Công cụ ước tính cần JavaScript" in page.content()
    context.close()


def test_the_claim_form_warns_of_a_late_or_short_claim_but_still_sends_it(browser, site_url: str):
    from tests.test_forms_browser import CATALOGUE, fill, send

    context = browser.new_context(viewport=PHONE, base_url=site_url)
    page = context.new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    warning = page.locator(".bhtn-claim-warning")
    answers = {**CATALOGUE["huong-tro-cap"].examples[0], "contract_end_date": "2025-01-02", "contribution_months": 8}
    fill(page, answers)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("đã quá 3 tháng (hạn nộp là hết ngày 02/04/2025)")
    expect(warning).to_contain_text("cần đóng bảo hiểm thất nghiệp từ đủ 12 tháng")
    page.fill("input[name='contribution_months']", "24")
    expect(warning).not_to_contain_text("từ đủ 12 tháng")
    page.fill("textarea[name='termination_reason']", "Tôi đơn phương nghỉ việc")
    expect(warning).to_contain_text("nếu bạn tự ý đơn phương chấm dứt hợp đồng trái pháp luật")
    expect(warning).to_have_attribute("aria-live", "polite")
    send(page)
    expect(page.locator("[data-receipt-id]")).to_be_visible(timeout=15_000)
    context.close()


def test_axe_finds_no_violation_with_an_estimate_and_its_warnings_shown(page: Page, site_url: str):
    from tests.test_accessibility import violations

    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/")
    page.fill("#est-end", "2025-11-17")
    page.fill("#est-window", "11")
    page.fill("#est-total", "59")
    page.fill("#est-salary", "50000000")
    expect(page.locator(".bhtn-estimator li.unconfirmed")).to_be_visible()
    expect(page.locator(".bhtn-estimator li.warn").first).to_be_visible()
    assert violations(page) == []
