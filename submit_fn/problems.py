"""Errors as RFC 9457 problem+json, worded for people in Vietnamese or English."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Response

PROBLEMS_FILE = Path(__file__).with_name("problems.json")


@cache
def _catalogue() -> dict:
    return {k: v for k, v in json.loads(PROBLEMS_FILE.read_text(encoding="utf-8")).items() if k != "$comment"}


class Problem(Exception):
    """Raised anywhere in a request; answered as problem+json by the app."""

    def __init__(self, kind: str, extra: dict | None = None, **values: object) -> None:
        super().__init__(kind)
        self.kind, self.extra, self.values = kind, extra or {}, values

    @property
    def status(self) -> int:
        return _catalogue()[self.kind]["status"]

    def body(self, lang: str) -> dict:
        title, detail = _catalogue()[self.kind][lang]
        return {
            "type": f"/api/problems/{self.kind.replace('_', '-')}",
            "status": self.status,
            "title": title,
            "detail": detail.format(**self.values),
            **self.extra,
        }

    def response(self, lang: str) -> Response:
        return Response(
            json.dumps(self.body(lang), ensure_ascii=False),
            status=self.status,
            content_type="application/problem+json; charset=utf-8",
            headers={"Content-Language": lang},
        )
