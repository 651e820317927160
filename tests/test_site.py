"""The guidance site as a worker and a maintainer meet it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from submit_fn.model.procedures import PROCEDURE_IDS, load_catalogue
from tests.conftest import ROOT, run_build

LANG_PREFIXES = ("", "en/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if tag in ("a", "link", "script", "img") and attributes.get(name):
                self.targets.append(attributes[name])


def _internal_target(page: Path, site: Path, link: str) -> Path | None:
    link = link.split("#", 1)[0].split("?", 1)[0]
    if not link or re.match(r"^[a-z]+:", link) or link.startswith("//"):
        return None
    base = site if link.startswith("/") else page.parent
    target = (base / link.lstrip("/")).resolve()
    return target / "index.html" if target.is_dir() or link.endswith("/") else target


@pytest.mark.parametrize("prefix", LANG_PREFIXES)
@pytest.mark.parametrize("procedure_id", PROCEDURE_IDS)
def test_every_procedure_has_a_guidance_page_in_both_languages(built_site, prefix, procedure_id):
    page = built_site / prefix / "thu-tuc" / procedure_id / "index.html"
    assert page.is_file()
    procedure = load_catalogue()[procedure_id]
    html = page.read_text(encoding="utf-8")
    lang = "en" if prefix else "vi"
    assert procedure.title[lang] in html
    for basis in procedure.guidance["legal_basis"]:
        assert basis["articles"][lang] in html and basis["act"][lang] in html


def test_every_internal_link_and_asset_of_the_site_exists(built_site):
    broken = []
    for page in built_site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.targets:
            target = _internal_target(page, built_site, link)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(built_site)} -> {link}")
    assert broken == []


def test_home_page_routes_each_situation_to_a_procedure_in_one_click(built_site):
    for prefix in LANG_PREFIXES:
        html = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        linked = set(re.findall(r'href="thu-tuc/([a-z-]+)/"', html))
        assert linked == set(PROCEDURE_IDS)


def test_headings_keep_vietnamese_letters_in_their_anchors(built_site):
    html = (built_site / "thu-tuc" / "huong-tro-cap" / "index.html").read_text(encoding="utf-8")
    assert 'id="điều-kiện"' in html
    assert 'id="giấy-tờ-cần-chuẩn-bị"' in html


def test_the_site_names_no_third_party_host_for_fonts_scripts_or_styles(built_site):
    loaded = re.compile(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', re.IGNORECASE)
    offenders = [
        str(page.relative_to(built_site))
        for page in built_site.rglob("*.html")
        if loaded.search(page.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_two_builds_of_the_same_inputs_are_byte_identical(built_site, tmp_path):
    again = tmp_path / "again"
    result = run_build(again)
    assert result.returncode == 0, result.stderr
    assert _tree(again) == _tree(built_site)


def test_a_renamed_label_changes_that_procedures_pages_in_both_languages_and_nothing_else(built_site, tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    schema_file = forms / "chuyen-noi-huong.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["phone"] = {
        **schema["properties"]["phone"],
        "title": "Số điện thoại liên hệ",
        "x-en": {"title": "Contact phone number"},
    }
    schema_file.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")

    renamed = tmp_path / "site"
    result = run_build(renamed, forms_dir=forms)
    assert result.returncode == 0, result.stderr

    before, after = _tree(built_site), _tree(renamed)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert "thu-tuc/chuyen-noi-huong/index.html" in changed
    assert "en/thu-tuc/chuyen-noi-huong/index.html" in changed
    assert "Số điện thoại liên hệ" in after["thu-tuc/chuyen-noi-huong/index.html"].decode()
    assert "Contact phone number" in after["en/thu-tuc/chuyen-noi-huong/index.html"].decode()
    # sw.js carries a digest of the whole site: any change gives phones a new version (sitegen/offline.py)
    unrelated = {path for path in changed if "chuyen-noi-huong" not in path
                 and not path.endswith("search/search_index.json") and path != "sw.js"}
    assert unrelated == set()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


class _VisibleText(HTMLParser):
    """The words a reader sees: no scripts, styles or comments."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "template")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _visible_text(page: Path) -> str:
    parser = _VisibleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts))


INTERNAL_WORDS = re.compile(r"DOMAIN\.md|CONTRACT\.md|\.schema\.json|\bsitegen\b|\bsubmit_fn\b|\bbuild\.py\b|vietnam-provinces|"
                            r"JavaScript|jsonschema|WeasyPrint|MkDocs|\[verify\]|x-guidance|\$comment", re.IGNORECASE)
MAINTAINERS_GUIDE = "bao-tri/"  # for the people who edit the schemas, who need the file names


def test_no_vietnamese_page_a_worker_reads_names_project_files_packages_or_english_legal_shorthand(built_site):
    from sitegen.lint import english_legal_shorthand

    found = []
    for page in sorted(built_site.rglob("*.html")):
        path = page.relative_to(built_site).as_posix()
        if path.startswith(("en/", MAINTAINERS_GUIDE)):
            continue
        text = _visible_text(page)
        found += [f"{path}: «{m.group(0)}»" for m in INTERNAL_WORDS.finditer(text)]
        shorthand = english_legal_shorthand(text)
        if shorthand:
            found.append(f"{path}: «{shorthand}»")
    assert found == []
    assert "thu-tuc/huong-tro-cap/index.html" in {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")}


def test_english_pages_name_no_project_files_or_packages_either(built_site):
    found = [f"{page.relative_to(built_site)}: «{m.group(0)}»"
             for page in sorted((built_site / "en").rglob("*.html")) if not page.relative_to(built_site / "en").as_posix().startswith(MAINTAINERS_GUIDE)
             for m in INTERNAL_WORDS.finditer(_visible_text(page))]
    assert found == []


def test_suspension_has_a_guidance_page_but_no_form_page_no_pdf_and_no_link_to_either(built_site):
    for prefix in LANG_PREFIXES:
        assert (built_site / prefix / "thu-tuc" / "tam-dung" / "index.html").is_file()
        assert not (built_site / prefix / "bieu-mau" / "tam-dung").exists()
        assert not (built_site / prefix / "pdf" / "tam-dung.pdf").exists()
    linking = [str(page.relative_to(built_site)) for page in built_site.rglob("*.html")
               if re.search(r'href="[^"]*(bieu-mau/tam-dung|pdf/tam-dung\.pdf)', page.read_text(encoding="utf-8"))]
    assert linking == []
    guidance = (built_site / "thu-tuc" / "tam-dung" / "index.html").read_text(encoding="utf-8")
    assert "Không có biểu mẫu: bạn không phải nộp gì" in guidance and "Các câu hỏi trên biểu mẫu" not in guidance
    assert "Nộp ở đâu, bằng cách nào" not in guidance and 'data-procedure="tam-dung"' not in guidance
    assert 'href="../tiep-tuc/"' in guidance  # what the worker can do instead: notify again
    for form in ("tim-kiem-viec-lam", "huong-tro-cap", "tiep-tuc", "cham-dut", "chuyen-noi-huong"):
        assert (built_site / "bieu-mau" / form / "index.html").is_file() and (built_site / "pdf" / f"{form}.pdf").is_file()


def test_the_claim_page_gives_the_records_steps_and_the_closed_list_of_who_may_file_for_you(built_site):
    text = _visible_text(built_site / "thu-tuc" / "huong-tro-cap" / "index.html")
    for words in ("15 ngày làm việc", "Mẫu số 04", "Mẫu số 03", "Mẫu số 12", "Mẫu số 11", "10 ngày làm việc", "Mẫu số 08",
                  "bản điện tử", "Sở Nội vụ xác nhận", "ốm đau, thai sản", "xác nhận của cơ sở y tế có thẩm quyền",
                  "cảnh sát giao thông", "Chủ tịch Ủy ban nhân dân cấp xã", "Không quy định phí, lệ phí cho thủ tục này.",
                  "Điều 39 Luật Việc làm số 74/2025/QH15", "Thủ tục hành chính 1.014748"):
        assert words in text, words
    home = _visible_text(built_site / "index.html")
    assert "Nhờ người khác nộp thay hoặc gửi qua bưu điện, kèm xác nhận của cơ sở y tế" in home
def test_each_control_carries_its_normalisers_and_no_pattern_that_refuses_what_people_type(built_site):
    """Without JavaScript the browser's own pattern check would refuse `048 090 012 345` before
    the function, which accepts it, ever sees it."""
    page = (built_site / "bieu-mau" / "chuyen-noi-huong" / "index.html").read_text(encoding="utf-8")
    controls = {name: tag for tag, name in re.findall(r'(<input [^>]*name="([^"]+)"[^>]*>)', page)}
    assert 'data-normalize="digits"' in controls["citizen_id"] and "pattern=" not in controls["citizen_id"]
    assert 'data-normalize="phone-vn"' in controls["phone"]
    assert 'data-normalize="integer-words"' in controls["months_received"]
    assert 'data-normalize="nfc collapse-spaces"' in controls["destination.street"]
    assert "data-normalize" not in controls["birth_date"]
    checks = json.loads(re.search(r'<script type="application/json" id="bhtn-checks">(.*?)</script>', page).group(1))
    assert {check["id"] for check in checks["checks"]} >= {"months-add-up", "destination-other-province", "birth-date-not-future"}
