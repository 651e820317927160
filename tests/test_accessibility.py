"""axe-core (from npm, injected by the test, never served) on every kind of page, and page weight."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from benchmarks.pages import FORMS_AND_GUIDANCE_KB, NEXT_PAGE_KB, page_before, visit
from submit_fn.model.procedures import PROCEDURE_IDS
from tests.conftest import ROOT, worker_form_ids

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "/", "/en/", "/cach-hoat-dong/", "/en/cach-hoat-dong/", "/bao-tri/", "/en/bao-tri/",
    *(f"{lang}/thu-tuc/{pid}/" for lang in ("", "/en") for pid in PROCEDURE_IDS),
    *(f"{lang}/bieu-mau/{pid}/" for lang in ("", "/en") for pid in worker_form_ids()),
    "/thay-doi/huong-tro-cap/", "/en/thay-doi/huong-tro-cap/",
    "/lich-thong-bao/", "/en/lich-thong-bao/", "/api/notification-schedule?start=2026-01-31&months=5&returned=2026-01-30",
    "/api/notification-schedule?start=31/02/2026&months=13&lang=en",
    "/tra-cuu/", "/en/tra-cuu/", "/api/receipts?id=7KQM-3XPD-W9TB-HN4X", "/api/receipts?id=hello&lang=en",
]


def violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script> element, which the page's policy blocks
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize("path", [p if p.startswith("/") else "/" + p for p in PAGES])
def test_axe_finds_no_wcag_violation(page: Page, site_url: str, path: str):
    page.goto(site_url + path)
    assert violations(page) == []


FORMS = [f"{lang}/bieu-mau/{pid}/" for lang in ("", "/en") for pid in worker_form_ids()]


@pytest.mark.parametrize("path", FORMS)
def test_axe_finds_no_violation_with_the_error_summary_shown(page: Page, site_url: str, path: str):
    page.goto(site_url + path)
    page.click("form[data-procedure] button[type=submit]")
    expect(page.locator(".bhtn-summary")).to_be_visible(timeout=15_000)
    expect(page.locator(".q .error:visible").first).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("lang", ["", "/en"])
def test_axe_finds_no_violation_on_check_your_answers_and_the_receipt(page: Page, site_url: str, lang: str):
    from tests.test_forms_browser import CATALOGUE, fill

    page.goto(f"{site_url}{lang}/bieu-mau/chuyen-noi-huong/")
    fill(page, CATALOGUE["chuyen-noi-huong"].examples[0])
    page.click("form[data-procedure] button[type=submit]")
    expect(page.locator(".bhtn-review")).to_be_visible()
    assert violations(page) == []
    page.click("form[data-procedure] button[type=submit]")
    expect(page.locator("[data-receipt-id]")).to_be_visible(timeout=15_000)
    assert violations(page) == []


def post_as_a_page_without_javascript(page: Page, action: str, pairs: list[tuple[str, str]]) -> None:
    """A real form post from the browser, landing on the page the function answers with."""
    page.evaluate("""([action, pairs]) => {
        const form = Object.assign(document.createElement("form"), {method: "post", action});
        for (const [name, value] of pairs) form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
        document.body.append(form);
        form.submit();
    }""", [action, pairs])
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("complete", [True, False], ids=["receipt-page", "errors-page"])
def test_axe_finds_no_violation_on_the_functions_own_pages(page: Page, site_url: str, lang: str, complete: bool):
    from tests.test_forms_browser import CATALOGUE, form_pairs

    answers = CATALOGUE["chuyen-noi-huong"].examples[0] if complete else {"full_name": "Nguyễn Văn A"}
    page.goto(f"{site_url}/")
    post_as_a_page_without_javascript(page, "/api/procedures/chuyen-noi-huong/submissions", form_pairs(answers, lang))
    expect(page.locator("[data-receipt-id]" if complete else "[role=alert]")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("path", [p if p.startswith("/") else "/" + p for p in PAGES])
def test_no_request_a_page_makes_fails(page: Page, site_url: str, path: str):
    """Every page kind, its theme, scripts, data and the search worker's fetches: nothing answers 4xx or 5xx
    (the theme's sitemap.xml fetches did). A function page that is an error page by design (a receipt id
    that does not exist) may itself be a 4xx; what it loads may not."""
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append((response.status, response.url)))
    document = page.goto(site_url + path, wait_until="networkidle")
    if path.startswith("/api/") and document.status >= 400:
        failed.remove((document.status, document.url))
    assert failed == []


WEIGHED = [f"/{lang}{kind}/{pid}/" for lang in ("", "en/")
           for kind, ids in (("bieu-mau", worker_form_ids()), ("thu-tuc", PROCEDURE_IDS)) for pid in ids]


@pytest.mark.parametrize("path", WEIGHED)
def test_a_form_or_guidance_page_transfers_under_150_kb_first_and_under_30_kb_next(browser, site_url: str, path: str):
    """What Chromium receives for everything the page loads (response headers and compressed bodies, the
    theme's files and the search worker's included), from the local server that
    compresses and caches as the deploy guide asks; a first visit with an empty cache, then the page
    opened after the home page in the same language. benchmarks.pages prints the same on a weak line."""
    sizes = []
    for before in (None, page_before(path)):
        context = browser.new_context()
        sizes.append(visit(context, site_url, path, before).transferred)
        context.close()
    first, following = sizes
    print(f"{path}: {first / 1024:.1f} KB first visit, {following / 1024:.1f} KB next page (transferred)")
    assert first < FORMS_AND_GUIDANCE_KB * 1024
    assert following < NEXT_PAGE_KB * 1024
