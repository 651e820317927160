"""The site's own scripts, minified in the built site (comments and spaces out, names kept), so that
a phone on a weak line downloads less; the readable source stays in docs/assets/js/."""

from __future__ import annotations

from pathlib import Path

import rjsmin

OWN_SCRIPTS = "assets/js/*.js"  # not assets/js/vendor/ (already as their packages ship them) nor the theme's


def minify_own_scripts(site_dir: Path) -> None:
    """Minify every script of ours in the built site, in place."""
    for path in site_dir.glob(OWN_SCRIPTS):
        path.write_text(rjsmin.jsmin(path.read_text(encoding="utf-8")), encoding="utf-8")
