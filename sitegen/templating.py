"""What every generated page shares: the site's own words (strings.json), the page templates'
Jinja environment, and dates written as the pages write them."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import jinja2

from submit_fn.model.procedures import Text
from submit_fn.service import questions

LANGS = ("vi", "en")
TEMPLATES = Path(__file__).with_name("templates")
STRINGS_FILE = Path(__file__).with_name("strings.json")


@cache
def strings() -> dict[str, Text]:
    """The site's own words, and those of a form's questions (shared with the function's pages)."""
    raw = json.loads(STRINGS_FILE.read_text(encoding="utf-8"))
    return {key: Text(value["vi"], value["en"]) for key, value in raw.items() if key != "$comment"} | questions.words_file()


def words(lang: str) -> dict[str, str]:
    """The site's words in one language, as templates read them (`ui`)."""
    return {key: text[lang] for key, text in strings().items()}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nfc"] = lambda text: unicodedata.normalize("NFC", text)
    return env


def format_date(value, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%-d %B %Y")
