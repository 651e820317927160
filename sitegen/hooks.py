"""MkDocs hooks: the pages made from the schemas are generated here, at build time.

Nothing generated is written into `docs/`: the hook stages hand-written and generated
pages together under build-cache/docs and points MkDocs there, so `mkdocs serve`
(watching docs/, forms/, sitegen/, submit_fn/) shows a schema edit within seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import search
from sitegen.pages import generated_files
from sitegen.staging import stage
from submit_fn.procedures import load_catalogue

HANDWRITTEN = ROOT / "docs"
STAGING = ROOT / "build-cache" / "docs"


@event_priority(100)  # before mkdocs-static-i18n reads the docs folder
def on_config(config):
    if config.docs_dir == str(STAGING):  # mkdocs-static-i18n builds English with the same config
        return config
    stage(HANDWRITTEN, generated_files(load_catalogue()), STAGING)
    config.docs_dir = str(STAGING)
    return config


@event_priority(-50)  # after Material's search plugin has indexed the page
def on_page_context(context, page, config, nav):
    search.add_ascii_fields(config)
    return context


@event_priority(-200)  # after mkdocs-static-i18n has rewritten the page
def on_post_page(output, page, config):
    return search.point_english_pages_at_their_index(output, page.url)


@event_priority(-200)  # after mkdocs-static-i18n has written the merged search index
def on_post_build(config):
    search.split_index_by_language(Path(config.site_dir))
