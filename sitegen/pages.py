"""Every page and asset the site makes from the schemas, as {source path: content}."""

from __future__ import annotations

import json
import os
import threading
import unicodedata
from functools import cache
from pathlib import Path

import jinja2

from submit_fn.procedures import Catalogue, Procedure, Text

LANGS = ("vi", "en")
TEMPLATES = Path(__file__).with_name("templates")
STRINGS_FILE = Path(__file__).with_name("strings.json")
PDF_CACHE = Path(os.environ.get("PDF_CACHE_DIR", Path(__file__).resolve().parent.parent / "build-cache" / "pdf"))


@cache
def strings() -> dict[str, Text]:
    raw = json.loads(STRINGS_FILE.read_text(encoding="utf-8"))
    return {key: Text(value["vi"], value["en"]) for key, value in raw.items() if key != "$comment"}


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


def _date(value, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%-d %B %Y")


def guidance_page(procedure: Procedure, lang: str) -> str:
    """The Markdown of a procedure's guidance page."""
    ui = {key: text[lang] for key, text in strings().items()}
    page = environment().get_template("guidance.md.j2").render(
        p=procedure,
        g=procedure.guidance,
        lang=lang,
        ui=ui,
        effective=_date(procedure.effective_from, lang),
        questions=[f for f in procedure.fields if f.depth == 1],
    )
    return unicodedata.normalize("NFC", page)


def blank_pdfs(catalogue: Catalogue) -> dict[str, bytes]:
    """The blank printable forms, rendered only when their schema changed (build-cache/pdf)."""
    from submit_fn.pdf import build_pdfs

    out_dir = PDF_CACHE / "out"
    # Forking a process that serves requests on threads (build.py serve) is unsafe: render in-process there.
    workers = 2 if threading.current_thread() is threading.main_thread() else 1
    written = build_pdfs(catalogue, out_dir, PDF_CACHE, progress=print, workers=workers)
    files = {}
    for path in written:
        relative = path.relative_to(out_dir).as_posix()
        files[relative if relative.startswith("en/") else f"vi/{relative}"] = path.read_bytes()
    return files


def generated_files(catalogue: Catalogue) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for lang in LANGS:
        for procedure in catalogue:
            files[f"{lang}/thu-tuc/{procedure.id}.md"] = guidance_page(procedure, lang)
    files.update(form_files(catalogue))
    files.update(blank_pdfs(catalogue))
    return files


def form_files(catalogue: Catalogue) -> dict[str, str]:
    from sitegen.forms import form_page, ward_files, ward_list_page

    files: dict[str, str] = dict(ward_files())
    for lang in LANGS:
        files[f"{lang}/dia-ban.md"] = ward_list_page(lang)
        for procedure in catalogue:
            files[f"{lang}/bieu-mau/{procedure.id}.md"] = form_page(procedure, lang)
    return files
