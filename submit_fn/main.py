"""Entry points: `app` for any WSGI server, `submit(request)` for Google Cloud Functions.

    functions-framework --source submit_fn/main.py --target submit
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if "submit_fn" not in sys.modules:  # deployed alone, this folder is the root and has another name
    spec = importlib.util.spec_from_file_location("submit_fn", HERE / "__init__.py", submodule_search_locations=[str(HERE)])
    sys.modules["submit_fn"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["submit_fn"])

from submit_fn.api import create_app

logging.basicConfig(level=logging.INFO, format="%(message)s")
app = create_app()


def submit(request):
    """Serve the same routes as `app`, inside the function's own request."""
    with app.request_context(request.environ):
        return app.full_dispatch_request()
