"""The benefit rules against worked examples (tests/benefit_cases.json), each with its arithmetic."""

from __future__ import annotations

import json
from datetime import date
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


def test_every_rule_and_figure_names_its_article_and_an_act_with_its_effective_date():
    acts = rules()["acts"]
    assert all(date.fromisoformat(act["effective"]) and act["title"]["vi"] and act["title"]["en"] for act in acts.values())
    for regime in rules()["regimes"]:
        assert regime["act"] in acts and regime["from"] >= acts[regime["act"]]["effective"], regime["id"]
        for name, rule in regime.items():
            if isinstance(rule, dict) and "value" in rule:
                assert rule["act"] in acts and rule["article"], (regime["id"], name)
    for name, entries in rules()["figures"].items():
        assert all(entry["act"] in acts and entry["from"] >= acts[entry["act"]]["effective"] for entry in entries), name
    for period in rules()["periods"].values():
        assert period["act"] in acts and period["article"] and period["reading"]


def test_what_domain_md_marks_verify_is_marked_in_the_data_with_what_is_unconfirmed():
    assert rules()["figures"]["regional_minimum_wage"][-1]["verify"]  # the 2026 minimum wages
    assert rules()["cap_month"]["verify"] and "reference month" in rules()["cap_month"]["note"]
    assert rules()["regimes"][0]["transitional"]["verify"]
    for act in rules()["acts"].values():
        assert not act.get("verify") or act["note"], act["title"]["en"]


def test_a_regional_minimum_wage_change_is_one_more_dated_entry():
    wages = rules()["figures"]["regional_minimum_wage"]
    assert [entry["from"] for entry in wages] == sorted(entry["from"] for entry in wages)
    assert set(wages[-1]["value"]) == {"I", "II", "III", "IV"}


def test_a_contract_that_ended_before_any_rules_we_know_is_refused_not_guessed():
    with pytest.raises(LookupError):
        estimate(Inputs(contract_end=date(2014, 12, 31)))


def test_a_figure_before_the_first_known_one_gives_no_cap_rather_than_a_guess():
    found = estimate(Inputs.from_json({"contract_end": "2024-03-01", "total_months": 30, "average_salary": 9000000}))
    assert found["monthly"]["cap"] is None and found["monthly"]["amount"] is None


CLAIM = {"contract_end_date": "2026-01-10", "contract_type": "khong-xac-dinh-thoi-han", "contribution_months": 40,
         "termination_reason": "Hết hạn hợp đồng"}


def test_the_office_sees_a_late_claim_with_its_deadline_months_and_start():
    found = claim_estimate(CLAIM, date(2026, 4, 11))
    assert found == {
        "regime": "2025", "eligible": False, "problems": ["late"], "deadline": "2026-04-10", "months": 3, "reserved": 4,
        "start": "2026-04-28", "unconfirmed": ["rules"],
        "reason_mentions_exclusion": False, "rules_version": rules()["version"],
    }


def test_the_office_is_prompted_when_the_free_text_reason_names_an_excluded_situation():
    for reason in ("Tôi đơn phương nghỉ việc", "Nghỉ hưu", "I quit to take my PENSION"):
        assert claim_estimate({**CLAIM, "termination_reason": reason}, date(2026, 2, 2))["reason_mentions_exclusion"], reason


def test_fewer_than_twelve_months_in_all_is_too_few_on_the_claim_form():
    found = claim_estimate({**CLAIM, "contribution_months": 11}, date(2026, 2, 2))
    assert found["problems"] == ["too_few_months"] and found["eligible"] is False


def test_a_claim_the_rules_cannot_read_gets_no_estimate_rather_than_an_error():
    assert claim_estimate({"contract_end_date": "x"}, date(2026, 4, 11)) is None
    assert claim_estimate({**CLAIM, "contract_end_date": "2010-01-01"}, date(2026, 4, 11)) is None
