"""Turn validation errors into messages a worker can act on, in Vietnamese or English."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jsonschema.exceptions import ValidationError

from submit_fn.model.answer_checks import check_message, failed_checks
from submit_fn.model.normalize import normalized
from submit_fn.model.procedures import Field, Procedure, Text, today_in_vietnam

CHECK_KEYWORD = "x-check"  # the keyword of an error found by a schema's `x-checks`

MESSAGES_FILE = Path(__file__).with_name("messages.json")
MAX_ERRORS = 100  # CONTRACT.md: every error up to 100, then "truncated": true


@dataclass(frozen=True)
class AnswerError:
    """One invalid answer: where it is, which rule it broke, and what to do."""

    pointer: str
    keyword: str
    message: str

    def as_json(self) -> dict:
        return {"pointer": self.pointer, "keyword": self.keyword, "message": self.message}


@cache
def default_messages() -> dict[str, Text]:
    raw = json.loads(MESSAGES_FILE.read_text(encoding="utf-8"))
    return {key: Text(value["vi"], value["en"]) for key, value in raw.items() if key != "$comment"}


def validated(procedure: Procedure, typed: object, lang: str = "vi", today: date | None = None) -> tuple[object, AnswerErrors]:
    """The answers as typed made clean (`x-normalize`), and every error in them: what the function
    does with each body, whatever its kind (JSON, a plain form post), before storing it."""
    answers = normalized(procedure, typed)
    return answers, answer_errors(procedure, answers, lang, today)


class AnswerErrors(list):
    """The errors found, in the form's order: at most MAX_ERRORS of them, `truncated` when there
    were more (CONTRACT.md). A list, so that whatever lists errors lists these."""

    truncated: bool = False


def answer_errors(procedure: Procedure, instance: object, lang: str = "vi", today: date | None = None) -> AnswerErrors:
    """Every error in the answers, one per pointer and keyword, in the form's order: the schema's,
    then its `x-checks` errors (judged against `today`, Vietnam's date unless given). The search
    stops past MAX_ERRORS, so that no answers, however built, cost more than that to explain;
    the `x-checks` are judged only when every error of the schema's was found."""
    found = {} if procedure.is_valid(instance) else _schema_errors(procedure, instance, lang)
    if len(found) <= MAX_ERRORS:
        invalid = {pointer for pointer, _ in found}
        for check in failed_checks(procedure, instance, today or today_in_vietnam(), invalid):
            if check.level == "error":
                found[(check.at, CHECK_KEYWORD)] = AnswerError(check.at, CHECK_KEYWORD, check_message(check, lang))
    errors = AnswerErrors()
    if not found:
        return errors
    order = {f.pointer: i for i, f in enumerate(procedure.fields)}

    def position(item: AnswerError) -> tuple:
        field = procedure.field_at(item.pointer)
        return (order.get(field.pointer, -1) if field else -1, item.pointer, item.keyword)

    errors.extend(sorted(found.values(), key=position)[:MAX_ERRORS])
    errors.truncated = len(found) > MAX_ERRORS
    return errors


def _schema_errors(procedure: Procedure, instance: object, lang: str) -> dict[tuple[str, str], AnswerError]:
    """The schema's errors by pointer and keyword, the search given up at MAX_ERRORS + 1 of them."""
    found: dict[tuple[str, str], AnswerError] = {}
    for error in procedure.validator.iter_errors(instance):
        keyword = str(error.validator)
        for pointer in _error_pointers(error):
            found.setdefault((pointer, keyword), AnswerError(pointer, keyword, _message(procedure, error, pointer, lang)))
            if len(found) > MAX_ERRORS:
                return found
    return found


def _error_pointers(error: ValidationError) -> list[str]:
    """Where the worker must act: the missing or unexpected answer itself, not its parent."""
    here = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        names = [name for name in error.validator_value if name not in error.instance]
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        names = sorted(set(error.instance) - set(error.schema.get("properties", {})))
    else:
        return [here]
    return [f"{here}/{name.replace('~', '~0').replace('/', '~1')}" for name in names] or [here]


def _message(procedure: Procedure, error: ValidationError, pointer: str, lang: str) -> str:
    field = procedure.field_at(pointer) if pointer else None
    exact = field if field is not None and _same_field(field.pointer, pointer) else None
    label = pointer.rsplit("/", 1)[-1] or default_messages()["form"][lang]
    return field_message(exact, str(error.validator), error.validator_value, lang, label, error.message)


def field_message(
    field: Field | None, keyword: str, limit: object, lang: str, label: str = "", detail: str = ""
) -> str:
    """The message for a broken rule: the field's own (x-errors), else the default for the keyword.

    The form pages pre-render their messages with this same function, so the browser and
    the function word every error alike.
    """
    own = field.error_text(keyword) if field else None
    if own:
        return own[lang]
    defaults = default_messages()
    template = defaults.get(f"{keyword}:{limit}") or defaults.get(keyword)
    label = field.label[lang] if field else label
    if template is None:
        return f"{label}: {detail}"
    return template[lang].format(label=label, limit=limit)


def _same_field(field_pointer: str, pointer: str) -> bool:
    return field_pointer.count("/") == pointer.count("/")
