"""With no signal, in real Chromium at 360 px: the service worker keeps a page once it was opened
(and only what was opened), a page never opened says there is no connection, a filing made offline
waits on the device and goes exactly once when the connection returns, and a new build of the site
replaces what was kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from submit_fn.model.procedures import load_catalogue
from tests.conftest import ROOT, run_build
from tests.test_forms_browser import PHONE, _controls, answer, fill, send

CATALOGUE = load_catalogue()
NEW_TITLE = "Tiếp tục hưởng trợ cấp thất nghiệp (bản mới)"


@pytest.fixture
def served_site(tmp_path: Path):
    """A site built into its own folder (so a test can build it again), served with a function whose
    SQLite file the test can count in."""
    from sitegen.local_server import one_origin_app
    from submit_fn.service.api import create_app
    from tests.servers import serving, settings_for

    site = tmp_path / "site"
    result = run_build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    with serving(
        one_origin_app(site, create_app(settings_for(f"sqlite:///{tmp_path / 'submissions.sqlite3'}")))
    ) as url:
        yield site, url


def phone_context(browser: Browser, url: str) -> BrowserContext:
    return browser.new_context(viewport=PHONE, base_url=url, service_workers="allow")


def kept_pages(page: Page) -> dict:
    """The service worker's caches: {name: [paths kept]}."""
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            out[name] = (await cache.keys()).map(r => new URL(r.url).pathname);
        }
        return out;
    }""")


def until(page: Page, test, seconds: float = 30):
    """Ask the page again and again until `test` holds of what the worker keeps."""
    import time

    deadline = time.monotonic() + seconds
    while not test(kept := kept_pages(page)):
        assert time.monotonic() < deadline, kept
        page.wait_for_timeout(200)
    return kept


KEPT_WITH_A_FORM = ("/assets/js/form.js", "/assets/js/outbox.js", "/offline.html")


def visit_once(page: Page, path: str, besides: str | None = None) -> str:
    """Open a page online and wait until one cache (not `besides`) keeps it with its script; its name."""
    page.goto(path)
    wanted = [path, *KEPT_WITH_A_FORM]
    kept = until(
        page,
        lambda caches: (
            len(caches) == 1
            and besides not in caches
            and all(p in next(iter(caches.values())) for p in wanted)
        ),
    )
    (name,) = kept
    return name


def choose_provinces(page: Page, answers: dict) -> None:
    """Online, the provinces of `answers` that have a ward question chosen, so that their ward lists are
    fetched (and kept)."""
    pairs = _controls(answers)
    wards_of = {name.removesuffix("ward") + "province" for name, _ in pairs if name.endswith("ward")}
    provinces = [(name, value) for name, value in pairs if name in wards_of]
    for name, value in provinces:
        answer(page, name, value)
    until(page, lambda caches: all(
        f"/assets/data/wards/{value}.json" in paths for _, value in provinces for paths in caches.values()))


def stored(url: str, procedure_id: str) -> list[dict]:
    """What the office list holds for a procedure (the function's own database)."""
    import urllib.request

    from tests.servers import OFFICE_TOKEN

    request = urllib.request.Request(
        f"{url}/api/office/submissions?procedure={procedure_id}",
        headers={"Authorization": f"Bearer {OFFICE_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_after_one_visit_a_form_opens_offline_is_filled_and_goes_once_when_the_connection_returns(
    browser: Browser, served_site
):
    _, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    visit_once(page, "/bieu-mau/cham-dut/")
    answers = CATALOGUE["cham-dut"].examples[0]
    choose_provinces(page, answers)
    context.set_offline(True)
    page.goto("/bieu-mau/cham-dut/")  # opened once before: the kept copy
    expect(page.locator("form[data-procedure='cham-dut']")).to_be_visible()
    fill(page, answers)  # the wards of the chosen province come from the kept list
    send(page)
    status = page.locator(".bhtn-status")
    expect(status).to_contain_text("hồ sơ đang chờ gửi")
    expect(page.locator("[data-receipt-id]")).to_have_count(0)
    page.reload()  # still offline: the kept page, the filing still waiting
    expect(status).to_contain_text("hồ sơ đang chờ gửi")
    assert stored(url, "cham-dut") == []
    context.set_offline(False)
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=20_000)
    receipt_id = receipt.get_attribute("data-receipt-id")
    page.reload()
    expect(page.locator(".bhtn-sent")).to_contain_text("Bạn đã gửi hồ sơ này lúc")
    expect(page.locator(".bhtn-sent")).to_contain_text(receipt_id)
    filed = stored(url, "cham-dut")
    assert [s["id"] for s in filed] == [receipt_id]
    context.close()


def test_a_filing_left_waiting_goes_at_the_next_visit_and_its_receipt_is_shown(browser: Browser, served_site):
    _, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    visit_once(page, "/en/bieu-mau/tiep-tuc/")
    choose_provinces(page, CATALOGUE["tiep-tuc"].examples[0])
    context.set_offline(True)
    fill(page, CATALOGUE["tiep-tuc"].examples[0])
    send(page)
    expect(page.locator(".bhtn-status")).to_contain_text("waiting to be sent")
    page.close()  # the worker gives up and closes the page
    context.set_offline(False)
    page = context.new_page()
    page.goto("/en/bieu-mau/tiep-tuc/")
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=20_000)
    assert [s["id"] for s in stored(url, "tiep-tuc")] == [receipt.get_attribute("data-receipt-id")]
    context.close()


def test_the_worker_never_keeps_what_the_function_answers(browser: Browser, served_site):
    site, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    visit_once(page, "/bieu-mau/tiep-tuc/")
    page.evaluate("fetch('/api/procedures').then(r => r.text())")
    page.goto("/tra-cuu/")
    page.evaluate("fetch('/api/health').then(r => r.text())")
    for paths in kept_pages(page).values():
        assert not [p for p in paths if p.startswith(("/api", "/office", "/xac-minh", "/en/xac-minh"))], paths
    worker = (site / "sw.js").read_text(encoding="utf-8")
    assert '"never": ["api/", "office/", "xac-minh/", "en/xac-minh/", "_xem-truoc/"]' in worker
    context.close()


def test_the_worker_and_its_outbox_are_revalidated_on_every_visit(served_site):
    """Whatever caches the other files for a year, sw.js and the outbox.js it imports must not be:
    a new build reaches phones at once."""
    import urllib.request

    _, url = served_site
    for path in ("/sw.js", "/assets/js/outbox.js"):
        with urllib.request.urlopen(f"{url}{path}", timeout=10) as response:
            cache_control = response.headers.get("Cache-Control", "")
            assert response.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
        assert "no-cache" in cache_control or "max-age=0" in cache_control, (path, cache_control)


def test_a_visit_after_a_new_build_uses_the_new_version_and_drops_the_old(
    browser: Browser, served_site, tmp_path
):
    site, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    old = visit_once(page, "/bieu-mau/tiep-tuc/")
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    schema = forms / "tiep-tuc.schema.json"
    text = schema.read_text(encoding="utf-8")
    title = '"vi": "Tiếp tục hưởng trợ cấp thất nghiệp",'
    assert text.count(title) == 1
    schema.write_text(text.replace(title, f'"vi": "{NEW_TITLE}",'), encoding="utf-8")
    result = run_build(site, forms)  # into the folder being served
    assert result.returncode == 0, result.stdout + result.stderr
    visit_once(page, "/bieu-mau/tiep-tuc/", besides=old)  # the old cache is gone
    expect(page.locator("h1")).to_contain_text(NEW_TITLE)
    context.set_offline(True)
    page.goto("/bieu-mau/tiep-tuc/")  # with no signal: the kept copy is the new one
    expect(page.locator("h1")).to_contain_text(NEW_TITLE)
    context.close()


def test_a_first_visit_keeps_that_page_alone_never_the_rest_of_the_site(browser: Browser, served_site):
    _, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    visit_once(page, "/bieu-mau/tim-kiem-viec-lam/")
    (paths,) = kept_pages(page).values()
    pages = sorted(p for p in paths if p.endswith("/"))
    assert pages == ["/bieu-mau/tim-kiem-viec-lam/"], paths
    assert not [p for p in paths if p.startswith("/assets/data/wards/")], paths  # no province chosen yet
    context.close()


def test_a_page_never_opened_says_in_both_languages_that_there_is_no_connection(browser: Browser, served_site):
    _, url = served_site
    context = phone_context(browser, url)
    page = context.new_page()
    visit_once(page, "/bieu-mau/tiep-tuc/")
    context.set_offline(True)
    page.goto("/thu-tuc/cham-dut/")
    expect(page.locator("h1")).to_have_text("Chưa có mạng")
    expect(page.locator("[lang=en] h2")).to_have_text("No connection")
    expect(page.locator("main")).to_contain_text("Các trang bạn đã mở trước đây")
    page.goto("/bieu-mau/tiep-tuc/")  # what was opened still opens
    expect(page.locator("form[data-procedure='tiep-tuc']")).to_be_visible()
    context.close()
