"""The headers that keep what a visitor sent from running as script: one policy for every HTML
page the function serves, the local server's files and the static host's headers file
(`site/_headers`, written by the build). Pages carry no inline script, event handler or style
attribute, so the policy needs no 'unsafe-inline'."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"),)
PAGES = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("Referrer-Policy", "same-origin"))


def security_headers(content_type: str | None) -> tuple[tuple[str, str], ...]:
    """`nosniff` for every response; the policy and the referrer rule too for an HTML page."""
    is_html = (content_type or "").split(";", 1)[0].strip().lower() == "text/html"
    return EVERY_RESPONSE + PAGES if is_html else EVERY_RESPONSE
