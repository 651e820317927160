"""The suite's browsers show pages without motion, so no test depends on when an animation ends,
and wait for a page's scripts in a way the page's policy allows, so none depends on when they run."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import wait_for_script

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


def test_a_script_that_runs_late_is_waited_for_without_breaking_the_pages_policy(page, site_url):
    """On a busy machine the estimator's script ran after the test's first look, and
    wait_for_function's in-page polling was blocked by the policy (a failed run, 3 December 2026)."""
    page.route("**/assets/js/estimator.js", lambda route: (time.sleep(1.0), route.continue_()))
    page.goto(f"{site_url}/thu-tuc/huong-tro-cap/", wait_until="commit")
    assert page.evaluate("typeof window.benefitEstimate") != "function"
    wait_for_script(page, "benefitEstimate")


def test_no_test_polls_inside_the_page_where_the_policy_blocks_it():
    calls = [path.name for path in Path(__file__).parent.glob("test_*.py") if "wait_for_" + "function(" in path.read_text(encoding="utf-8")]
    assert calls == []
