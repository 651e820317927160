"""The benefit rules against worked examples (tests/benefit_cases.json), each with its arithmetic."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from submit_fn.model.benefit_rules import (
    Inputs,
    benefit_month_end,
    benefit_month_start,
    claim_estimate,
    estimate,
    figure_on,
    rules,
)

WORKED = json.loads((Path(__file__).with_name("benefit_cases.json")).read_text(encoding="utf-8"))
CASES = WORKED["cases"]
BENEFIT_MONTHS = WORKED["benefit_months"]


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


@pytest.mark.parametrize("case", BENEFIT_MONTHS, ids=[case["start"] for case in BENEFIT_MONTHS])
def test_a_benefit_month_runs_to_the_day_before_the_same_day_of_the_next_month(case):
    start = date.fromisoformat(case["start"])
    found = [[benefit_month_start(start, n).isoformat(), benefit_month_end(start, n).isoformat()] for n in range(1, len(case["months"]) + 1)]
    assert found == case["months"], case["why"]


def test_benefit_months_starting_on_the_29th_30th_and_31st_of_january_in_leap_and_other_years_are_worked():
    starts = {date.fromisoformat(case["start"]) for case in BENEFIT_MONTHS}
    for day in (29, 30, 31):
        assert {date(2027, 1, day), date(2028, 1, day)} <= starts  # 2027 is not a leap year, 2028 is
    assert benefit_month_start(date(2026, 1, 31), 2) == date(2026, 3, 1)  # the issue's own example


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
    readings = rules()["cap_month"]["readings"]  # both readings, each with the source that gives it
    assert [r["source"].split(" quoting ")[1].split(" art.")[0] for r in readings] == ["Law 74/2025/QH15", "Decree 374/2025/NĐ-CP"]
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


def test_every_rule_says_what_its_evidence_is_and_only_the_record_is_taken_as_confirmed():
    graded = [rule for regime in rules()["regimes"] for rule in regime.values() if isinstance(rule, dict) and "value" in rule]
    graded.append(rules()["periods"]["benefit_month"])
    assert all(period["evidence"] in ("record", "quoted", "reported") for period in rules()["periods"].values())
    for rule in graded:  # the unemployment-insurance rules: unconfirmed unless an official record states them
        assert bool(rule.get("verify")) == (rule["evidence"] != "record"), rule
        if rule["evidence"] == "record":
            assert rule["source"] == "decision-107-bnv" and rule["record"].startswith("record 1.0147"), rule
    regime_2025 = rules()["regimes"][1]
    assert {name for name, rule in regime_2025.items() if isinstance(rule, dict) and rule.get("evidence") == "record"} >= {
        "min_contribution_months", "long_window_months", "short_window_months", "filing_months", "notification_working_days"}


def test_the_base_salary_is_2_530_000_from_1_july_2026():
    assert figure_on("base_salary", date(2026, 6, 30))["value"] == 2_340_000
    assert figure_on("base_salary", date(2026, 7, 1)) == {"from": "2026-07-01", "value": 2_530_000, "act": "decree-161-2026", "verify": True}


def test_a_public_employment_contract_and_a_managers_end_of_work_are_read_by_the_rules():
    for kind in ("hop-dong-lam-viec", "cham-dut-lam-viec"):
        found = claim_estimate({**CLAIM, "contract_type": kind}, date(2026, 2, 2))
        assert found["problems"] == [] and found["months"] == 3, kind
