"""Errors as RFC 9457 problem+json, worded for people in Vietnamese or English."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Response

from submit_fn.model.validation import AnswerErrors

PROBLEMS_FILE = Path(__file__).with_name("problems.json")


@cache
def _catalogue() -> dict:
    return {k: v for k, v in json.loads(PROBLEMS_FILE.read_text(encoding="utf-8")).items() if k != "$comment"}


class Problem(Exception):
    """Raised anywhere in a request; answered as problem+json by the app. A value may be
    {"vi": …, "en": …}, worded in the answer's language."""

    def __init__(self, kind: str, extra: dict | None = None, **values: object) -> None:
        super().__init__(kind)
        self.kind, self.extra, self.values = kind, extra or {}, values

    @property
    def status(self) -> int:
        return _catalogue()[self.kind]["status"]

    @property
    def headers(self) -> dict[str, str]:
        """Retry-After for a problem that passes (RFC 9110, 10.2.3)."""
        seconds = _catalogue()[self.kind].get("retry_after")
        return {"Retry-After": str(seconds)} if seconds else {}

    def body(self, lang: str) -> dict:
        title, detail = _catalogue()[self.kind][lang]
        return {
            "type": f"/api/problems/{self.kind.replace('_', '-')}",
            "status": self.status,
            "title": title,
            "detail": detail.format(**{k: v[lang] if isinstance(v, dict) else v for k, v in self.values.items()}),
            **self.extra,
        }

    def response(self, lang: str) -> Response:
        return Response(
            json.dumps(self.body(lang), ensure_ascii=False),
            status=self.status,
            content_type="application/problem+json; charset=utf-8",
            headers={"Content-Language": lang, **self.headers},
        )


def invalid_answers(errors: AnswerErrors) -> Problem:
    """The 422 listing the errors (CONTRACT.md): at most 100, and `"truncated": true` when there were more."""
    listed: dict = {"errors": [error.as_json() for error in errors]}
    if errors.truncated:
        listed["truncated"] = True
    count = {"vi": f"hơn {len(errors)}", "en": f"more than {len(errors)}"} if errors.truncated else len(errors)
    return Problem("invalid_answers", listed, count=count)
