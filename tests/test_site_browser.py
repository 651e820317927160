"""The guidance site in real Chromium: search as people type, and no third-party requests."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import OUTPUT

SEARCHES = [
    ("tam dung tro cap", "tạm dừng hưởng trợ cấp", "/thu-tuc/tam-dung/"),
    ("chuyen noi huong", "chuyển nơi hưởng", "/thu-tuc/chuyen-noi-huong/"),
    ("so dinh danh", "số định danh", "/thu-tuc/"),
]


def _search(page: Page, site_url: str, query: str, home: str = "/") -> list[str]:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + home)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)  # Material searches on keyup, as a person types
    results = page.locator(".md-search-result__item a")
    expect(results.first).to_be_visible(timeout=15_000)
    return sorted({urlparse(href).path for href in results.evaluate_all("els => els.map(e => e.href)")})


@pytest.mark.parametrize(("plain", "accented", "expected_page"), SEARCHES)
def test_a_search_without_diacritics_finds_the_same_pages_as_with_them(page: Page, site_url, plain, accented, expected_page):
    found_plain = _search(page, site_url, plain)
    found_accented = _search(page, site_url, accented)
    assert any(expected_page in path for path in found_plain)
    assert set(found_accented) <= set(found_plain) or set(found_plain) <= set(found_accented)
    assert found_plain[:3] == found_accented[:3]


def test_each_language_searches_its_own_pages(page: Page, site_url):
    vietnamese = _search(page, site_url, "tro cap")
    english = _search(page, site_url, "benefit", home="/en/")
    assert vietnamese and not any(path.startswith("/en/") for path in vietnamese)
    assert english and all(path.startswith("/en/") for path in english)


def test_pages_make_no_request_to_any_other_host(page: Page, site_url):
    own_host = urlparse(site_url).netloc
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url) if urlparse(request.url).netloc not in (own_host, "") else None)
    for path in ("/", "/en/", "/cach-hoat-dong/", "/thu-tuc/huong-tro-cap/", "/en/thu-tuc/cham-dut/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert [url for url in foreign if not url.startswith("data:")] == []


def test_home_page_reads_well_on_a_small_phone(page: Page, site_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + "/")
    page.get_by_role("link", name="Tôi đã tìm được việc làm").click()
    expect(page).to_have_url(site_url + "/thu-tuc/cham-dut/")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(site_url + "/")
    page.screenshot(path=OUTPUT / "home-360.png", full_page=True)
