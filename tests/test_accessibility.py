"""axe-core (from npm, injected by the test, never served) on every kind of page, and page weight."""

from __future__ import annotations

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


@pytest.mark.parametrize("procedure_id", PROCEDURE_IDS)
def test_axe_finds_no_violation_with_the_error_summary_shown(page: Page, site_url: str, procedure_id: str):
    page.goto(f"{site_url}/bieu-mau/{procedure_id}/")
    page.click("form[data-procedure] button[type=submit]")
    page.click("form[data-procedure] button[type=submit]")
    expect(page.locator(".bhtn-summary")).to_be_visible(timeout=15_000)
    assert violations(page) == []


def own_weight(site: Path, page_path: str) -> int:
    """The page's HTML and the project's own scripts, styles and data it loads; the theme aside."""
    html = site / page_path / "index.html"
    own = [html, site / "assets/js/form.js", site / "assets/css/form.css", site / "assets/css/site.css"]
    if "huong-tro-cap" in page_path:
        own.append(site / "assets/js/estimator.js")
    return sum(path.stat().st_size for path in own)


@pytest.mark.parametrize("procedure_id", PROCEDURE_IDS)
def test_a_form_page_with_its_own_scripts_and_styles_weighs_under_150_kb(built_site: Path, procedure_id: str):
    weight = own_weight(built_site, f"bieu-mau/{procedure_id}")
    print(f"bieu-mau/{procedure_id}: {weight / 1024:.1f} KB before compression, the theme aside")
    assert weight < 150 * 1024
