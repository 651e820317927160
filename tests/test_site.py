"""The guidance site as a worker and a maintainer meet it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from submit_fn.procedures import PROCEDURE_IDS, load_catalogue
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
        assert basis["articles"] in html


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
    unrelated = {path for path in changed if "chuyen-noi-huong" not in path and not path.endswith("search/search_index.json")}
    assert unrelated == set()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
