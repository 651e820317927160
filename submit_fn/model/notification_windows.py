"""The monthly job-search notification windows of a benefit decision (Decree 374/2025 art. 21, reported).

Month 1: within the rule's working days of the day the result (the benefit decision) was returned;
later months: within the same number of working days from the first day of each benefit month.
Every date comes from `benefit_rules` (benefit months, working days, holidays.VN): nothing is
counted here. The decision's annex prints the dates that bind; these are a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from submit_fn.model.benefit_rules import notification_dates, nth_working_day_from, regime_on, rules

LAST_YEAR = 2099  # beyond it a date is a typing mistake, not a benefit


class NotCovered(LookupError):
    """No notification rule is known for a benefit starting on that day (before the 2025 law)."""


@dataclass(frozen=True)
class Window:
    """The days on which the notification of one benefit month can be made, both included."""

    month: int
    opens: date
    closes: date


@dataclass(frozen=True)
class Decision:
    """What the windows depend on: the benefit's first day, its months, the day the result was returned."""

    start: date
    months: int
    returned: date | None = None  # unknown: month 1 is counted from `start` (said so wherever it is shown)

    @property
    def month_one_from(self) -> date:
        return self.returned or self.start


def rule_working_days(start: date) -> int:
    """The notification rule's working days for a benefit starting on `start`."""
    try:
        rule = regime_on(start).get("notification_working_days")
    except LookupError:
        rule = None
    if not rule:
        raise NotCovered(start.isoformat())
    return rule["value"]


def max_months(start: date) -> int:
    """The longest benefit the law in force on `start` grants."""
    return regime_on(start)["duration"]["value"]["max_months"]


def first_covered_day() -> date:
    """The first day from which a notification rule is known."""
    return min(date.fromisoformat(r["from"]) for r in rules()["regimes"] if r.get("notification_working_days"))


def windows(decision: Decision) -> list[Window]:
    """Every window of the decision, month 1 first.

    Month 1 counts the day the result was returned itself when it is a working day, as the
    later months count their first day (benefit_rules.json, `notification_working_days`):
    of the two readings of "within 3 working days of", the earlier last day, so that a worker
    who keeps to it is never late.
    """
    days = rule_working_days(decision.start)
    first = Window(1, decision.month_one_from, nth_working_day_from(decision.month_one_from, days))
    later = [
        Window(entry["month"], date.fromisoformat(entry["from"]), date.fromisoformat(entry["by"]))
        for entry in notification_dates(days, decision.start, decision.months)
    ]
    return [first, *later]


def next_window(decision: Decision, notified_month: int) -> Window | None:
    """The window after the month just notified; None after the last benefit month."""
    return next((w for w in windows(decision) if w.month == notified_month + 1), None)
