"""Checks the build runs before making anything: schemas, examples, translations."""

from __future__ import annotations

import json

from sitegen.templating import STRINGS_FILE
from submit_fn.model.answer_checks import answer_at, failed_checks
from submit_fn.model.normalize import normalized
from submit_fn.model.procedures import Catalogue, Procedure, today_in_vietnam
from submit_fn.model.validation import CHECK_KEYWORD, answer_errors, validated


def example_problems(procedure: Procedure) -> list[str]:
    """Every valid example must pass, written as it is stored (already normalised); every invalid
    one must fail at its pointer, with its keyword, once normalised as the function does."""
    problems = []
    where = procedure.file
    if not procedure.has_worker_form:
        return problems  # nothing is filed, so nothing to exemplify (the lint refuses examples there)
    if not procedure.examples:
        problems.append(f"{where}: at /examples: add at least one complete valid example")
    for index, example in enumerate(procedure.examples):
        if normalized(procedure, example) != example:
            problems.append(f"{where}: at /examples/{index}: write the example as it is stored, as x-normalize makes it "
                            f"(e.g. without spaces in numbers)")
        for error in answer_errors(procedure, example, "en"):
            problems.append(
                f"{where}: at /examples/{index}: example should be valid but fails at "
                f"{error.pointer} ({error.keyword}): {error.message}"
            )
    for index, (case, instance) in enumerate(procedure.invalid_examples()):
        _, errors = validated(procedure, instance, "en")
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
    return problems + check_example_problems(procedure)


def check_example_problems(procedure: Procedure) -> list[str]:
    """Every `x-checks` example must break its check, where the form asks all the check's answers."""
    problems = []
    today = today_in_vietnam()
    for check in procedure.checks:
        if not check.example or not procedure.examples:
            continue
        case = {"set": {check.fields[0]: check.example["value"]}} if check.on_question else check.example
        instance = procedure.example_with(case)
        if any(pointer is None or answer_at(instance, pointer) is None for pointer in check.fields):
            continue  # a shared question's check, comparing answers this example does not give
        invalid = {e.pointer for e in answer_errors(procedure, instance, "en", today) if e.keyword != CHECK_KEYWORD}
        if check not in failed_checks(procedure, instance, today, invalid):
            problems.append(f"{procedure.file}: at {check.declared}/example: the example does not break the check "
                            f"{check.id!r} (or another check at {check.at} comes first): make it break this one")
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
