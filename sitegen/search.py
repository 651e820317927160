"""Search the way people type on phones: without diacritics.

Material's search indexes an extra `ascii` field (mkdocs.yml, search.fields) that holds
each entry's words with diacritics removed; it is indexed, never shown.
"""

from __future__ import annotations

import re
import unicodedata

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
