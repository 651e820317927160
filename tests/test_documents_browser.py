"""Papers attached on the form page in real Chromium, against the real function: a worker on a
360 px phone photographs a termination decision, the photo is made smaller and sent with a
progress bar, the centre opens it from the filing's page, and a stranger holding the receipt
id cannot; without JavaScript the same form posts the file as multipart/form-data."""

from __future__ import annotations

import re

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFont
from playwright.sync_api import Browser, Page, expect

from submit_fn.office.access import hash_password, now, stamp
from tests.conftest import OUTPUT
from tests.servers import HANOI_TOKEN, OFFICE_TOKEN, SAIGON_TOKEN
from tests.test_documents import multi_page_pdf
from tests.test_forms_browser import CATALOGUE, PHONE, fill, send

SCREENS = OUTPUT / "screens"
FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
PASSWORD = "correct horse battery staple"


def termination_decision_photo(path) -> int:
    """A phone's 12-megapixel photo of a printed termination decision, grain and GPS position
    included, as the camera saves it (landscape pixels, EXIF Orientation 6). Its size in bytes."""
    page = Image.new("RGB", (4032, 3024), (228, 224, 212))
    draw = ImageDraw.Draw(page)
    big, small = ImageFont.truetype(FONT, 110), ImageFont.truetype(FONT, 64)
    draw.text((400, 300), "CÔNG TY TNHH ĐIỆN TỬ HÀ NỘI", font=small, fill=(20, 20, 20))
    draw.text((400, 600), "QUYẾT ĐỊNH", font=big, fill=(10, 10, 10))
    draw.text((400, 780), "Về việc chấm dứt hợp đồng lao động", font=small, fill=(20, 20, 20))
    for line in range(16):
        draw.text((400, 1000 + line * 110), "Điều 1. Chấm dứt hợp đồng lao động với bà Nguyễn Thị Hoa kể từ ngày 30/04/2026.",
                  font=small, fill=(40, 40, 40))
    grain = Image.effect_noise(page.size, 48).convert("RGB")
    photo = Image.blend(page, grain, 0.18)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (21.0, 1.0, 42.0)
    photo.save(path, "JPEG", quality=93, exif=exif.tobytes())
    return path.stat().st_size


@pytest.fixture(scope="module")
def centre(built_site, tmp_path_factory):
    """The site and a function with an account of the Hà Nội centre (province 01) and one of Hồ Chí Minh City's."""
    from sitegen.local_server import one_origin_app
    from submit_fn.service.api import create_app
    from tests.servers import serving, settings_for

    app = create_app(settings_for(f"sqlite:///{tmp_path_factory.mktemp('papers') / 'submissions.sqlite3'}"))
    storage = app.extensions["bhtn"]["storage"]
    for name, provinces in (("hoa.nguyen", frozenset({"01"})), ("saigon", frozenset({"79"}))):
        storage.add_account(name, hash_password(PASSWORD), provinces, stamp(now()))
    with serving(one_origin_app(built_site, app)) as url:
        yield url


def sign_in(browser: Browser, base: str, account: str) -> Page:
    page = browser.new_context(base_url=base, accept_downloads=True).new_page()
    page.goto("/office/sign-in")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/office/$"))
    return page


def test_a_worker_sends_a_photo_of_the_termination_decision_and_only_the_centre_opens_it(browser: Browser, centre, tmp_path):
    photo = tmp_path / "IMG_20260501_093012.jpg"
    sent_bytes = termination_decision_photo(photo)
    assert sent_bytes > 3_000_000  # a phone photo's weight
    worker = browser.new_context(viewport=PHONE, base_url=centre, has_touch=True, is_mobile=True).new_page()
    worker.goto("/bieu-mau/huong-tro-cap/")
    control = worker.locator("#f-documents-giay-to-cham-dut")
    expect(control).to_have_attribute("accept", re.compile("image/"))
    fill(worker, CATALOGUE["huong-tro-cap"].examples[0])
    control.set_input_files(str(photo))
    status = control.locator("xpath=following-sibling::p[contains(@class, 'bhtn-document-status')]")
    expect(status).to_contain_text("Ảnh đã được thu nhỏ")
    shrunk_kb = int(re.search(r"→ (\d+) KB", status.inner_text()).group(1))
    assert shrunk_kb < 800, status.inner_text()  # about a tenth of what the camera saved
    SCREENS.mkdir(parents=True, exist_ok=True)
    worker.screenshot(path=SCREENS / "huong-tro-cap-document-360.png", full_page=True)

    network = worker.context.new_cdp_session(worker)  # a slow mobile uplink, so that the progress bar is seen
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {"offline": False, "latency": 100, "downloadThroughput": 200_000, "uploadThroughput": 60_000})
    send(worker)
    progress = worker.locator(".bhtn-upload-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("aria-label", re.compile(r"Đang gửi hồ sơ và giấy tờ: \d+%"))
    receipt = worker.locator("[data-receipt-id]")
    expect(receipt).to_be_visible(timeout=60_000)
    expect(progress).to_be_hidden()
    receipt_id = receipt.get_attribute("data-receipt-id")
    network.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    office = sign_in(browser, centre, "hoa.nguyen")
    office.goto(f"/office/submissions/{receipt_id}")
    link = office.get_by_role("link", name="Giấy tờ xác nhận đã chấm dứt hợp đồng hoặc chấm dứt làm việc")
    with office.expect_download() as download:
        link.click()
    kept = Image.open(download.value.path())
    assert kept.format == "JPEG" and max(kept.size) <= 2000 and kept.size[1] > kept.size[0]  # upright, as the worker held it
    assert dict(kept.getexif()) == {}  # no GPS position, no camera
    office.reload()
    expect(office.locator("table.audit")).to_contain_text("Xem giấy tờ kèm theo (1)")

    stranger = browser.new_context(base_url=centre).new_page()
    path = f"/office/submissions/{receipt_id}/documents/1"
    stranger.goto(path)
    expect(stranger).to_have_url(re.compile(r"/office/sign-in"))  # the receipt id opens nothing
    assert stranger.request.get("/api" + path).status == 401
    assert stranger.request.get("/api" + path, headers={"Authorization": f"Bearer {SAIGON_TOKEN}"}).status == 404
    other_centre = sign_in(browser, centre, "saigon")
    assert other_centre.goto(path).status == 404
    public = stranger.request.get(f"/api/receipts/{receipt_id}").json()["receipt"]
    assert "documents" not in public
    assert stranger.request.get("/api" + path, headers={"Authorization": f"Bearer {HANOI_TOKEN}"}).status == 200


def test_without_javascript_the_form_posts_its_file_and_gets_an_html_receipt(browser: Browser, centre, tmp_path):
    pdf = multi_page_pdf(2)
    (tmp_path / "quyet-dinh.pdf").write_bytes(pdf)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=centre)
    page = context.new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    fill(page, CATALOGUE["huong-tro-cap"].examples[1], javascript=False)
    expect(page.locator("form[data-procedure]")).to_have_attribute("enctype", "multipart/form-data")  # the form again, after the wards
    page.set_input_files("#f-documents-giay-to-cham-dut", str(tmp_path / "quyet-dinh.pdf"))
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/api/receipts/[0-9A-Z-]+\?lang=vi$"))  # Post/Redirect/Get
    receipt = page.locator("[data-receipt-id]")
    expect(receipt).to_be_visible()
    receipt_id = receipt.get_attribute("data-receipt-id")
    token = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
    [listed] = page.request.get(f"/api/office/submissions/{receipt_id}", headers=token).json()["documents"]
    assert (listed["media_type"], listed["pages"], listed["kind"]) == ("application/pdf", 2, "giay-to-cham-dut")
    assert page.request.get(listed["href"], headers=token).body() == pdf
    context.close()


def test_without_javascript_a_file_that_is_not_a_paper_gets_a_page_naming_it(browser: Browser, centre, tmp_path):
    fake = tmp_path / "anh.jpg"
    fake.write_text("<html><body>not a photo</body></html>")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=centre)
    page = context.new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    fill(page, CATALOGUE["huong-tro-cap"].examples[1], javascript=False)
    page.set_input_files("#f-documents-giay-to-cham-dut", str(fake))
    page.get_by_role("button", name="Gửi hồ sơ").click()
    refusal = "Tệp thứ 1 («Giấy tờ xác nhận đã chấm dứt hợp đồng hoặc chấm dứt làm việc») không phải ảnh JPEG"
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(refusal)  # the form again: the refusal listed, and beside its file control
    expect(page.locator("#f-documents-giay-to-cham-dut-error")).to_contain_text(refusal)
    expect(page.locator("#f-documents-giay-to-cham-dut")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".bhtn-documents-again")).to_be_visible()  # the file must be chosen again, and says so
    summary.get_by_role("link", name=re.compile("Giấy tờ xác nhận")).click()
    expect(page).to_have_url(re.compile("#f-documents-giay-to-cham-dut$"))
    assert page.locator("input[name=full_name]").input_value()  # the answers kept
    png = tmp_path / "quyet-dinh.png"
    Image.new("RGB", (800, 1200), (255, 255, 255)).save(png)
    page.set_input_files("#f-documents-giay-to-cham-dut", str(png))
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.locator("[data-receipt-id]")).to_be_visible()
    context.close()


def test_a_chosen_file_is_kept_with_the_draft_and_sent_after_a_reload(browser: Browser, centre, tmp_path):
    png = tmp_path / "chup-man-hinh.png"
    Image.new("RGB", (800, 1200), (255, 255, 255)).save(png)
    page = browser.new_context(viewport=PHONE, base_url=centre).new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    fill(page, CATALOGUE["huong-tro-cap"].examples[0])
    page.set_input_files("#f-documents-giay-to-cham-dut", str(png))
    kept = page.locator(".bhtn-documents-kept")
    expect(kept).to_be_visible()  # shown once the file is in IndexedDB (its words are in the page, hidden, from the start)
    expect(kept).to_have_text(re.compile("được giữ trên máy này"))
    page.reload()
    expect(page.locator(".bhtn-document-status")).to_contain_text("Đã giữ từ bản nháp: chup-man-hinh")
    send(page)
    receipt_id = page.locator("[data-receipt-id]").get_attribute("data-receipt-id", timeout=15_000)
    listed = page.request.get(f"/api/office/submissions/{receipt_id}", headers={"Authorization": f"Bearer {OFFICE_TOKEN}"}).json()["documents"]
    assert [d["kind"] for d in listed] == ["giay-to-cham-dut"]
    page.reload()  # sent: the draft's files are gone with it
    expect(page.locator(".bhtn-document-status")).to_be_hidden()


def test_the_proof_of_an_event_is_asked_only_for_events_that_need_one(browser: Browser, centre):
    page = browser.new_context(viewport=PHONE, base_url=centre).new_page()
    page.goto("/bieu-mau/cham-dut/")
    control = page.locator("#f-documents-giay-to-chung-minh")
    expect(control).to_be_hidden()
    page.check("input[name=event][value=viec-lam]")
    expect(control).to_be_visible()
    page.check("input[name=event][value=nguyen-vong]")
    expect(control).to_be_hidden()


def test_a_form_without_papers_to_attach_loads_no_document_script(browser: Browser, centre):
    page = browser.new_context(base_url=centre).new_page()
    page.goto("/bieu-mau/tim-kiem-viec-lam/")
    assert page.locator("script[src$='documents.js']").count() == 0 and page.locator("input[type=file][name=documents]").count() == 0
    assert page.locator("form[data-procedure]").get_attribute("enctype") is None

