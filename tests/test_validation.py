"""The fast (Rust) and the explaining (Python) validators agree, so nothing invalid slips through."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from submit_fn.model.procedures import load_catalogue
from submit_fn.model.validation import answer_errors
from tests.conftest import worker_form_ids

CATALOGUE = load_catalogue()
FORMS = worker_form_ids()


def _python_says_valid(procedure, instance) -> bool:
    return not list(procedure.validator.iter_errors(instance))


@pytest.mark.parametrize("procedure_id", FORMS)
def test_both_validators_agree_on_every_example(procedure_id):
    procedure = CATALOGUE[procedure_id]
    cases = list(procedure.examples) + [instance for _, instance in procedure.invalid_examples()]
    for instance in cases:
        assert procedure.is_valid(instance) == _python_says_valid(procedure, instance)


@settings(max_examples=300, deadline=None)
@given(
    procedure_id=st.sampled_from(FORMS),
    field_index=st.integers(min_value=0, max_value=200),
    value=st.one_of(st.none(), st.booleans(), st.integers(-5, 2000), st.text(max_size=20), st.sampled_from(["01", "00070", "2026-02-30", "2026-01-31", "0912345678", "x@y"])),
)
def test_both_validators_agree_when_one_answer_is_changed(procedure_id, field_index, value):
    procedure = CATALOGUE[procedure_id]
    leaves = [f for f in procedure.fields if f.kind == "leaf" and "*" not in f.pointer]
    field = leaves[field_index % len(leaves)]
    instance = copy.deepcopy(procedure.examples[0])
    target = instance
    *parents, last = field.pointer.split("/")[1:]
    for part in parents:
        target = target.setdefault(part, {}) if isinstance(target, dict) else target
    target[last] = value
    assert procedure.is_valid(instance) == _python_says_valid(procedure, instance)
    schema_errors = [e for e in answer_errors(procedure, instance) if e.keyword != "x-check"]  # x-checks go beyond the schema
    assert (schema_errors == []) == procedure.is_valid(instance)
