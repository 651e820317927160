"""Printed forms and receipts, read back as an office and a worker would meet them.

Every PDF is checked with poppler's tools (pdfinfo, pdffonts, pdftotext, pdfimages),
the QR code with zbarimg, and every page is written as a PNG under tests/output/pdf/
for a person to look at.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import subprocess
import threading
import unicodedata
import zlib
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from submit_fn.model.divisions import division_names
from submit_fn.model.procedures import Procedure, load_catalogue
from submit_fn.pdf import render as pdf
from submit_fn.pdf.values import amount_in_digits, amount_in_words, date_in_words, moment_in_words
from tests.conftest import OUTPUT, ROOT

PNG_DIR = OUTPUT / "pdf"
A4_POINTS = (595.28, 841.89)
RECEIPT = {
    "id": "7KQM-3XPD-W9TB-HN4R",
    "procedure": "huong-tro-cap",
    "schema_version": "2026.2",
    "received_at": "2026-03-02T09:41:07+07:00",
    "due_date": "2026-03-16",
    "signature": "sig",
    "centre": {"province": "01", "name": {"vi": "Trung tâm Dịch vụ việc làm Thành phố Hà Nội", "en": "Employment Service Centre of Hà Nội City"}},
}
VERIFY_URL = "https://bhtn.example.gov.vn/xac-minh/7KQM-3XPD-W9TB-HN4R?signature=4f2a9c"


# Reading PDFs back ----------------------------------------------------------


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """NFC with every whitespace removed: words wrap, digits sit in separate boxes."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(path), "-")


def page_sizes(path: Path) -> list[tuple[float, float]]:
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.MULTILINE).group(1))
    info = run("pdfinfo", "-f", "1", "-l", str(pages), str(path))
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.MULTILINE)]


def font_rows(path: Path) -> list[str]:
    return run("pdffonts", str(path)).splitlines()[2:]


def inflated(path: Path) -> bytes:
    """The PDF with its Flate streams decompressed, to find catalogue entries."""
    data = path.read_bytes()
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def save(data: bytes, name: str) -> Path:
    """Write the PDF and a PNG of each page (60 dpi) under tests/output/pdf/."""
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    path = PNG_DIR / f"{name}.pdf"
    path.write_bytes(data)
    for old in PNG_DIR.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(PNG_DIR / name)], check=True)
    return path


# Fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def built(catalogue, tmp_path_factory) -> Path:
    """The blank PDFs as the build writes them into the site."""
    site = tmp_path_factory.mktemp("site")
    pdf.build_pdfs(catalogue, site, tmp_path_factory.mktemp("cache"), progress=lambda line: None)
    for path in site.glob("**/*.pdf"):
        lang = "en-" if path.parent.parent.name == "en" else ""
        save(path.read_bytes(), f"blank-{lang}{path.stem}")
    return site


def with_forms(catalogue) -> list[Procedure]:
    """The procedures with a blank form to print: where the worker files nothing (tam-dung) there is none."""
    return [procedure for procedure in catalogue if procedure.has_worker_form]


def blank_path(site: Path, procedure_id: str, lang: str = "vi") -> Path:
    return pdf.pdf_path(site, procedure_id, lang)


def form_words(procedure: Procedure, lang: str) -> list[str]:
    """Every label and option of a schema, and the form's own heading."""
    form = procedure.meta["form"]
    words = [form[key][lang] for key in ("number", "basis", "name") if key in form]
    for field in procedure.fields:
        words.append(field.label[lang])
        schema = field.schema.get("items", field.schema)
        words += [choice["x-en"]["title"] if lang == "en" else choice["title"] for choice in schema.get("oneOf", [])]
    return words


# Blank forms ----------------------------------------------------------------


def test_the_build_writes_a_blank_vietnamese_and_english_pdf_for_every_procedure_with_a_worker_form(built, catalogue):
    for procedure in with_forms(catalogue):
        assert blank_path(built, procedure.id).read_bytes().startswith(b"%PDF-")
        assert blank_path(built, procedure.id, "en").read_bytes().startswith(b"%PDF-")
    assert (built / "pdf" / "huong-tro-cap.pdf").is_file()
    assert sorted(path.name for path in built.glob("**/*.pdf")) == sorted(f"{p.id}.pdf" for p in with_forms(catalogue) for _ in "ve")
    assert not blank_path(built, "tam-dung").exists() and not blank_path(built, "tam-dung", "en").exists()


def test_the_blank_form_no_10_carries_every_line_of_the_2026_form(built):
    text = squeezed(pdf_text(blank_path(built, "huong-tro-cap")))
    for line in ("Mẫu số 10", "Kính gửi: Tổ chức dịch vụ việc làm công", "Tên tôi là", "Sinh ngày", "Số định danh cá nhân", "Ngày cấp",
                 "Số điện thoại", "Email (nếu có)", "Trình độ đào tạo", "Chuyên ngành đào tạo", "Nơi thường trú", "Nơi ở hiện nay",
                 "Ngày tôi đã chấm dứt hợp đồng lao động/hợp đồng làm việc", "Với (tên đơn vị)", "Tại địa chỉ",
                 "Lý do chấm dứt hợp đồng lao động/hợp đồng làm việc", "Loại hợp đồng lao động/hợp đồng làm việc",
                 "Số tháng đóng bảo hiểm thất nghiệp", "Tên chủ tài khoản", "Số tài khoản", "Tại ngân hàng",
                 "Không có tài khoản", "Nhận tiền mặt tại BHXH cấp cơ sở",
                 "Nơi đăng ký khám chữa bệnh ban đầu", "(Ký, ghi rõ họ tên)"):
        assert squeezed(line) in text, line
    for gone in ("Giới tính", "Mã số bảo hiểm xã hội", "Dân tộc", "Ngành nghề", "Nhu cầu được hỗ trợ", "Nơi cấp"):
        assert squeezed(gone) not in text, gone


def test_every_page_of_every_blank_form_is_a4(built, catalogue):
    for procedure in with_forms(catalogue):
        for lang in ("vi", "en"):
            sizes = page_sizes(blank_path(built, procedure.id, lang))
            assert sizes, procedure.id
            for width, height in sizes:
                assert abs(width - A4_POINTS[0]) < 0.5 and abs(height - A4_POINTS[1]) < 0.5, (procedure.id, sizes)


def test_blank_forms_embed_subsets_of_the_noto_fonts(built, catalogue):
    for procedure in with_forms(catalogue):
        rows = font_rows(blank_path(built, procedure.id))
        assert rows, procedure.id
        for row in rows:
            name, embedded, subset = row.split()[0], row.split()[-5], row.split()[-4]
            assert "Noto" in name and embedded == "yes" and subset == "yes", row


def test_every_label_and_option_of_a_schema_is_printed_on_its_blank_form(built, catalogue):
    for procedure in with_forms(catalogue):
        for lang in ("vi", "en"):
            text = squeezed(pdf_text(blank_path(built, procedure.id, lang)))
            missing = [word for word in form_words(procedure, lang) if squeezed(word) not in text]
            assert not missing, (procedure.id, lang, missing)


def test_a_blank_form_has_the_national_heading_addressee_and_signature_block(built):
    text = squeezed(pdf_text(blank_path(built, "huong-tro-cap")))
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Kính gửi:",
        "NGƯỜI ĐỀ NGHỊ",
        "(Ký, ghi rõ họ tên)",
        "ngày",
        "(nếu chọn “Qua tài khoản ngân hàng”)",
    ):
        assert squeezed(words) in text, words


def test_pdfs_carry_a_title_the_vietnamese_language_tags_and_pdf_a_metadata(built):
    path = blank_path(built, "huong-tro-cap")
    info = run("pdfinfo", str(path))
    assert re.search(r"^Title:\s+Mẫu số 10: ĐỀ NGHỊ HƯỞNG TRỢ CẤP THẤT NGHIỆP$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert b"/Lang (vi)" in inflated(path)
    assert 'pdfaid:part="3"' in run("pdfinfo", "-meta", str(path))
    assert b"/Lang (en)" in inflated(blank_path(built, "huong-tro-cap", "en"))


def test_a_field_added_to_a_schema_appears_in_its_blank_and_filled_pdf(tmp_path):
    def edit(schema):
        schema["properties"]["job_search"] = {"$ref": "shared/defs.schema.json#/$defs/jobSearchContacts"}
        schema["properties"]["last_salary"] = {
            "type": "integer",
            "title": "Tiền lương tháng cuối cùng",
            "x-en": {"title": "Last monthly salary"},
            "x-layout": {"widget": "money"},
        }
        schema["x-sections"][-1]["fields"][:0] = ["last_salary", "job_search"]

    procedure = edited_catalogue(tmp_path, "huong-tro-cap", edit)

    blank = squeezed(pdf_text(save(pdf.render_blank(procedure), "added-field-blank")))
    for words in ("Tiền lương tháng cuối cùng", "Kết quả tìm kiếm việc làm trong tháng", "Vị trí công việc dự tuyển"):
        assert squeezed(words) in blank, words

    contacts = [
        {"employer": "Công ty Dệt Minh Anh", "address": "Gia Lâm, Hà Nội", "position": "Thợ dệt", "result": "Chờ phỏng vấn"},
        {"employer": "Xưởng may Bình Minh", "address": "Đông Anh", "position": "Thợ may", "result": "Không được tuyển"},
    ]
    answers = {**procedure.examples[0], "last_salary": 7_500_000, "job_search": contacts}
    filled = squeezed(pdf_text(save(pdf.render_filled(procedure, answers), "added-field-filled")))
    assert squeezed("7.500.000 đồng (Bằng chữ: Bảy triệu năm trăm nghìn đồng)") in filled
    for contact in contacts:
        for value in contact.values():
            assert squeezed(value) in filled, value


def edited_catalogue(tmp_path: Path, procedure_id: str, edit) -> Procedure:
    """The catalogue loaded from a copy of forms/ in which one schema was edited."""
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    path = forms / f"{procedure_id}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return load_catalogue(forms)[procedure_id]


def test_the_signature_block_names_the_signer_the_schema_gives(tmp_path):
    def edit(schema):
        schema["x-procedure"]["form"]["signer"] = {"vi": "NGƯỜI THÔNG BÁO", "en": "NOTIFYING PERSON"}

    text = pdf_text(save(pdf.render_blank(edited_catalogue(tmp_path, "tim-kiem-viec-lam", edit)), "signer"))
    assert "NGƯỜI THÔNG BÁO" in text and "NGƯỜI ĐỀ NGHỊ" not in text


def test_a_blank_form_is_the_same_file_every_time_it_is_made(built, catalogue):
    assert pdf.render_blank(catalogue["huong-tro-cap"]) == blank_path(built, "huong-tro-cap").read_bytes()


@pytest.fixture
def fresh_renderer():
    """A renderer started for this test alone (fonts and stylesheet are loaded once per renderer)."""
    pdf._renderer.cache_clear()
    yield
    pdf._renderer.cache_clear()


def test_the_deployed_function_prints_with_the_fonts_bundled_beside_it(catalogue, tmp_path, monkeypatch, fresh_renderer):
    bundled = pdf.bundle_fonts(tmp_path / "fonts")
    assert sorted(p.name for p in bundled) == sorted(pdf.FONT_FILES)
    monkeypatch.setattr(pdf, "FONTS_DIR", tmp_path / "fonts")
    monkeypatch.setattr(pdf, "SYSTEM_FONTS_DIR", tmp_path / "no-system-fonts")
    served: list[Path] = []
    own_file = pdf.own_file
    monkeypatch.setattr(pdf, "own_file", lambda url_path: served.append(own_file(url_path)) or served[-1])
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf.render_receipt(catalogue["huong-tro-cap"], RECEIPT, VERIFY_URL))
    names = {row.split()[0].split("+")[1] for row in font_rows(path)}
    assert {"Noto-Serif", "Noto-Serif-Bold", "Noto-Sans"} <= names
    assert len(served) >= 3 and all(font.parent == tmp_path / "fonts" for font in served)


# Filled forms ---------------------------------------------------------------


def printed(procedure: Procedure, pointer: str, value: object) -> list[str]:
    """What an office must be able to read for one answer (written independently of pdf_values)."""
    field = procedure.field_at(pointer)
    schema = field.schema
    if isinstance(value, bool):
        return [field.label.vi]
    if isinstance(value, list):
        titles = {choice["const"]: choice["title"] for choice in schema["items"]["oneOf"]}
        return [titles[item] for item in value]
    if "oneOf" in schema:
        return [next(choice["title"] for choice in schema["oneOf"] if choice.get("const") == value)]
    if schema.get("format") == "date":
        day = date.fromisoformat(value)
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return [f"ngày {day.day:02d} tháng {month} năm {day.year}"]
    if isinstance(value, str) and re.fullmatch(r"\d{2}|\d{5}", value) and value in division_names():
        return [division_names()[value]]
    if schema.get("x-layout", {}).get("widget") == "money":
        return [f"{value:,}".replace(",", ".") + " đồng"]
    return [str(value)]


def answers_of(instance: dict, pointer: str = ""):
    """(pointer, answer) for every leaf answer, inside groups and repeated groups too."""
    for key, value in instance.items():
        if isinstance(value, dict):
            yield from answers_of(value, f"{pointer}/{key}")
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                yield from answers_of(item, f"{pointer}/{key}/{index}")
        else:
            yield f"{pointer}/{key}", value


def test_a_filled_form_prints_every_answer_of_every_example(catalogue):
    for procedure in with_forms(catalogue):
        for number, example in enumerate(procedure.examples):
            path = save(pdf.render_filled(procedure, example, None), f"filled-{procedure.id}-{number}")
            text = squeezed(pdf_text(path))
            for pointer, value in answers_of(example):
                for words in printed(procedure, pointer, value):
                    assert squeezed(words) in text, (procedure.id, number, pointer, words)
            assert all(width == pytest.approx(A4_POINTS[0], abs=0.5) for width, _ in page_sizes(path))


def test_an_office_can_print_a_submission_whose_answers_no_longer_fit_the_schema(catalogue):
    procedure = catalogue["huong-tro-cap"]
    damaged = {
        "full_name": "Lê Văn Tám",
        "birth_date": "15/03/1990",
        "sex": 1,
        "citizen_id": None,
        "permanent_address": "Hà Nội",
        "needs": [{"old": "shape"}],
        "attachments": [None, "giay-to-cu"],
        "contribution_months": {"months": 12},
    }
    text = pdf_text(save(pdf.render_filled(procedure, damaged, {"id": "X", "received_at": "not a time"}), "damaged"))
    assert "Lê Văn Tám" in text and "15/03/1990" in text


def test_province_and_ward_codes_are_printed_as_their_names(catalogue):
    procedure = catalogue["huong-tro-cap"]
    text = pdf_text(save(pdf.render_filled(procedure, procedure.examples[0], RECEIPT), "filled-with-receipt"))
    assert "Thành phố Hà Nội" in text and "Phường Hoàn Kiếm" in text
    assert not re.search(r"\b00070\b", text)


@pytest.mark.parametrize(("province", "centre"), [("01", "Trung tâm Dịch vụ việc làm Thành phố Hà Nội"), ("15", "Trung tâm Dịch vụ việc làm tỉnh Lào Cai")])
def test_a_filled_form_is_addressed_to_the_named_centre_without_repeating_province_or_city(catalogue, province, centre):
    procedure = catalogue["huong-tro-cap"]
    answers = {**procedure.examples[0], "centre_province": province}
    text = squeezed(pdf_text(save(pdf.render_filled(procedure, answers, RECEIPT), f"addressed-{province}")))
    assert squeezed(f"Kính gửi: {centre}") in text
    assert squeezed("tỉnh/thành phố") not in text.split(squeezed("Kính gửi"), 1)[1][:120]


def test_a_receipt_names_the_centre_that_received_it(catalogue):
    text = squeezed(pdf_text(save(pdf.render_receipt(catalogue["huong-tro-cap"], RECEIPT, VERIFY_URL), "receipt-centre")))
    assert squeezed("Nơi nhận Trung tâm Dịch vụ việc làm Thành phố Hà Nội") in text


def test_only_the_chosen_options_are_ticked(catalogue):
    procedure = catalogue["huong-tro-cap"]
    example = procedure.examples[0]
    lines = [line.strip() for line in pdf_text(save(pdf.render_filled(procedure, example), "ticks")).splitlines()]
    ticked = {line[2:] for line in lines if line.startswith("X ")}
    kinds = {o.value: o.label.vi for o in procedure.field_at("/contract_type").options}
    assert kinds[example["contract_type"]] in ticked and (set(kinds.values()) - {kinds[example["contract_type"]]}).isdisjoint(ticked)
    assert "Qua tài khoản ngân hàng" in ticked and "Không có tài khoản" not in ticked


def test_a_filled_form_shows_its_receipt_and_the_signers_name(catalogue):
    procedure = catalogue["huong-tro-cap"]
    text = squeezed(pdf_text(save(pdf.render_filled(procedure, procedure.examples[0], RECEIPT), "filled-receipt")))
    assert squeezed(RECEIPT["id"]) in text
    assert squeezed("09:41, ngày 02 tháng 3 năm 2026") in text
    assert squeezed(procedure.examples[0]["full_name"]) in text


def test_decomposed_answers_are_printed_composed(catalogue):
    procedure = catalogue["huong-tro-cap"]
    answers = {**procedure.examples[0], "employer_name": unicodedata.normalize("NFD", "Công ty Xây dựng Đức Thịnh")}
    text = pdf_text(save(pdf.render_filled(procedure, answers), "nfd"))
    assert "Công ty Xây dựng Đức Thịnh" in text
    assert unicodedata.normalize("NFD", "Đức Thịnh") not in text


# Receipts -------------------------------------------------------------------


def test_the_receipt_qr_code_opens_the_verification_url(catalogue, tmp_path):
    path = save(pdf.render_receipt(catalogue["huong-tro-cap"], RECEIPT, VERIFY_URL), "receipt")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "qr")], check=True)
    decoded = run("zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")).strip()
    assert decoded == VERIFY_URL


def test_the_receipt_says_what_was_received_when_and_what_comes_next(catalogue):
    procedure = catalogue["huong-tro-cap"]
    path = save(pdf.render_receipt(procedure, RECEIPT, VERIFY_URL), "receipt-text")
    text = squeezed(pdf_text(path))
    for words in (
        RECEIPT["id"],
        procedure.title.vi,
        "09:41, ngày 02 tháng 3 năm 2026",
        "ngày 16 tháng 3 năm 2026",
        re.sub(r"\*\*", "", procedure.guidance["after"]["vi"]),
        VERIFY_URL,
    ):
        assert squeezed(words) in text, words
    assert len(page_sizes(path)) == 1


def test_a_receipt_without_a_due_date_says_so(catalogue):
    receipt = {**RECEIPT, "due_date": None}
    text = pdf_text(save(pdf.render_receipt(catalogue["huong-tro-cap"], receipt, VERIFY_URL, "en"), "receipt-en"))
    assert "This procedure has no result date." in text


# Safe rendering -------------------------------------------------------------


class _CountingHandler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def trap():
    """A local HTTP server counting every request made to it."""
    _CountingHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.hits
    server.shutdown()
    thread.join(timeout=5)


def hostile_answers(procedure: Procedure, url: str, secret: Path) -> dict:
    answers = copy.deepcopy(procedure.examples[0])
    answers["employer_name"] = f'<img src="{url}/img"><img src="file://{secret}">'
    answers["employer_address"] = f'<link rel="stylesheet" href="{url}/css"><style>@import url({url}/import);</style>'
    answers["termination_reason"] = f'<p style="background: url({url}/bg)">x</p>]]><script>alert(1)</script>'
    answers["permanent_address"]["street"] = f"url({url}/street) {{{{ 7*7 }}}}"
    return answers


def test_hostile_answers_are_printed_as_text_and_fetch_nothing(catalogue, trap, tmp_path):
    url, hits = trap
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    procedure = catalogue["huong-tro-cap"]
    answers = hostile_answers(procedure, url, secret)
    path = save(pdf.render_filled(procedure, answers), "hostile")
    text = squeezed(pdf_text(path))
    assert hits == []
    for pointer in ("/employer_name", "/employer_address", "/termination_reason"):
        assert squeezed(answers[pointer[1:]]) in text, pointer
    assert squeezed(answers["permanent_address"]["street"]) in text
    assert "TOP-SECRET" not in text
    assert run("pdfimages", "-list", str(path)).splitlines()[2:] == []


def png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(path)
    return path


def test_the_renderer_fetches_nothing_but_its_own_files_even_from_markup(trap, tmp_path):
    url, hits = trap
    image = png(tmp_path / "photo.png")
    inline = base64.b64encode(png(tmp_path / "inline.png").read_bytes()).decode()
    markup = f"""<html><head>
      <link rel="stylesheet" href="{url}/style.css">
      <style>@import url("{url}/import.css"); body {{ background: url("{url}/bg.png") }}
      @font-face {{ font-family: X; src: url("{url}/font.ttf") }} p {{ font-family: X }}</style>
    </head><body>
      <p>Xin chào</p>
      <img src="{url}/img.png"><img src="{image.as_uri()}"><img src="file:///etc/passwd">
      <img src="data:image/png;base64,{inline}">
      <object data="{url}/object"></object><iframe src="{url}/frame"></iframe>
    </body></html>"""
    data, _ = pdf.html_to_pdf(markup)
    path = tmp_path / "markup.pdf"
    path.write_bytes(data)
    assert hits == []
    assert run("pdfimages", "-list", str(path)).splitlines()[2:] == []
    assert "Xin chào" in pdf_text(path)


def test_the_fetcher_serves_the_project_fonts_and_refuses_everything_else(tmp_path):
    fetcher = pdf.url_fetcher()
    response = fetcher("bhtn:fonts/NotoSerif-Regular.ttf")
    assert response.read(4) in (b"\x00\x01\x00\x00", b"true")
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.com/font.ttf",
        "data:text/plain,hello",
        "bhtn:fonts/../../../../etc/passwd",
        "bhtn:static/pdf.css",
        "BHTN:fonts/%2e%2e/secret",
        f"bhtn:fonts/{tmp_path}",
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher(url)


# The build ------------------------------------------------------------------


def test_a_rebuild_renders_only_the_procedures_whose_schema_changed(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    site, cache = tmp_path / "site", tmp_path / "cache"
    first: list[str] = []
    pdf.build_pdfs(load_catalogue(forms), site, cache, progress=first.append, langs=("vi",))
    assert sum("page(s)" in line for line in first) == 5  # no blank form for tam-dung: nothing to file

    again: list[str] = []
    written = pdf.build_pdfs(load_catalogue(forms), site, cache, progress=again.append, langs=("vi",))
    assert all("unchanged" in line for line in again) and len(again) == 5
    assert sorted(p.name for p in written) == sorted(f"{p.id}.pdf" for p in with_forms(load_catalogue(forms)))

    path = forms / "chuyen-noi-huong.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["x-procedure"]["form"]["name"]["vi"] = "TÊN BIỂU MẪU ĐÃ ĐỔI"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    changed: list[str] = []
    pdf.build_pdfs(load_catalogue(forms), site, cache, progress=changed.append, langs=("vi",))
    rendered = [line for line in changed if "page(s)" in line]
    assert len(rendered) == 1 and "chuyen-noi-huong" in rendered[0]
    assert "TÊN BIỂU MẪU ĐÃ ĐỔI" in pdf_text(site / "pdf" / "chuyen-noi-huong.pdf")
    assert len(list(cache.glob("chuyen-noi-huong.vi.*.pdf"))) == 1


def test_the_build_says_how_to_install_harfbuzz_subsetting_when_it_is_missing(monkeypatch):
    from weasyprint.text import ffi

    assert pdf.check_harfbuzz_subset() is None  # installed on this machine (SETUP.md)
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    message = pdf.check_harfbuzz_subset()
    assert "libharfbuzz-subset0" in message and "apt-get install" in message


# How answers read -----------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "vi", "en"),
    [
        ("2026-03-15", "ngày 15 tháng 3 năm 2026", "15 March 2026"),
        ("2026-02-05", "ngày 05 tháng 02 năm 2026", "5 February 2026"),
        ("2025-12-31", "ngày 31 tháng 12 năm 2025", "31 December 2025"),
    ],
)
def test_dates_read_as_on_vietnamese_administrative_documents(iso, vi, en):
    assert date_in_words(iso) == vi
    assert date_in_words(iso, "en") == en


def test_amounts_read_in_digits_and_in_vietnamese_words():
    assert amount_in_digits(3_186_000) == "3.186.000 đồng"
    assert amount_in_words(3_186_000) == "Ba triệu một trăm tám mươi sáu nghìn đồng"
    assert amount_in_words(1_500_000) == "Một triệu năm trăm nghìn đồng"
    assert amount_in_digits(1_500_000, "en") == "1,500,000 dong"


def test_a_receipt_time_reads_in_its_own_offset():
    assert moment_in_words("2026-03-02T23:05:00+07:00") == "23:05, ngày 02 tháng 3 năm 2026"
