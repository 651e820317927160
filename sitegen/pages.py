"""Every page and asset the site makes from the schemas, as {source path: content}."""

from __future__ import annotations

import json
import os
import threading
import unicodedata
from functools import cache
from itertools import pairwise
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


def format_date(value, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%-d %B %Y")


def _words(lang: str) -> dict[str, str]:
    return {key: text[lang] for key, text in strings().items()}


def guidance_page(procedure: Procedure, lang: str, upcoming: tuple[Procedure, ...] = ()) -> str:
    """The Markdown of a procedure's guidance page; `upcoming`: versions that take effect later."""
    page = environment().get_template("guidance.md.j2").render(
        p=procedure,
        g=procedure.guidance,
        lang=lang,
        ui=_words(lang),
        effective=format_date(procedure.effective_from, lang),
        questions=[f for f in procedure.fields if f.depth == 1],
        upcoming=[{"procedure": later, "date": format_date(later.effective_from, lang)} for later in upcoming],
        estimator=estimator_data(lang) if procedure.guidance.get("estimator") else None,
        assets="../../" if lang == "vi" else "../../../",
    )
    return unicodedata.normalize("NFC", page)


def estimator_data(lang: str) -> str:
    """The benefit rules, the holidays of the years a worker may ask about, and the words, for estimator.js."""
    from submit_fn.benefit_rules import rules
    from submit_fn.procedures import as_of_from_environment, today_in_vietnam
    from submit_fn.working_days import holiday_dates

    first_year = int(rules()["regimes"][0]["from"][:4])
    last_year = (as_of_from_environment() or today_in_vietnam()).year + 2
    words = {key: text[lang] for key, text in strings().items() if key.startswith(("est_", "claim_warn_"))}
    holidays = holiday_dates(range(first_year, last_year + 1))
    data = {**rules(), "holidays": holidays, "words": words}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def changes_page(catalogue: Catalogue, procedure_id: str, lang: str) -> str:
    """What changed from each version of a procedure to the next, newest first."""
    from sitegen.changes import report

    history = catalogue.versions[procedure_id]
    in_force = catalogue[procedure_id]
    steps = []
    for old, new in reversed(list(pairwise(history))):
        status = "upcoming" if new.effective_from > in_force.effective_from else (
            "in_force" if new is in_force else "earlier")
        steps.append({"new": new, "status": status, "date": format_date(new.effective_from, lang), "report": report(old, new, lang)})
    page = environment().get_template("changes.md.j2").render(p=in_force, lang=lang, ui=_words(lang), steps=steps)
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
            upcoming = tuple(p for p in catalogue.versions[procedure.id] if p.effective_from > procedure.effective_from)
            files[f"{lang}/thu-tuc/{procedure.id}.md"] = guidance_page(procedure, lang, upcoming)
            files[f"{lang}/thay-doi/{procedure.id}.md"] = changes_page(catalogue, procedure.id, lang)
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
