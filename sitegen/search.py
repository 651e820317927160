"""Search the way people type on phones: without diacritics.

Material's search indexes an extra `ascii` field (mkdocs.yml, search.fields) that holds
each entry's words with diacritics removed; it is indexed, never shown.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

_TAGS = re.compile(r"<[^>]+>")


def without_diacritics(text: str) -> str:
    """'Tạm dừng hưởng trợ cấp' -> 'Tam dung huong tro cap' (đ/Đ included)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def add_ascii_fields(config) -> None:
    plugin = config.plugins.get("material/search")
    if plugin is None:
        return
    for entry in plugin.search_index.entries:
        if "ascii" not in entry:
            entry["ascii"] = without_diacritics(_TAGS.sub(" ", f"{entry['title']} {entry['text']}"))


_BASE = re.compile(r'("base": ")([^"]*)(")')


def point_english_pages_at_their_index(html: str, page_url: str) -> str:
    """English pages search the English index at /en/search/ (see split_index_by_language)."""
    if not page_url.startswith("en/"):
        return html
    return _BASE.sub(lambda m: f"{m.group(1)}{m.group(2)}/en/{m.group(3)}", html, count=1)


def split_index_by_language(site_dir: Path) -> None:
    """mkdocs-static-i18n writes one index for both languages; give each language its own."""
    merged_file = site_dir / "search" / "search_index.json"
    if not merged_file.is_file():
        return
    merged = json.loads(merged_file.read_text(encoding="utf-8"))
    english = [entry for entry in merged["docs"] if entry["location"].startswith("en/")]
    if not english:
        return
    vietnamese = [entry for entry in merged["docs"] if not entry["location"].startswith("en/")]
    for entry in english:
        entry["location"] = entry["location"].removeprefix("en/")
    for target, docs, lang in ((merged_file, vietnamese, ["vi"]), (site_dir / "en" / "search" / "search_index.json", english, ["en"])):
        target.parent.mkdir(parents=True, exist_ok=True)
        index = {**merged, "config": {**merged["config"], "lang": lang}, "docs": docs}
        target.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
