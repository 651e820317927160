"""Printable A4 PDFs: blank forms, forms filled with a worker's answers, receipts.

HTML from one Jinja template per kind of output (templates/), styled by
static/pdf.css, rendered by WeasyPrint. The answers are data: Jinja escapes them, and
the renderer fetches nothing but the project's own files (`OwnFilesOnly`), so an answer
holding markup or URLs is printed as text and reaches neither files nor the network.

Blank forms are fillable: static/fields.css turns the template's <input>, <textarea> and
<select> into AcroForm fields over the printed lines and boxes, typed in with a small
Vietnamese subset of Noto Sans embedded whole (`form_font`), and fillable.py completes
them once written.

Fonts: Noto Serif and Noto Sans from Debian's fonts-noto-core. The build copies them
into the deploy bundle, submit_fn/bundle/fonts/ (`bundle_fonts`; never committed), so
that the deployed function, whose machine may have no Noto fonts, prints the same;
without the copy the renderer reads them from /usr/share/fonts, then asks fontconfig.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache, cached_property
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from submit_fn.model.procedures import Catalogue, Procedure
from submit_fn.pdf.fillable import complete_fields
from submit_fn.pdf.layout import pack, paper
from submit_fn.pdf.values import date_in_words, moment_in_words, nfc

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STYLESHEET = HERE / "static" / "pdf.css"
FIELDS_STYLESHEET = HERE / "static" / "fields.css"  # blank forms only: the fillable fields
FONTS_DIR = HERE.parent / "bundle" / "fonts"  # the deploy bundle, made by build.py, not committed
SYSTEM_FONTS_DIR = Path("/usr/share/fonts/truetype/noto")
FONT_FILES = ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSans-Regular.ttf")
FORM_FONT = "NotoSans-Vietnamese.ttf"  # made from NotoSans-Regular.ttf by `form_font`
# What a person may type into a field: ASCII, Latin-1, every Vietnamese letter (precomposed
# and combining marks), dashes, quotes, ellipsis, bullet and the đồng sign.
FORM_FONT_CHARACTERS = (
    *range(0x20, 0x7F), *range(0xA0, 0x100), 0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169,
    0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x300, 0x301, 0x303, 0x309, 0x323, *range(0x1EA0, 0x1EFA),
    0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x20AB,
)
IMAGES = {"dots.svg": "image/svg+xml", "box.svg": "image/svg+xml"}  # dotted lines, digit boxes
OWN_SCHEME = "bhtn"  # url("bhtn:fonts/NotoSerif-Regular.ttf") in the stylesheet
LANGS = ("vi", "en")
# PDF/A-3b for archiving, with tagged structure, title and language for screen readers.
# PDF/UA-1 is not claimed: WeasyPrint offers one variant at a time, and no validator
# here could confirm it. Fillable forms stay PDF/A-3b: every field has an appearance and
# NeedAppearances is not set (fillable.py).
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}
BUILD_WORKERS = 2
HARFBUZZ_HINT = (
    "libharfbuzz-subset0 is missing: WeasyPrint falls back to fontTools to subset fonts and "
    "every PDF takes about 10 times longer. Install it: "
    "apt-get install -y --no-install-recommends libharfbuzz-subset0"
)


class RefusedURL(ValueError):
    """The renderer was asked for something other than its own files."""


def font_file(name: str) -> Path | None:
    """A font bundled next to the function, else Debian's copy, else None."""
    for folder in (FONTS_DIR, SYSTEM_FONTS_DIR):
        if (folder / name).is_file():
            return folder / name
    return None


def own_file(path: str) -> Path | None:
    """The file behind a `bhtn:` URL: one of the fonts or images, or nothing."""
    folder, _, name = path.partition("/")
    if folder == "fonts" and name in FONT_FILES:
        return font_file(name)
    if folder == "static" and name in IMAGES:
        return HERE / "static" / name
    return None


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesOnly(URLFetcher):
        """Serves the project's fonts; refuses every other URL, whatever its scheme."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            scheme, _, path = url.partition(":")
            if scheme.lower() == OWN_SCHEME and path == f"fonts/{FORM_FONT}":
                return URLFetcherResponse(url, form_font(), {"Content-Type": "font/ttf"})
            found = own_file(path) if scheme.lower() == OWN_SCHEME else None
            if found is None:
                raise RefusedURL("the PDF renderer fetches only its own files")
            kind = IMAGES.get(found.name, "font/ttf")
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": kind})

    return OwnFilesOnly


@cache
def form_font() -> bytes:
    """Noto Sans reduced to what a person types in Vietnamese or English (36 KB instead of
    500 KB): a field's font is embedded whole, since the typed text is not known yet.
    The same bytes every time, so that a blank form is the same file every time."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = font_file("NotoSans-Regular.ttf")
    font = TTFont(source or SYSTEM_FONTS_DIR / "NotoSans-Regular.ttf", recalcTimestamp=False)
    options = subset.Options(hinting=False, notdef_outline=True, name_IDs=["*"])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=FORM_FONT_CHARACTERS)
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()


def url_fetcher():
    """A fresh fetcher that serves only the project's own files."""
    return _url_fetcher_class()()


def inline_markdown(text: str) -> Markup:
    """Guidance text with its inline Markdown: **bold** kept, [links](…) as their text."""
    html = str(escape(nfc(text)))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return Markup(re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", html))


def unbroken_references(text: str) -> Markup:
    """Legal references such as '374/2025/NĐ-CP' kept on one line: a break at their
    hyphen would misquote them (and text extraction drops the hyphen)."""
    html = str(escape(nfc(text)))
    return Markup(re.sub(r"(\S+-\S+)", r'<span class="unbroken">\1</span>', html))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pack"] = lambda blanks: pack(list(blanks))
    environment.filters["inline_markdown"] = inline_markdown
    environment.filters["unbroken_references"] = unbroken_references
    return environment


class _Renderer:
    """WeasyPrint kept warm: fonts and stylesheet loaded once per process."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.fetcher = url_fetcher()
        self.fonts = FontConfiguration()
        self.css = CSS(filename=str(STYLESHEET), font_config=self.fonts, url_fetcher=self.fetcher)
        self.lock = threading.Lock()  # WeasyPrint does not promise thread safety

    @cached_property
    def fields_css(self):
        """Loaded on the first blank form: receipts and filled forms never fetch the form font."""
        from weasyprint import CSS

        return CSS(filename=str(FIELDS_STYLESHEET), font_config=self.fonts, url_fetcher=self.fetcher)

    def pdf(self, html: str, fillable: bool = False) -> tuple[bytes, int]:
        from weasyprint import HTML

        with self.lock:
            stylesheets = [self.css, self.fields_css] if fillable else [self.css]
            document = HTML(string=html, base_url=f"{OWN_SCHEME}:", url_fetcher=self.fetcher).render(
                font_config=self.fonts, stylesheets=stylesheets, pdf_forms=fillable
            )
            finisher = complete_fields if fillable else None
            return document.write_pdf(finisher=finisher, **PDF_OPTIONS), len(document.pages)


@cache
def _renderer() -> _Renderer:
    return _Renderer()


def render_html(template: str, **context: object) -> str:
    """The HTML a PDF is made from (also useful to look at in a browser)."""
    return nfc(_environment().get_template(template).render(**context))


def html_to_pdf(html: str, fillable: bool = False) -> tuple[bytes, int]:
    """PDF bytes and page count; the HTML may fetch only the project's own files.
    `fillable`: its form controls become the PDF's fields."""
    return _renderer().pdf(html, fillable)


def render_blank(procedure: Procedure, lang: str = "vi") -> bytes:
    """The blank form to print and fill by hand, or to fill in a PDF reader (site/pdf/<id>.pdf)."""
    return _blank(procedure, lang)[0]


def _blank(procedure: Procedure, lang: str) -> tuple[bytes, int]:
    return html_to_pdf(render_html("form.html.j2", paper=paper(procedure, None, lang)), fillable=True)


def render_filled(procedure: Procedure, answers: dict, receipt: dict | None = None, lang: str = "vi",
                  documents: tuple[tuple[str, str, int], ...] = ()) -> bytes:
    """The same form with the answers printed in; the receipt, if any, in its heading; the papers
    received with it, (name, 'picture' or 'pdf', pages), listed after the answers."""
    return html_to_pdf(render_html("form.html.j2", paper=paper(procedure, answers, lang, receipt, documents)))[0]


def qr_svg(url: str) -> Markup:
    """The URL as a QR code, an inline SVG (segno draws only squares: nothing to escape)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, border=4, omitsize=False))


def render_receipt(procedure: Procedure, receipt: dict, verify_url: str, lang: str = "vi") -> bytes:
    """The receipt: id, procedure, received time, due date, next steps, and a QR code of `verify_url`."""
    due = receipt.get("due_date")
    html = render_html(
        "receipt.html.j2",
        lang=lang,
        procedure=procedure,
        receipt=receipt,
        received=moment_in_words(receipt["received_at"], lang),
        due=date_in_words(due, lang) if due else "",
        next_steps=[procedure.guidance["processing_time"][lang], procedure.guidance["after"][lang]],
        verify_url=verify_url,
        qr=qr_svg(verify_url),
    )
    return html_to_pdf(html)[0]


# The build ------------------------------------------------------------------


def check_harfbuzz_subset() -> str | None:
    """None when fonts are subset by HarfBuzz; else what to install, and why."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        return HARFBUZZ_HINT
    return None


def bundle_fonts(target: Path = FONTS_DIR) -> list[Path]:
    """Copy the Noto fonts into the function's deploy bundle (git-ignored with the bundle)."""
    missing = [name for name in FONT_FILES if not (SYSTEM_FONTS_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} not found in {SYSTEM_FONTS_DIR}: "
            "apt-get install -y --no-install-recommends fonts-noto-core"
        )
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(SYSTEM_FONTS_DIR / name, target / name)) for name in FONT_FILES]


@cache
def renderer_fingerprint() -> str:
    """What every PDF depends on besides its schema: code, template, style, fonts, WeasyPrint."""
    from weasyprint import __version__ as weasyprint_version

    digest = hashlib.sha256(weasyprint_version.encode())
    sources = [HERE / "render.py", HERE / "layout.py", HERE / "values.py", HERE / "fillable.py", STYLESHEET, FIELDS_STYLESHEET]
    for path in [*sources, *sorted(TEMPLATES_DIR.glob("*.j2"))]:
        digest.update(path.name.encode() + path.read_bytes())
    for name in FONT_FILES:
        found = font_file(name)
        digest.update(f"{name}:{found.stat().st_size if found else 0}".encode())
    digest.update(json.dumps(PDF_OPTIONS, sort_keys=True).encode())
    return digest.hexdigest()


def content_hash(procedure: Procedure, lang: str) -> str:
    """Changes when anything printed on the procedure's blank form may change."""
    digest = hashlib.sha256(renderer_fingerprint().encode() + lang.encode())
    digest.update(json.dumps(procedure.bundled_schema(), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def pdf_path(out_dir: Path, procedure_id: str, lang: str) -> Path:
    """site/pdf/<id>.pdf, and site/en/pdf/<id>.pdf for the English reading aid."""
    return (out_dir if lang == "vi" else out_dir / lang) / "pdf" / f"{procedure_id}.pdf"


_JOBS: dict[str, Procedure] = {}  # the procedures of the build in progress, inherited by forked workers


def _render_job(job: tuple[str, str]) -> tuple[bytes, int, float]:
    procedure_id, lang = job
    started = time.perf_counter()
    data, pages = _blank(_JOBS[procedure_id], lang)
    return data, pages, time.perf_counter() - started


def build_pdfs(
    catalogue: Catalogue,
    out_dir: Path,
    cache_dir: Path,
    progress: Callable[[str], object] = print,
    langs: tuple[str, ...] = LANGS,
    workers: int = BUILD_WORKERS,
) -> list[Path]:
    """Write every blank form under `out_dir` (the site), rendering only what changed.

    A PDF is kept in `cache_dir` under its content hash; a procedure whose schema, shared
    definitions, template, style, fonts and WeasyPrint are unchanged is copied from
    there. The others render in `workers` processes.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    printed = [p for p in catalogue if p.has_worker_form]  # no blank form where the worker files nothing
    wanted = {(p.id, lang): cache_dir / f"{p.id}.{lang}.{content_hash(p, lang)}.pdf" for p in printed for lang in langs}
    missing = [job for job, cached in wanted.items() if not cached.exists()]
    for (procedure_id, lang), cached in wanted.items():
        if cached.exists():
            progress(f"  {pdf_path(Path(), procedure_id, lang)}: unchanged")
    for (procedure_id, lang), (data, pages, seconds) in zip(missing, _render_all(catalogue, missing, workers)):
        for stale in cache_dir.glob(f"{procedure_id}.{lang}.*.pdf"):
            stale.unlink()
        wanted[procedure_id, lang].write_bytes(data)
        progress(f"  {pdf_path(Path(), procedure_id, lang)}: {pages} page(s), {seconds * 1000:.0f} ms")
    written = []
    for (procedure_id, lang), cached in wanted.items():
        target = pdf_path(out_dir, procedure_id, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        written.append(target)
    return written


_INHERITED: list[_Renderer] = []


def _own_renderer() -> None:
    """A forked worker starts its own renderer. The parent's stays referenced: collecting it here
    would delete the parent's font folder (WeasyPrint's FontConfiguration cleans up when collected),
    and the parent could no longer load a font face it has not loaded yet (the form font)."""
    if _renderer.cache_info().currsize:
        _INHERITED.append(_renderer())
    _renderer.cache_clear()


def _render_all(catalogue: Catalogue, jobs: list[tuple[str, str]], workers: int) -> Iterator[tuple[bytes, int, float]]:
    """Render in forked worker processes when there is more than one PDF to make."""
    _JOBS.clear()
    _JOBS.update({p.id: p for p in catalogue})
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_render_job, jobs)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(jobs)), context, initializer=_own_renderer) as pool:
        yield from pool.map(_render_job, jobs)
