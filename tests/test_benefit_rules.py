"""The benefit rules against worked examples (tests/benefit_cases.json), each with its arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from submit_fn.benefit_rules import Inputs, claim_estimate, estimate, rules

CASES = json.loads((Path(__file__).with_name("benefit_cases.json")).read_text(encoding="utf-8"))["cases"]


def matches(found: dict, expected: dict) -> dict:
    """The expected keys whose values differ, nested dictionaries compared key by key."""
    wrong = {}
    for key, value in expected.items():
        if isinstance(value, dict) and isinstance(found.get(key), dict):
            inner = matches(found[key], value)
            if inner:
                wrong[key] = inner
        elif found.get(key) != value:
            wrong[key] = {"expected": value, "found": found.get(key)}
    return wrong


@pytest.mark.parametrize("case", CASES, ids=[case["why"][:50] for case in CASES])
def test_a_worked_example(case):
    assert matches(estimate(Inputs.from_json(case["given"])), case["expect"]) == {}, case["why"]


def test_there_are_at_least_twenty_worked_examples_each_with_its_reasoning():
    assert len(CASES) >= 20
    assert all(len(case["why"]) > 30 for case in CASES)


def test_every_rule_names_its_article():
    for regime in rules()["regimes"]:
        for name, rule in regime.items():
            if isinstance(rule, dict) and "value" in rule:
                assert rule["basis"], (regime["id"], name)
    for name, entries in rules()["figures"].items():
        assert all(entry["source"] and entry["from"] for entry in entries), name


def test_a_figure_before_the_first_known_one_gives_no_cap_rather_than_a_guess():
    found = estimate(Inputs.from_json({"contract_end": "2024-03-01", "total_months": 30, "average_salary": 9000000}))
    assert found["monthly"]["cap"] is None and found["monthly"]["amount"] is None


def test_the_claim_estimate_for_the_office():
    answers = {"contract_end_date": "2026-01-10", "contract_type": "khong-xac-dinh-thoi-han", "contribution_months": 40}
    from datetime import date

    assert claim_estimate(answers, date(2026, 4, 11)) == {
        "regime": "2025", "problems": ["late"], "deadline": "2026-04-10", "months": 3, "reserved": 4, "start": "2026-04-28",
    }
    assert claim_estimate({"contract_end_date": "x"}, date(2026, 4, 11)) is None
