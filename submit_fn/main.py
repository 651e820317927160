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

from werkzeug.wrappers import Response

from submit_fn.service.api import create_app
from submit_fn.service.settings import ConfigError

WORKER_BOOT_ERROR = 3  # gunicorn stops, instead of starting workers again, when one exits with it

logging.basicConfig(level=logging.INFO, format="%(message)s")
try:
    app = create_app()
except ConfigError as error:  # one line saying what to set (README), no traceback
    print(error, file=sys.stderr)
    raise SystemExit(WORKER_BOOT_ERROR) from None


def submit(request):
    """Serve the same routes as `app`, through the same WSGI stack (trusted proxies, the hot path)."""
    return Response.from_app(app, request.environ)
