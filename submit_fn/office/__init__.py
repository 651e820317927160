"""The centres' workspace: pages at /office/ for staff signed in with named accounts, the office
API at /api/office/ for bearer tokens, both seeing only their provinces, every access audited."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the office pages and API to the function's app (create_app calls this once)."""
    from submit_fn.office import api, pages

    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
