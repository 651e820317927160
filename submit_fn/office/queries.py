"""What an office list request asks for: filters (RFC 3339 times), a cursor and a page size,
each refused with a 400 problem when it is anything else."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from submit_fn.model.lifecycle import STATUSES
from submit_fn.model.procedures import VIETNAM, Catalogue
from submit_fn.service.problems import Problem
from submit_fn.service.receipts import ReceiptIdError, parse_receipt_id
from submit_fn.service.storage import PAGE_LIMIT, Filters

RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))?")
DEFAULT_LIMIT = 50
Row = TypeVar("Row")


def moment(name: str, text: str, until: bool = False) -> str:
    """An RFC 3339 date-time, or full date (its whole day in Vietnam time), as stored: Vietnam time to the
    second, rounded up (received_at has whole seconds, so `>=`/`<` against it keep their meaning)."""
    match = RFC3339.fullmatch(text.strip().upper())
    if not match:
        raise Problem("bad_filter", name=name, value=text[:40])
    day, clock, fraction, offset = match.groups()
    try:
        if clock is None:
            found = datetime.fromisoformat(day).replace(tzinfo=VIETNAM) + timedelta(days=1 if until else 0)
        else:
            found = datetime.fromisoformat(f"{day}T{clock}{offset.replace('Z', '+00:00')}")
            if fraction and int(fraction):
                found += timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise Problem("bad_filter", name=name, value=text[:40]) from None
    return found.astimezone(VIETNAM).isoformat()


def filters(args: Mapping[str, str], provinces: frozenset[str] | None, catalogue: Catalogue) -> Filters:
    """The list's filters from query parameters; empty ones are no filter."""
    procedure = args.get("procedure") or None
    if procedure is not None and procedure not in catalogue.versions:
        raise Problem("bad_filter", name="procedure", value=procedure[:40])
    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        raise Problem("bad_filter", name="status", value=status[:40])
    since = moment("since", args["since"]) if args.get("since") else None
    until = moment("until", args["until"], until=True) if args.get("until") else None
    return Filters(provinces, procedure, status, since, until)


def limit(args: Mapping[str, str]) -> int:
    text = args.get("limit", "")
    if not text:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit() and 1 <= int(text[:4]) <= PAGE_LIMIT and len(text) <= 3):
        raise Problem("bad_limit", limit=PAGE_LIMIT)
    return int(text)


def cursor_of(received_at: str, receipt_id: str) -> str:
    """Where the next page starts: after this submission (or audit entry)."""
    return base64.urlsafe_b64encode(json.dumps([received_at, receipt_id]).encode()).decode().rstrip("=")


def after(args: Mapping[str, str], id_is_receipt: bool = True) -> tuple[str, str] | None:
    text = args.get("cursor", "")
    if not text:
        return None
    try:
        at, key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        datetime.fromisoformat(at)
        if not isinstance(key, str) or len(key) > 40 or (id_is_receipt and parse_receipt_id(key) != key):
            raise ValueError(key)
    except (ValueError, TypeError, binascii.Error, ReceiptIdError, UnicodeDecodeError):
        raise Problem("bad_cursor") from None
    return at, key


def split_page(found: Sequence[Row], limit: int, key: Callable[[Row], tuple[str, str]]) -> tuple[list[Row], tuple[str, str] | None]:
    """Rows fetched with `limit + 1`: the page, and where the next one starts (None on the last page)."""
    page = list(found[:limit])
    return page, (key(page[-1]) if len(found) > limit else None)
