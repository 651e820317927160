"""axe-core (from npm, injected by the test, never served) on every kind of page, and page weight."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from submit_fn.procedures import PROCEDURE_IDS
from tests.conftest import ROOT

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "/", "/en/", "/cach-hoat-dong/", "/en/cach-hoat-dong/", "/bao-tri/", "/en/bao-tri/",
    *(f"{lang}/thu-tuc/{pid}/" for lang in ("", "/en") for pid in PROCEDURE_IDS),
    *(f"{lang}/bieu-mau/{pid}/" for lang in ("", "/en") for pid in PROCEDURE_IDS),
    "/thay-doi/huong-tro-cap/", "/en/thay-doi/huong-tro-cap/",
]


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize("path", [p if p.startswith("/") else "/" + p for p in PAGES])
def test_axe_finds_no_wcag_violation(page: Page, site_url: str, path: str):
    page.goto(site_url + path)
    assert violations(page) == []


FORMS = [f"{lang}/bieu-mau/{pid}/" for lang in ("", "/en") for pid in PROCEDURE_IDS]


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

    page.goto(f"{site_url}{lang}/bieu-mau/tam-dung/")
    fill(page, CATALOGUE["tam-dung"].examples[0])
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

    answers = CATALOGUE["tam-dung"].examples[0] if complete else {"full_name": "Nguyễn Văn A"}
    page.goto(f"{site_url}/")
    post_as_a_page_without_javascript(page, "/api/procedures/tam-dung/submissions", form_pairs(answers, lang))
    expect(page.locator("[data-receipt-id]" if complete else "[role=alert]")).to_be_visible()
    assert violations(page) == []


THEME = ("assets/stylesheets/", "assets/javascripts/", "assets/images/")  # Material's own files
LOADED = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"#?]+\.(?:js|css|json))"')


def own_files(site: Path, page_path: str) -> list[Path]:
    """The page's HTML and the project's own files it loads, the theme's aside, relative to the site.

    A page with a ward question also fetches one province's ward list: the largest is counted.
    """
    site = site.resolve()
    html = (site / page_path / "index.html").read_text(encoding="utf-8")
    loaded = {(site / page_path / ref).resolve().relative_to(site) for ref in LOADED.findall(html)}
    own = sorted(path for path in loaded if not str(path).startswith(THEME))
    if "data-wards-of" in html:
        own.append(max((site / "assets/data/wards").glob("*.json"), key=lambda path: path.stat().st_size).relative_to(site))
    return [Path(page_path, "index.html"), *own]


def report(site: Path, page_path: str) -> int:
    sizes = {path: (site / path).stat().st_size for path in own_files(site, page_path)}
    parts = ", ".join(f"{path} {size / 1024:.1f}" for path, size in sizes.items())
    print(f"{page_path}: {sum(sizes.values()) / 1024:.1f} KB before compression, the theme aside ({parts})")
    return sum(sizes.values())


@pytest.mark.parametrize("page_path", [f"{lang}bieu-mau/{pid}" for lang in ("", "en/") for pid in PROCEDURE_IDS])
def test_a_form_page_with_its_own_scripts_and_styles_weighs_under_150_kb(built_site: Path, page_path: str):
    files = own_files(built_site, page_path)
    assert any(path.name == "form.js" for path in files)  # the measure sees what the page loads
    assert report(built_site, page_path) < 150 * 1024


@pytest.mark.parametrize("page_path", [f"{lang}thu-tuc/{pid}" for lang in ("", "en/") for pid in PROCEDURE_IDS])
def test_a_guidance_page_with_its_own_scripts_and_styles_weighs_under_150_kb(built_site: Path, page_path: str):
    assert report(built_site, page_path) < 150 * 1024
