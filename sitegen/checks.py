"""Checks the build runs before making anything: schemas, examples, translations."""

from __future__ import annotations

import json

from sitegen.pages import STRINGS_FILE
from submit_fn.procedures import Catalogue, Procedure
from submit_fn.validation import answer_errors


def example_problems(procedure: Procedure) -> list[str]:
    """Every valid example must pass; every invalid one must fail at its pointer, with its keyword."""
    problems = []
    where = procedure.file
    if not procedure.examples:
        problems.append(f"{where}: at /examples: add at least one complete valid example")
    for index, example in enumerate(procedure.examples):
        for error in answer_errors(procedure, example, "en"):
            problems.append(
                f"{where}: at /examples/{index}: example should be valid but fails at "
                f"{error.pointer} ({error.keyword}): {error.message}"
            )
    for index, (case, instance) in enumerate(procedure.invalid_examples()):
        errors = answer_errors(procedure, instance, "en")
        expected_keyword = case.get("keyword")
        hits = [
            e for e in errors if e.pointer == case["fails_at"] and expected_keyword in (None, e.keyword)
        ]
        if not hits:
            found = ", ".join(f"{e.pointer} ({e.keyword})" for e in errors) or "no error at all"
            problems.append(
                f"{where}: at /x-invalid-examples/{index}: '{case['why']}' must fail at {case['fails_at']}"
                f"{' (' + case['keyword'] + ')' if 'keyword' in case else ''}, but fails at: {found}"
            )
    return problems


def translation_problems() -> list[str]:
    """The site's own words must exist in both languages (schema texts are checked by the meta-schema)."""
    raw = json.loads(STRINGS_FILE.read_text(encoding="utf-8"))
    return [
        f"sitegen/strings.json: at /{key}: add the {lang!r} text"
        for key, value in raw.items()
        if key != "$comment"
        for lang in ("vi", "en")
        if not str(value.get(lang, "")).strip()
    ]


def all_example_problems(catalogue: Catalogue) -> list[str]:
    """The examples of every version, earlier ones included: they are still accepted in their grace period."""
    return [
        problem
        for history in catalogue.versions.values()
        for procedure in history
        for problem in example_problems(procedure)
    ]
