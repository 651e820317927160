"""MkDocs hooks: the pages made from the schemas are generated here, at build time.

Nothing generated is written into `docs/`: the hook stages hand-written and generated
pages together under build-cache/docs and points MkDocs there, so `mkdocs serve`
(watching docs/, forms/, sitegen/, submit_fn/) shows a schema edit within seconds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import search
from sitegen.minify import minify_own_scripts
from sitegen.offline import write_service_worker
from sitegen.pages import generated_files
from sitegen.staging import stage
from sitegen.static_host import write_headers_file
from submit_fn.model.procedures import load_catalogue

# The theme's script fetches `sitemap.xml` under every `<link rel="alternate">` of a page, which
# mkdocs-static-i18n points at the page itself in each language: two 404s per page on a weak line.
# The language menu's own links (to the same page in the other language) stay.
ALTERNATE_LINK = re.compile(r'\n? *<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
HANDWRITTEN = ROOT / "docs"
STAGING = ROOT / "build-cache" / "docs"
MAINTAINERS_GUIDE = "bao-tri.md"
SECTION_ORDER = ("thu-tuc", "bieu-mau", "thay-doi")


@event_priority(100)  # before mkdocs-static-i18n reads the docs folder
def on_config(config):
    if config.docs_dir == str(STAGING):  # mkdocs-static-i18n builds English with the same config
        return config
    stage(HANDWRITTEN, generated_files(load_catalogue()), STAGING)
    config.docs_dir = str(STAGING)
    return config


@event_priority(-150)  # after mkdocs-static-i18n has made each language's navigation
def on_nav(nav, config, files):
    """The workers' menu: the maintainers' guide is built (bao-tri/, linked from README.md) but not listed;
    the procedures come before their forms, and what changed last."""
    items = [item for item in nav.items if not (item.is_page and item.file.src_uri.endswith(MAINTAINERS_GUIDE))]
    nav.items = sorted(items, key=lambda item: SECTION_ORDER.index(_folder(item)) if _folder(item) in SECTION_ORDER else -1)
    return nav


def _folder(item) -> str | None:
    """The folder a menu section lists (`thu-tuc`), from its first page; None for a page."""
    if item.is_page or not item.children:
        return None
    first = item.children[0]
    return first.file.src_uri.split("/")[-2] if first.is_page else None


def on_post_template(output, template_name, config):
    """The 404 page: each language build renders it at the root; the English one belongs under en/
    (the local server, and hosts that look for a 404 page per folder, serve it there)."""
    if template_name != "404.html" or config.theme["language"] == "vi":
        return output
    (Path(config.site_dir) / config.theme["language"] / "404.html").write_text(output, encoding="utf-8")
    return ""  # MkDocs writes nothing for an empty page: the root keeps the Vietnamese one


@event_priority(-50)  # after Material's search plugin has indexed the page
def on_page_context(context, page, config, nav):
    search.add_ascii_fields(config)
    return context


@event_priority(-200)  # after mkdocs-static-i18n has rewritten the page
def on_post_page(output, page, config):
    return ALTERNATE_LINK.sub("", search.point_english_pages_at_their_index(output, page.url))


@event_priority(-200)  # after mkdocs-static-i18n has written the merged search index
def on_post_build(config):
    search.split_index_by_language(Path(config.site_dir))
    minify_own_scripts(Path(config.site_dir))
    write_headers_file(Path(config.site_dir))
    write_service_worker(Path(config.site_dir))  # last: it lists the files as they are served
