"""Unemployment-benefit rules as code: eligibility, monthly amount, duration, deadlines.

The rules and figures live in `benefit_rules.json` beside this file, each with its act,
article and the act's effective date; the site's estimator (docs/assets/js/estimator.js)
reads the same file and tests/benefit_cases.json keeps the two in step. Nothing here is
a decision: the public employment service proposes and the provincial Department decides.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from submit_fn.model.working_days import is_working_day, working_days_after

RULES_FILE = Path(__file__).with_name("benefit_rules.json")
CONTRACT_TYPES = ("indefinite", "fixed_12_plus", "3_to_12", "1_to_3")
REASONS = ("other", "unlawful_termination", "quit_eligible_for_pension", "pension_or_incapacity")


@cache
def rules() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Inputs:
    contract_end: date
    contract_type: str = "indefinite"
    months_in_window: int | None = None  # contributions within the reference window before the contract ended
    total_months: int | None = None  # contribution months not yet used for benefit
    average_salary: int | None = None  # of the last 6 contribution months, in đồng
    salary_regime: str = "employer"  # 'employer' (employer-set) or 'state' (State salary scale)
    region: str = "I"
    reason: str = "other"
    filing_date: date | None = None

    @classmethod
    def from_json(cls, data: dict) -> Inputs:
        dates = {key: date.fromisoformat(data[key]) for key in ("contract_end", "filing_date") if data.get(key)}
        return cls(**{**data, **dates})


def regime_on(day: date) -> dict:
    """The law in force on the day the contract ended (transitional rules unconfirmed: see the data)."""
    for regime in rules()["regimes"]:
        if regime["from"] <= day.isoformat() <= regime.get("until", "9999"):
            return regime
    raise LookupError(f"no unemployment-benefit rules known for a contract that ended on {day.isoformat()}")


def figure_on(name: str, day: date) -> dict | None:
    """The entry of a dated figure in force on `day`, or None before the first one we know."""
    known = [entry for entry in rules()["figures"][name] if entry["from"] <= day.isoformat()]
    return known[-1] if known else None


def add_months(day: date, months: int) -> date:
    """Calendar months; a day the target month lacks becomes its last day (Civil Code art. 148(3))."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def benefit_month_start(start: date, month: int) -> date:
    """The first day of benefit month `month` (1 is `start` itself), Decree 374/2025 art. 15(2): a benefit month
    runs from the start day to the day before the same day of the next month, or to that month's last day where
    it has no such day. From 31 January: month 1 ends on 28 (29) February, month 2 starts on 1 March, month 3 on
    31 March (periods.benefit_month in the data says which reading of "the same day" this is)."""
    month_index = start.month - 1 + month - 1
    year, number = start.year + month_index // 12, month_index % 12 + 1
    length = calendar.monthrange(year, number)[1]
    if start.day <= length:
        return date(year, number, start.day)
    return date(year, number, length) + timedelta(days=1)


def benefit_month_end(start: date, month: int) -> date:
    """The last day of benefit month `month`: the day before the next one starts."""
    return benefit_month_start(start, month + 1) - timedelta(days=1)


def nth_working_day_from(day: date, count: int) -> date:
    """The `count`-th working day counting `day` itself."""
    return working_days_after(day - timedelta(days=1), count)


def estimate(given: Inputs) -> dict:
    """Everything the rules say about a claim, as JSON-ready values (the estimator shows the same)."""
    regime = regime_on(given.contract_end)
    value = {key: rule["value"] for key, rule in regime.items() if isinstance(rule, dict) and "value" in rule}
    months = benefit_months(value["duration"], given.total_months)
    problems = eligibility_problems(value, given)
    deadline = add_months(given.contract_end, value["filing_months"])
    start = benefit_start(value["start"], given.filing_date) if given.filing_date else None
    if given.filing_date and given.filing_date > deadline:
        problems.append("late")
    eligible = None if given.months_in_window is None and not problems else not problems
    monthly = monthly_amount(value, given)
    rest_day_end = None if is_working_day(deadline) else working_days_after(deadline, 1)
    return {
        "regime": regime["id"],
        "eligible": eligible,
        "problems": problems,
        "deadline": deadline.isoformat(),
        "deadline_if_rest_day_rule": rest_day_end.isoformat() if rest_day_end else None,
        "monthly": monthly,
        "months": months,
        "reserved": reserved_months(value.get("reserve"), value["duration"], given.total_months, months),
        "start": start.isoformat() if start else None,
        "notifications": notification_dates(value.get("notification_working_days"), start, months),
        "unconfirmed": unconfirmed(regime, monthly, rest_day_end is not None),
    }


def eligibility_problems(value: dict, given: Inputs) -> list[str]:
    problems = []
    if given.contract_type not in value["covered_contracts"]:
        problems.append("not_covered")
    if given.reason in value["excluded_reasons"]:
        problems.append("excluded_reason")
    if given.months_in_window is not None and given.months_in_window < value["min_contribution_months"]:
        problems.append("too_few_months")
    return problems


def unconfirmed(regime: dict, monthly: dict | None, rest_day: bool) -> list[str]:
    """What in this estimate rests on something short of the official text (`verify`), in the order shown."""
    rules_used = [rule for rule in regime.values() if isinstance(rule, dict) and "value" in rule]
    found = {
        "transitional": bool(regime.get("transitional", {}).get("verify")),
        "rules": any(rule.get("verify") for rule in rules_used),
        "figure": bool(monthly and monthly.get("figure_verify")),
        "cap_month": bool(monthly and monthly.get("cap") is not None and rules()["cap_month"]["verify"]),
        "rest_day": rest_day and rules()["periods"]["rest_day"]["verify"],
    }
    return [name for name, applies in found.items() if applies]


def benefit_months(duration: dict, total_months: int | None) -> int | None:
    if total_months is None or total_months < 12:
        return None if total_months is None else 0
    extra = max(0, total_months - duration["first_up_to"]) // duration["extra_month_per"]
    return min(duration["max_months"], duration["first_months"] + extra)


def reserved_months(reserve: dict | None, duration: dict, total_months: int | None, months: int | None) -> int | None:
    """Contribution months kept for a later claim: those above what the benefit months use."""
    if reserve is None or total_months is None:
        return None
    if not months or total_months <= reserve["above"]:
        return 0
    used = duration["first_up_to"] + (months - duration["first_months"]) * duration["extra_month_per"]
    return max(0, min(total_months, reserve["up_to"]) - used)


def monthly_amount(value: dict, given: Inputs) -> dict | None:
    """60 % of the average salary, capped at 5 × the figure of the worker's salary regime."""
    if given.average_salary is None:
        return None
    figure_name = value["cap_figure"][given.salary_regime]
    entry = figure_on(figure_name, given.contract_end)
    percent = round(value["rate"] * 100)
    raw = given.average_salary * percent // 100
    if entry is None:
        return {"percent": percent, "raw": raw, "cap": None, "amount": None, "figure": figure_name}
    figure = entry["value"][given.region] if isinstance(entry["value"], dict) else entry["value"]
    cap = value["cap_multiple"] * figure
    return {
        "percent": percent,
        "raw": raw,
        "figure": figure_name,
        "figure_value": figure,
        "figure_act": entry["act"],
        "figure_verify": bool(entry.get("verify")),
        "multiple": value["cap_multiple"],
        "cap": cap,
        "amount": min(raw, cap),
        "capped": raw > cap,
    }


def benefit_start(start: dict, filing: date) -> date:
    if start["working"]:
        return working_days_after(filing, start["days"])
    return filing + timedelta(days=start["days"])


def notification_dates(rule: int | None, start: date | None, months: int | None) -> list[dict]:
    """From the second benefit month: its first day and the last day to notify."""
    if rule is None or start is None or not months:
        return []
    dates = []
    for month in range(2, months + 1):
        first = benefit_month_start(start, month)
        dates.append({"month": month, "from": first.isoformat(), "by": nth_working_day_from(first, rule).isoformat()})
    return dates


def claim_estimate(answers: dict, received: date) -> dict | None:
    """What the rules say about a stored claim, for the office (never shown as a decision)."""
    claim_form = rules()["claim_form"]
    try:
        months = answers["contribution_months"]
        given = Inputs(
            contract_end=date.fromisoformat(answers["contract_end_date"]),
            contract_type=claim_form["contract_types"][answers["contract_type"]],
            total_months=months,
            months_in_window=months if months < claim_form_min_months(answers["contract_end_date"]) else None,
            filing_date=received,
        )
        found = estimate(given)
    except (KeyError, ValueError, TypeError, LookupError):
        return None
    kept = ("regime", "eligible", "problems", "deadline", "months", "reserved", "start", "unconfirmed")
    return {
        **{key: found[key] for key in kept},
        "reason_mentions_exclusion": mentions_exclusion(answers.get("termination_reason", "")),
        "rules_version": rules()["version"],
    }


def claim_form_min_months(contract_end: str) -> int:
    """Fewer total months than this is surely too few in the window (see claim_form.reading)."""
    return regime_on(date.fromisoformat(contract_end))["min_contribution_months"]["value"]


def mentions_exclusion(reason: str) -> bool:
    """Whether the free-text reason names a word of an excluded situation: a prompt to check, not a finding."""
    text = reason.casefold()
    return any(word in text for word in rules()["claim_form"]["excluded_reason_words"])
