"""Impossible answers (the schemas' `x-checks`): each kind judged as the law's calendar says, the
same by the function (submit_fn/model/answer_checks.py) and the page (docs/assets/js/checks.js),
and on the same day at midnight in Vietnam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from submit_fn.model.answer_checks import failed_checks, working_life_months
from submit_fn.model.procedures import VIETNAM, Check, Text, load_catalogue, relative_pointer
from submit_fn.model.validation import answer_errors
from submit_fn.model.working_days import holiday_dates
from tests.conftest import ROOT, wait_for_script

CATALOGUE = load_catalogue()
CHECKS_JS = ROOT / "docs" / "assets" / "js" / "checks.js"


def check(kind: str, count: int, value: object = None, level: str = "error") -> Check:
    fields = tuple(f"/a{i}" for i in range(count))
    return Check(kind, kind, fields, fields[0], level, Text(kind, kind), value, None, None, None, f"/x-checks/{kind}", False, {})


def breaks(one: Check, answers: dict, today: date) -> bool:
    return bool(failed_checks(SimpleNamespace(checks=(one,)), answers, today))


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("kind", "values", "value", "holds"), [
    ("date-not-future", ["2026-12-02"], None, True),
    ("date-not-future", ["2026-12-03"], None, False),
    ("age-at-least", ["2011-12-02"], 15, True),  # the 15th birthday is today
    ("age-at-least", ["2011-12-03"], 15, False),
    ("age-at-least", ["2008-02-29"], 15, True),  # 29 February: 28 February in a common year
    ("date-on-or-after", ["2026-03-13", "2026-03-13"], None, True),
    ("date-on-or-after", ["2026-03-12", "2026-03-13"], None, False),
    ("date-after", ["2026-06-13", "2026-06-12"], None, True),
    ("date-after", ["2026-06-12", "2026-06-12"], None, False),
    ("not-equal", ["01", "48"], None, True),
    ("not-equal", ["01", "01"], None, False),
    ("not-value", ["co-viec-lam"], "co-viec-lam", False),
    ("at-most", [3, 3], None, True),
    ("at-most", [4, 3], None, False),
    ("sum-equals", [6, 2, 4], None, True),
    ("sum-equals", [6, 2, 3], None, False),
    ("months-within-working-life", [1, "2010-12-20", "2025-12-31"], 15, True),  # December 2025, begun on the 20th, counts
    ("months-within-working-life", [2, "2010-12-20", "2025-12-31"], 15, False),
    ("months-within-working-life", [1, "2011-12-03"], 15, False),  # judged against today: not 15 yet, no month
    ("working-days-since-at-most", ["2026-11-27"], 3, True),  # Friday: Mon 30 Nov, Tue 1, Wed 2 Dec
    ("working-days-since-at-most", ["2026-11-26"], 3, False),
    ("working-days-since-at-most", ["2027-01-01"], 3, True),  # not yet happened
])
def test_each_kind_of_check_holds_or_breaks_as_the_calendar_says(kind, values, value, holds):
    one = check(kind, len(values), value)
    assert breaks(one, {f"a{i}": v for i, v in enumerate(values)}, TODAY) is not holds


def test_working_days_skip_tet():
    """Tết 2027 (4 to 10 February, holidays.VN): three working days from 4 February end on Monday 15 February."""
    tet = check("working-days-since-at-most", 1, 3)
    assert not breaks(tet, {"a0": "2027-02-04"}, date(2027, 2, 15))
    assert breaks(tet, {"a0": "2027-02-04"}, date(2027, 2, 16))


def test_a_check_is_judged_only_on_answers_given_of_its_kind_and_valid_on_their_own():
    one = check("at-most", 2)
    assert not breaks(one, {"a0": 4}, TODAY)  # the other answer is missing
    assert not breaks(one, {"a0": "4", "a1": 3}, TODAY)  # not a number: validation says so
    assert not failed_checks(SimpleNamespace(checks=(one,)), {"a0": 4, "a1": 3}, TODAY, invalid={"/a1"})
    assert breaks(one, {"a0": 4.0, "a1": 3}, TODAY)  # 4.0 is a whole number, as JSON Schema reads it


def test_a_relative_pointer_is_read_from_the_question():
    assert relative_pointer("/benefit_decision/to", "1/from") == "/benefit_decision/from"
    assert relative_pointer("/current_situation/start_date", "2/benefit_decision/to") == "/benefit_decision/to"
    assert relative_pointer("/benefit_month", "0") == "/benefit_month"
    assert relative_pointer("/benefit_month", "2/x") is None


def test_working_life_counts_every_calendar_month_begun():
    assert working_life_months(date(1990, 3, 15), 15, date(2026, 2, 27)) == 252
    assert working_life_months(date(9990, 1, 1), 15, date(2026, 2, 27)) == 0


# The page judges alike -------------------------------------------------------------------

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)).map(date.isoformat)
ANSWER = st.one_of(DAYS, st.integers(-2, 14), st.sampled_from(["01", "48", "co-viec-lam", "2026-02-30", ""]), st.none())
EVERY_KIND = [check(kind, n, value) for kind, n, value in [
    ("date-not-future", 1, None), ("age-at-least", 1, 2), ("date-on-or-after", 2, None), ("date-after", 2, None),
    ("not-equal", 2, None), ("not-value", 1, "co-viec-lam"), ("at-most", 2, None), ("sum-equals", 3, None),
    ("months-within-working-life", 3, 1), ("months-within-working-life", 2, 1), ("working-days-since-at-most", 1, 3),
]]


def client_check(one: Check) -> dict:
    found = {"id": one.id, "kind": one.kind, "fields": list(one.fields), "at": one.at, "level": one.level, "value": one.value,
             "message": one.message.vi}
    if one.when:
        found["when"] = {"field": one.when[0], "in": list(one.when[1])}
    return found


@pytest.fixture(scope="module")
def checks_page(browser: Browser):
    page = browser.new_page()
    page.set_content('<script type="application/json" id="bhtn-checks">{"checks": []}</script>')
    yield page
    page.close()


def judged_by_the_page(page: Page, one: Check, answers: dict, today: str) -> bool:
    """checks.js reads its checks once, as a form page loads: run it afresh with this one check."""
    data = {"checks": [client_check(one)], "holidays": HOLIDAYS}
    return page.evaluate("""([data, source, answers, today]) => {
        document.getElementById("bhtn-checks").textContent = JSON.stringify(data);
        new Function(source)();
        return window.bhtnChecks.errors(answers, [], today).length > 0;
    }""", [data, CHECKS_JS.read_text(encoding="utf-8"), answers, today])


HOLIDAYS = holiday_dates(range(2023, 2030))


@settings(max_examples=400, deadline=None)
@given(index=st.integers(0, len(EVERY_KIND) - 1), answers=st.lists(ANSWER, min_size=3, max_size=3), today=DAYS)
def test_the_page_and_the_function_judge_every_kind_alike(checks_page: Page, index, answers, today):
    one = EVERY_KIND[index]
    given_answers = {f"a{i}": v for i, v in enumerate(answers) if v is not None}
    assert judged_by_the_page(checks_page, one, given_answers, today) == breaks(one, given_answers, date.fromisoformat(today)), (
        one.kind, given_answers, today)


def test_a_check_with_when_is_judged_only_for_the_choices_it_names(checks_page: Page):
    """The late termination notice: a job reported 5 working days after it began is late; a death,
    which the centre acts on itself, is not judged (record 1.014752)."""
    from dataclasses import replace

    late = next(c for c in CATALOGUE["cham-dut"].checks if c.id == "reported-late")
    judged = replace(late, level="error")  # the page's errors() lists errors only: judge it as one
    for event, expected in (("viec-lam", True), ("chet", False)):
        answers = {"event": event, "event_date": "2026-11-24"}
        assert breaks(judged, answers, TODAY) is expected
        assert judged_by_the_page(checks_page, judged, answers, TODAY.isoformat()) is expected
    assert not breaks(judged, {"event": "viec-lam", "event_date": "2026-11-30"}, TODAY)


# Midnight in Vietnam ------------------------------------------------------------------------


@pytest.mark.parametrize("vietnam_time", ["23:59:59", "00:00:01"])
def test_at_midnight_the_page_and_the_function_agree_on_what_today_is(browser: Browser, site_url: str, vietnam_time: str):
    """A phone set to Vietnam's time judges "today" as the function does (Vietnam's date), on
    either side of midnight: a worker who turns 15 at midnight is refused until then, by both."""
    instant = datetime.fromisoformat(f"2026-12-02T{vietnam_time}+07:00")
    if vietnam_time.startswith("00"):
        instant += timedelta(days=1)
    today_there = instant.astimezone(VIETNAM).date()
    procedure = CATALOGUE["huong-tro-cap"]
    born, fifteenth = date(2011, 12, 3), date(2026, 12, 3)  # the worker turns 15 on 3 December 2026
    answers = {**procedure.examples[0], "birth_date": born.isoformat(), "contribution_months": 0, "contract_end_date": "2026-12-01"}
    context = browser.new_context(timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.clock.set_fixed_time(instant.astimezone(UTC))
    page.goto(f"{site_url}/bieu-mau/huong-tro-cap/")
    wait_for_script(page, "bhtnValidate")
    client = page.evaluate("answers => window.bhtnValidate(answers)", answers)  # no day given: the device's own
    context.close()
    server = answer_errors(procedure, answers, "vi", today_there)
    assert [(e["pointer"], e["message"]) for e in client] == [(e.pointer, e.message) for e in server]
    assert bool(server) is (today_there < fifteenth)
