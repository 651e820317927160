"""Working days in Vietnam: weekends and public holidays (holidays.VN) are not counted."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache

import holidays


@cache
def _holidays(year: int) -> frozenset[date]:
    """Public holidays of a year, observed and substituted days included."""
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


@lru_cache(maxsize=4096)  # the same few dates are asked for all day long
def working_days_after(start: date, count: int) -> date:
    """The `count`-th working day after `start` (the start day itself is not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def holiday_dates(years: list[int] | range) -> list[str]:
    """ISO dates of the public holidays of these years, for the browser's calendar."""
    return sorted(day.isoformat() for year in years for day in _holidays(year))
