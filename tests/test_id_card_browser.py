"""Fill from the chip identity card (CCCD): real Chromium with a fake camera showing a generated
QR code, the vendored decoder (headless Linux Chromium has no BarcodeDetector), a USB scanner
typing into the scanner box, and the card parser of docs/assets/js/id-card.js itself."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import BrowserType, Page, expect

from sitegen.forms import id_card_part
from submit_fn.model.procedures import load_catalogue
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, worker_form_ids
from tests.test_forms_browser import PHONE

CARD = "001190012345||Nguyễn Thị Hoa|15031990|Nữ|Số 8 ngõ 15 phố Quán Sứ, Phường Cửa Nam, Thành phố Hà Nội|10082021"
OLD_ADDRESS_CARD = "079085001234|025123456|TRẦN VĂN NAM|02111985|Nam|123 Đường Lê Lợi, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh|01072021"
IDENTITY = ("full_name", "citizen_id", "birth_date", "permanent_address.street", "permanent_address.province")
ALLOWED_WHILE_SCANNING = {"/assets/js/vendor/jsQR.js", "/assets/data/all-wards.json"}


def qr_video(text: str, path: Path) -> Path:
    """A still QR code as a Y4M video (640×480, 4:2:0), which Chromium's fake camera plays in a loop."""
    png = io.BytesIO()
    segno.make(text, error="m", micro=False).save(png, kind="png", scale=6, border=4)
    code = Image.open(png).convert("L")
    code = code.resize((400, 400 * code.height // code.width), Image.NEAREST)
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    chroma = bytes([128]) * (320 * 240)
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\nFRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def camera_page(browser_type: BrowserType, site_url: str, video: Path):
    browser = browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ])
    context = browser.new_context(viewport=PHONE, base_url=site_url)
    context.grant_permissions(["camera"])
    return browser, context.new_page()


def card_questions(procedure_id: str) -> dict[str, str]:
    """The worker's own questions a card fills, by part of the card, as the schema in force marks them."""
    procedure = load_catalogue()[procedure_id]
    return {part: field.name for field in procedure.fields if (part := id_card_part(field))}


def value(page: Page, name: str) -> str:
    return page.locator(f"[name='{name}']:not([type=hidden])").first.input_value()


def requests_of(page: Page) -> list:
    """Every request from now on (once the page and the theme's own fetches are done)."""
    page.wait_for_load_state("networkidle")
    seen = []
    page.on("request", lambda request: seen.append(request))
    return seen


def test_the_camera_reads_a_generated_card_and_fills_the_identity_questions_sending_nothing(browser_type, site_url, tmp_path):
    browser, page = camera_page(browser_type, site_url, qr_video(CARD, tmp_path / "card.y4m"))
    try:
        page.goto("/bieu-mau/huong-tro-cap/")
        assert page.evaluate("'BarcodeDetector' in window") is False  # so the vendored decoder is what reads it
        console = []
        page.on("console", lambda message: console.append(message.text))
        sent = requests_of(page)
        expect(page.get_by_role("button", name="Dừng quét")).to_be_hidden()
        page.get_by_role("button", name="Quét căn cước").click()
        expect(page.locator(".id-card-status")).to_contain_text("Đã điền từ thẻ căn cước", timeout=20000)
        asked = card_questions("huong-tro-cap")
        assert value(page, asked["name"]) == "Nguyễn Thị Hoa"
        assert value(page, asked["number"]) == "001190012345"
        assert value(page, asked["birth_date"]) == "1990-03-15"
        assert_sex_filled_only_where_asked(page, asked, "nu")
        assert value(page, "permanent_address.province") == "01"
        assert value(page, "permanent_address.ward") == "00073"  # Phường Cửa Nam
        assert value(page, "permanent_address.street") == "Số 8 ngõ 15 phố Quán Sứ"
        assert value(page, "current_address.street") == ""  # the card holds the permanent address only
        expect(page.locator("video.id-card-video")).to_be_hidden()  # the camera is off again
        # Only the decoder and the public list of communes, fetched before the card was read.
        assert {(r.method, r.url.removeprefix(site_url)) for r in sent} == {("GET", path) for path in ALLOWED_WHILE_SCANNING}
        assert not any("Hoa" in line or "001190012345" in line for line in console)
    finally:
        browser.close()


def assert_sex_filled_only_where_asked(page: Page, asked: dict[str, str], sex: str) -> None:
    """The card's sex fills the form's sex question where the form asks it; where it does not (the 2026
    Form No. 10 does not), no such control exists, none was added, and the status does not claim it."""
    if "sex" in asked:
        assert page.locator(f"input[name='{asked['sex']}'][value='{sex}']").is_checked()
    else:
        assert page.locator("[data-id-card='sex'], input[name='sex']").count() == 0
        expect(page.locator(".id-card-status")).not_to_contain_text("Giới tính")


def test_a_qr_code_that_is_not_an_identity_card_fills_nothing_and_says_so(browser_type, site_url, tmp_path):
    browser, page = camera_page(browser_type, site_url, qr_video("https://example.com/khuyen-mai|1|2", tmp_path / "other.y4m"))
    try:
        page.goto("/bieu-mau/huong-tro-cap/")
        page.get_by_role("button", name="Quét căn cước").click()
        expect(page.locator(".id-card-status")).to_contain_text("không phải mã QR của thẻ căn cước", timeout=20000)
        assert [value(page, name) for name in IDENTITY] == ["", "", "", "", ""]
        assert not page.locator("input[name='sex']:checked").count()
    finally:
        browser.close()


@pytest.fixture
def form_page(page: Page, site_url: str) -> Page:
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/bieu-mau/huong-tro-cap/")
    return page


def scanner_types(page: Page, text: str) -> None:
    """A USB scanner at the counter: it types the code into the focused box, then Enter."""
    page.locator("#id-card-text").click()
    page.keyboard.insert_text(text)
    page.keyboard.press("Enter")


def test_a_usb_scanner_fills_an_old_address_card_and_leaves_the_new_ward_to_choose(form_page: Page):
    scanner_types(form_page, OLD_ADDRESS_CARD + " \r")
    status = form_page.locator(".id-card-status")
    expect(status).to_contain_text("Đã điền từ thẻ căn cước")
    expect(status).to_contain_text("trước ngày 01/7/2025: hãy tự chọn xã/phường hiện nay")
    asked = card_questions("huong-tro-cap")
    assert value(form_page, asked["name"]) == "TRẦN VĂN NAM"
    assert_sex_filled_only_where_asked(form_page, asked, "nam")
    assert value(form_page, "permanent_address.province") == "79"  # Hồ Chí Minh kept its name in 2025
    assert value(form_page, "permanent_address.ward") == ""
    assert form_page.locator("select[name='permanent_address.ward'] option").count() > 100  # the city's wards, to choose
    assert value(form_page, "permanent_address.street") == "123 Đường Lê Lợi"
    assert form_page.locator("#id-card-text").input_value() == ""  # the card's text is not left on the page


def test_a_province_that_no_longer_exists_is_left_for_the_worker_to_choose(form_page: Page):
    scanner_types(form_page, "002090001234||Lò Văn Páo|01011990|Nam|Thôn Nà Khương, Xã Bản Máy, Huyện Hoàng Su Phì, Tỉnh Hà Giang|05052022")
    expect(form_page.locator(".id-card-status")).to_contain_text("không có trong 34 tỉnh, thành phố hiện nay")
    assert value(form_page, "permanent_address.province") == ""
    assert value(form_page, "citizen_id") == "002090001234"


def test_mojibake_from_a_scanner_that_reads_utf8_as_latin1_is_repaired(form_page: Page):
    garbled = CARD.encode("utf-8").decode("latin-1")
    scanner_types(form_page, garbled)
    expect(form_page.locator(".id-card-status")).to_contain_text("Đã điền")
    assert value(form_page, "full_name") == "Nguyễn Thị Hoa"
    assert value(form_page, "permanent_address.ward") == "00073"


def test_the_date_of_issue_fills_a_question_that_asks_for_it(form_page: Page):
    """The claim form's "Ngày cấp" arrives with branch records; any question marked issue_date takes it."""
    form_page.evaluate("""() => {
        const q = document.createElement('div');
        q.className = 'q'; q.dataset.name = 'id_issue_date'; q.dataset.idCard = 'issue_date';
        q.innerHTML = '<label for="f-id_issue_date">Ngày cấp</label><input type="date" id="f-id_issue_date" name="id_issue_date">';
        document.querySelector('form[data-procedure] fieldset').appendChild(q);
    }""")
    scanner_types(form_page, CARD)
    expect(form_page.locator(".id-card-status")).to_contain_text("Ngày cấp")
    assert value(form_page, "id_issue_date") == "2021-08-10"


def test_the_sex_fills_a_question_that_asks_for_it(form_page: Page):
    """Form No. 10 of 2026 asks no sex; a form that does (the 2024 one did) gets the card's."""
    form_page.evaluate("""() => {
        const q = document.createElement('div');
        q.className = 'q'; q.dataset.name = 'sex'; q.dataset.idCard = 'sex';
        q.innerHTML = '<fieldset><legend>Giới tính</legend>'
            + '<input type="radio" name="sex" value="nam" id="s-nam"><label for="s-nam">Nam</label>'
            + '<input type="radio" name="sex" value="nu" id="s-nu"><label for="s-nu">Nữ</label></fieldset>';
        document.querySelector('form[data-procedure] fieldset').appendChild(q);
    }""")
    scanner_types(form_page, CARD)
    expect(form_page.locator(".id-card-status")).to_contain_text("Giới tính")
    assert form_page.locator("input[name='sex'][value='nu']").is_checked()


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_each_form_page_marks_for_the_card_exactly_the_questions_its_schema_marks(built_site, procedure_id):
    page = (built_site / f"bieu-mau/{procedure_id}/index.html").read_text(encoding="utf-8")
    marked = dict(re.findall(r'data-name="([^"]+)" data-id-card="([^"]+)"', page))
    assert marked == {name: part for part, name in card_questions(procedure_id).items()}


def test_without_javascript_there_is_no_scan_button(browser, site_url):
    context = browser.new_context(java_script_enabled=False, base_url=site_url)
    page = context.new_page()
    page.goto("/bieu-mau/huong-tro-cap/")
    expect(page.locator(".bhtn-id-card")).to_be_hidden()
    context.close()


# The parser, unit by unit, in the browser that runs it ---------------------------------


@pytest.fixture(scope="module")
def parser(browser, site_url: str) -> Page:
    """One page holding id-card.js, for every parser case."""
    page = browser.new_page()
    page.goto(f"{site_url}/bieu-mau/tim-kiem-viec-lam/")
    yield page
    page.close()


def parse(page: Page, text: str):
    return page.evaluate("text => window.bhtnIdCard.parse(text)", text)


@pytest.mark.parametrize("text", [CARD, CARD + "\r", CARD + "  \r\n", "\ufeff" + CARD, CARD + "|extra|fields"])
def test_seven_fields_with_trailing_spaces_carriage_returns_or_extra_fields_are_read(parser: Page, text):
    card = parse(parser, text)
    assert card == {"number": "001190012345", "old_id": "", "name": "Nguyễn Thị Hoa", "birth_date": "1990-03-15", "sex": "Nữ",
                    "address": "Số 8 ngõ 15 phố Quán Sứ, Phường Cửa Nam, Thành phố Hà Nội", "issue_date": "2021-08-10"}


def test_six_fields_are_a_card_without_a_date_of_issue(parser: Page):
    card = parse(parser, CARD.rsplit("|", 1)[0] + "\r")
    assert card["issue_date"] is None and card["name"] == "Nguyễn Thị Hoa"


def as_windows_reads(text: str) -> str:
    """UTF-8 bytes read as Windows-1252, bytes it leaves undefined as the control characters Windows gives them."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize("garble", [lambda text: text.encode("utf-8").decode("latin-1"), as_windows_reads],
                         ids=["latin-1", "windows-1252"])
def test_utf8_read_as_latin1_or_windows_1252_is_repaired(parser: Page, garble):
    assert garble("Nguyễn").startswith("Nguyá»")
    assert parse(parser, garble(CARD)) == parse(parser, CARD)


def test_text_that_was_read_right_is_never_repaired(parser: Page):
    for name in ("Hà Mã Tú", "Nguyễn Văn An", "Lê Thị Mơ"):
        assert parser.evaluate("t => window.bhtnIdCard.repairMojibake(t)", name) == name


@pytest.mark.parametrize("text", [
    "001190012345|Nguyễn Thị Hoa|15031990|Nữ|Hà Nội",  # 5 fields
    "00119001234||Nguyễn Thị Hoa|15031990|Nữ|Hà Nội|10082021",  # 11 digits
    "001190012345||Nguyễn Thị Hoa|31021990|Nữ|Hà Nội|10082021",  # 31 February
    "001190012345||Nguyễn Thị Hoa|15031990|X|Hà Nội|10082021",  # no such sex on a card
    "001190012345||Nguyễn Thị Hoa|15031990|Nữ|Hà Nội|2021-08-10",  # a date of issue not written as on cards
    "001190012345||1234|15031990|Nữ|Hà Nội|10082021",  # digits for a name
    "https://example.com/?a=1|2|3|4|5|6",
    "",
])
def test_anything_else_is_not_a_card(parser: Page, text):
    assert parse(parser, text) is None


@pytest.mark.parametrize(("address", "expected"), [
    ("Số 8 ngõ 15 phố Quán Sứ, Phường Cửa Nam, Thành phố Hà Nội",
     {"street": "Số 8 ngõ 15 phố Quán Sứ", "ward": "Phường Cửa Nam", "province": "Thành phố Hà Nội", "old": False}),
    ("Thôn 3, Xã Bản Máy, Huyện Hoàng Su Phì, Tỉnh Hà Giang",
     {"street": "Thôn 3", "ward": "Xã Bản Máy", "province": "Tỉnh Hà Giang", "old": True}),
    ("Khu 2, Thị trấn Hùng Sơn, Tỉnh Thái Nguyên",
     {"street": "Khu 2", "ward": "Thị trấn Hùng Sơn", "province": "Tỉnh Thái Nguyên", "old": True}),
    ("Tỉnh Cao Bằng", {"street": "", "ward": "", "province": "Tỉnh Cao Bằng", "old": False}),
])
def test_an_address_is_split_as_it_is_written(parser: Page, address, expected):
    assert parser.evaluate("a => window.bhtnIdCard.addressParts(a)", address) == expected


def test_only_the_workers_own_questions_are_marked_for_the_card(built_site):
    page = (built_site / "bieu-mau/cham-dut/index.html").read_text(encoding="utf-8")
    assert 'data-name="full_name" data-id-card="name"' in page
    assert 'data-name="notifier.full_name" data-id-card' not in page  # the relative reporting is someone else
    claim = (built_site / "bieu-mau/huong-tro-cap/index.html").read_text(encoding="utf-8")
    assert 'data-name="permanent_address" data-id-card="address"' in claim
    assert 'data-name="current_address" data-id-card' not in claim
