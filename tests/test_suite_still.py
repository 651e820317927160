"""The suite's browsers show pages without motion, so no test depends on when an animation ends."""

from __future__ import annotations

REDUCED = "matchMedia('(prefers-reduced-motion: reduce)').matches"


def test_every_context_prefers_reduced_motion_and_the_theme_then_has_no_transition(page, browser, site_url):
    page.goto(site_url + "/")
    assert page.evaluate(REDUCED)
    own = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        mine = own.new_page()
        mine.goto(site_url + "/")
        assert mine.evaluate(REDUCED)
        title = mine.locator(".md-header__topic").first
        assert title.evaluate("element => getComputedStyle(element).transitionDuration") in ("0s", "0s, 0s")
    finally:
        own.close()
    alone = browser.new_page()
    try:
        alone.goto(site_url + "/")
        assert alone.evaluate(REDUCED)
    finally:
        alone.close()
