"""Every page and asset the site makes from the schemas, as {source path: content}."""

from __future__ import annotations

import os
import threading
import unicodedata
from itertools import pairwise
from pathlib import Path

import jinja2

from sitegen.changes import report
from sitegen.estimator import estimator_files
from sitegen.forms import form_page, ward_files
from sitegen.templating import LANGS, environment, format_date, words
from sitegen.vendor import vendored_files
from submit_fn.model.procedures import Catalogue, Procedure
from submit_fn.pdf.render import build_pdfs
from submit_fn.service import notification_calendar

FUNCTION_TEMPLATES = Path(notification_calendar.__file__).with_name("templates")
PDF_CACHE = Path(os.environ.get("PDF_CACHE_DIR", Path(__file__).resolve().parent.parent / "build-cache" / "pdf"))


def guidance_page(procedure: Procedure, lang: str, upcoming: tuple[Procedure, ...] = ()) -> str:
    """The Markdown of a procedure's guidance page; `upcoming`: versions that take effect later."""
    page = environment().get_template("guidance.md.j2").render(
        p=procedure,
        g=procedure.guidance,
        lang=lang,
        ui=words(lang),
        effective=format_date(procedure.effective_from, lang),
        questions=[f for f in procedure.fields if f.depth == 1],
        upcoming=[{"procedure": later, "date": format_date(later.effective_from, lang)} for later in upcoming],
        estimator=bool(procedure.guidance.get("estimator")),
        assets="../../" if lang == "vi" else "../../../",
    )
    return unicodedata.normalize("NFC", page)


def changes_page(catalogue: Catalogue, procedure_id: str, lang: str) -> str:
    """What changed from each version of a procedure to the next, newest first."""
    history = catalogue.versions[procedure_id]
    in_force = catalogue[procedure_id]
    steps = []
    for old, new in reversed(list(pairwise(history))):
        status = "upcoming" if new.effective_from > in_force.effective_from else (
            "in_force" if new is in_force else "earlier")
        steps.append({"new": new, "status": status, "date": format_date(new.effective_from, lang), "report": report(old, new, lang)})
    page = environment().get_template("changes.md.j2").render(p=in_force, lang=lang, ui=words(lang), steps=steps)
    return unicodedata.normalize("NFC", page)


def notification_schedule_page(lang: str) -> str:
    """lich-thong-bao/: the schedule's form, the very template the function's schedule page shows."""
    functions_pages = jinja2.Environment(loader=jinja2.FileSystemLoader(FUNCTION_TEMPLATES), autoescape=True)
    context = notification_calendar.schedule_context(None, lang, {}, {})
    form = functions_pages.get_template("_schedule_form.html.j2").render(**context)
    page = environment().get_template("notification_schedule.md.j2").render(
        w=context["w"], ui=words(lang), form="\n".join(line for line in form.splitlines() if line.strip()),
        form_id=notification_calendar.NOTIFICATION_FORM,
    )
    return unicodedata.normalize("NFC", page)


def blank_pdfs(catalogue: Catalogue) -> dict[str, bytes]:
    """The blank printable forms, rendered only when their schema changed (build-cache/pdf)."""
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
        files[f"{lang}/lich-thong-bao.md"] = notification_schedule_page(lang)
    files.update(form_files(catalogue))
    files.update(estimator_files())
    files.update(vendored_files())
    files.update(blank_pdfs(catalogue))
    return files


def form_files(catalogue: Catalogue) -> dict[str, str]:
    files: dict[str, str] = dict(ward_files())
    for lang in LANGS:
        for procedure in catalogue:
            if procedure.has_worker_form:
                files[f"{lang}/bieu-mau/{procedure.id}.md"] = form_page(procedure, lang, catalogue)
    return files
