"""The words a worker reads: the menu, the page for a wrong address, who may file for a worker in
hospital, the receiving centre on receipts and PDFs, and the Vietnamese form offered on English pages."""

from __future__ import annotations

import copy
import html
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from submit_fn.model.divisions import centre_name
from submit_fn.model.procedures import load_catalogue
from tests.conftest import worker_form_ids

CATALOGUE = load_catalogue()
MENU = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.DOTALL)


def menu_text(page: Path) -> str:
    found = MENU.search(page.read_text(encoding="utf-8"))
    assert found, page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))))


def text_of(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    article = body[body.index("<article"):body.index("</article>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)))


@pytest.mark.parametrize(("lang_dir", "titles"), [("", ("Thủ tục", "Biểu mẫu", "Những thay đổi")),
                                                    ("en/", ("Procedures", "Forms", "Changes"))])
def test_the_menu_names_its_sections_in_words_with_their_diacritics(built_site, lang_dir, titles):
    pages = [built_site / lang_dir / "index.html", built_site / lang_dir / "bieu-mau" / "tiep-tuc" / "index.html"]
    for page in pages:
        menu = menu_text(page)
        for title in titles:
            assert f" {title} " in menu, (page, menu[:400])
        for folder_name in ("Bieu mau", "Thu tuc", "Thay doi"):
            assert folder_name not in menu
        assert menu.index(titles[0]) < menu.index(titles[1]) < menu.index(titles[2])  # procedures, their forms, what changed


def test_the_maintainers_guide_is_built_but_not_in_the_workers_menu(built_site):
    assert (built_site / "bao-tri" / "index.html").is_file() and (built_site / "en" / "bao-tri" / "index.html").is_file()
    pages = list(built_site.rglob("index.html"))
    assert len(pages) > 30
    for page in pages:
        assert "bao-tri/" not in MENU.search(page.read_text(encoding="utf-8")).group(0), page


@pytest.mark.parametrize(("path", "lang", "words", "home"), [
    ("/khong-co-trang-nay/", "vi", "Không tìm thấy trang", 'href="/"'),
    ("/thu-tuc/khong-co/", "vi", "Về trang chủ", 'href="/"'),
    ("/en/no-such-page/", "en", "Page not found", 'href="/en/"'),
])
def test_a_wrong_address_gets_a_page_in_the_visitors_language_with_a_way_home(site_url, path, lang, words, home):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(site_url + path, timeout=10)
    assert missing.value.code == 404
    page = missing.value.read().decode()
    assert f'<html lang="{lang}"' in page and words in page and home in page
    assert "404 - Not found" not in page


def test_the_pages_for_a_worker_in_hospital_say_who_may_file_and_with_which_confirmation(built_site):
    """DOMAIN.md (record 1.014748): someone authorised, or the post, only for illness or maternity with a
    health facility's confirmation, an accident with the traffic police's or a health facility's, or a
    disaster or epidemic with the commune chair's; the monthly notification's date moves for none of these
    but disasters and epidemics (record 1.014749), so the worker in hospital notifies online."""
    home = text_of(built_site / "index.html")
    assert "Nhờ người khác nộp thay hoặc gửi qua bưu điện, kèm xác nhận của cơ sở y tế" in home
    assert "ốm đau không làm dời được ngày thông báo" in home
    claim = text_of(built_site / "thu-tuc" / "huong-tro-cap" / "index.html")
    for case in ("ốm đau, thai sản , có xác nhận của cơ sở y tế có thẩm quyền",
                 "bị tai nạn , có xác nhận của cảnh sát giao thông hoặc cơ sở y tế có thẩm quyền",
                 "có xác nhận của Chủ tịch Ủy ban nhân dân cấp xã"):
        assert case in claim
    english = text_of(built_site / "en" / "thu-tuc" / "huong-tro-cap" / "index.html")
    assert "Only in these cases may someone you authorise file for you" in english


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_english_pages_offer_the_vietnamese_form_to_print(built_site, procedure_id):
    for page in (built_site / "en" / "thu-tuc" / procedure_id / "index.html", built_site / "en" / "bieu-mau" / procedure_id / "index.html"):
        links = re.findall(r'<a [^>]*href="([^"]+\.pdf)"[^>]*hreflang="vi"[^>]*>([^<]+)</a>', page.read_text(encoding="utf-8"))
        assert links == [("../../../pdf/" + procedure_id + ".pdf", "Download the form in Vietnamese to print (PDF)")], page
        printed = (page.parent / links[0][0]).resolve()
        text = " ".join(p.extract_text() for p in PdfReader(printed).pages)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Kính gửi" in text


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("province", "vi", "en"), [
    ("01", "Trung tâm Dịch vụ việc làm Thành phố Hà Nội", "Employment Service Centre of Hà Nội City"),
    ("15", "Trung tâm Dịch vụ việc làm tỉnh Lào Cai", "Employment Service Centre of Lào Cai Province"),
])
def test_receipts_and_filled_forms_name_the_receiving_centre_once_and_plainly(province, vi, en):
    from submit_fn.pdf.render import render_filled, render_receipt

    assert (centre_name(province, "vi"), centre_name(province, "en")) == (vi, en)
    procedure = CATALOGUE["huong-tro-cap"]
    answers = copy.deepcopy(procedure.examples[0]) | {"centre_province": province}
    receipt = {"id": "7KQM-3XPD-W9TB-HN4R", "procedure": procedure.id, "schema_version": procedure.version,
               "received_at": "2026-03-02T09:00:00+07:00", "due_date": "2026-03-23", "signature": "x",
               "centre": {"province": province, "name": {"vi": vi, "en": en}}, "status": "received",
               "status_changed_at": "2026-03-02T09:00:00+07:00", "note": None, "appointment_date": None}
    for lang, name in (("vi", vi), ("en", en)):
        for text in (pdf_text(render_receipt(procedure, receipt, "https://bhtn.example/xac-minh/x", lang)),
                     pdf_text(render_filled(procedure, answers, receipt, lang))):
            flat = re.sub(r"\s+", " ", text)
            assert flat.count(name) == 1, flat[:600]
            for doubled in ("tỉnh/thành phố Thành phố", "tỉnh/thành phố tỉnh", "Thành phố Thành phố", "tỉnh tỉnh", "City City"):
                assert doubled not in flat


SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*¶\s*")


def repeated_sentences(text: str) -> list[tuple[str, str]]:
    """Pairs of sentences of 6 words or more on one page that say the same thing: the same words,
    or nearly (4 in 5 of their words shared), as a worker would read them twice."""
    sentences = [set(re.findall(r"\w+", sentence.casefold())) for sentence in SENTENCE_END.split(text)]
    said = [(words, sentence) for words, sentence in zip(sentences, SENTENCE_END.split(text), strict=True) if len(words) >= 6]
    return [(first, second) for n, (words, first) in enumerate(said) for other, second in said[n + 1:]
            if len(words & other) >= 0.8 * len(words | other)]


@pytest.mark.parametrize("lang_dir", ["", "en/"])
def test_no_guidance_page_says_the_same_thing_twice(built_site, lang_dir):
    pages = [built_site / lang_dir / "index.html", *sorted((built_site / lang_dir / "thu-tuc").glob("*/index.html"))]
    assert len(pages) >= 7
    repeated = {str(page.relative_to(built_site)): found for page in pages if (found := repeated_sentences(text_of(page)))}
    assert repeated == {}
    online_is_optional = re.compile(r"trực tuyến không (bắt buộc|thay thế)|online (is never required|does not replace)")
    for page in pages[1:]:
        said = [s for s in SENTENCE_END.split(text_of(page).casefold()) if online_is_optional.search(s)]
        assert len(said) == (1 if page.parent.name in worker_form_ids() else 0), (page, said)  # once, where one files
