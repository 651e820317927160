"""The monthly-notification schedule over HTTP: the calendar file a phone imports
(GET /api/notification-calendar, CONTRACT.md), the printable schedule page the site's
form opens without JavaScript (GET /api/notification-schedule), and the next window a
notification's receipt offers. The dates are submit_fn/model/notification_windows.py's.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request
from icalendar import Alarm, Calendar, Event

from submit_fn.model.notification_windows import (
    LAST_YEAR,
    Decision,
    Window,
    first_covered_day,
    max_months,
    next_window,
    rule_working_days,
    windows,
)
from submit_fn.model.procedures import Catalogue, Procedure
from submit_fn.service.problems import Problem

WORDS_FILE = Path(__file__).with_name("notification_calendar.json")
LANGS = ("vi", "en")
NOTIFICATION_FORM = "tim-kiem-viec-lam"
SCHEDULE_ROUTE = "/api/notification-schedule"
CALENDAR_ROUTE = "/api/notification-calendar"
ALARM_BEFORE = timedelta(hours=15)  # 09:00 the day before an all-day window opens
LONGEST_VALUE = 20  # characters of a parameter read or echoed; a date or a number is shorter
DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")  # 31/01/2026, as people type dates
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # what date inputs send
DAY_PATTERN = rf"^ *({ISO_DAY.pattern}|{DAY_FIRST.pattern}) *$"  # both, as the API's description says


@cache
def _words() -> dict:
    return {k: v for k, v in json.loads(WORDS_FILE.read_text(encoding="utf-8")).items() if k != "$comment"}


def words(lang: str) -> dict:
    """The schedule's words in one language (templates read them as `w`)."""
    return {key: text[lang] for key, text in _words().items()}


def format_day(day: date, lang: str) -> str:
    weekday = words(lang)["weekdays"][day.weekday()]
    if lang == "en":
        return f"{weekday} {day.day} {day.strftime('%B %Y')}"
    return f"{weekday}, {day.strftime('%d/%m/%Y')}"


def form_link(lang: str) -> str:
    """The notification form's path on the site (CONTRACT: bieu-mau/<id>/, English under en/)."""
    return ("/en" if lang == "en" else "") + f"/bieu-mau/{NOTIFICATION_FORM}/"


# Reading the decision from a query ----------------------------------------


class QueryRefused(Exception):
    """The query's values cannot make a schedule: a message per parameter, in order."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def parse_day(text: str) -> date:
    """YYYY-MM-DD (what date inputs send) or DD/MM/YYYY (what people type); ValueError otherwise."""
    text = text.strip(" ")
    found = DAY_FIRST.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    if not ISO_DAY.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _day(args, name: str) -> date | None:
    """The date in parameter `name`; None when absent or empty; ValueError when unreadable."""
    text = args.get(name, "")
    if not text.strip(" "):
        return None
    if len(text) > LONGEST_VALUE:
        raise ValueError(name)
    return parse_day(text)


def _count(text: str, highest: int) -> int | None:
    """A whole number from 1 to `highest` written in ASCII digits, else None."""
    if not (text.isascii() and text.isdigit() and len(text) <= 3):
        return None
    return int(text) if 1 <= int(text) <= highest else None


def read_decision(args, lang: str) -> Decision:
    """The decision a query describes (`start`, `months`, optional `returned`), or QueryRefused."""
    w, errors = words(lang), {}
    first = first_covered_day()
    last = date(LAST_YEAR, 12, 31)
    try:
        start = _day(args, "start")
        if start is None:
            errors["start"] = w["error_start_missing"]
        elif not first <= start <= last:
            errors["start"] = w["error_start_range"].format(first=format_day(first, lang), last_year=LAST_YEAR)
    except ValueError:
        start, errors["start"] = None, w["error_start_invalid"]
    longest = max_months(start if "start" not in errors else first)
    months_text = args.get("months", "").strip(" ")
    if not months_text:
        errors["months"] = w["error_months_missing"]
    elif _count(months_text, longest) is None:
        errors["months"] = w["error_months_invalid"].format(max=longest)
    try:
        returned = _day(args, "returned")
        if returned is not None and not date(first.year - 1, 1, 1) <= returned <= last:
            errors["returned"] = w["error_returned_range"].format(first_year=first.year - 1, last_year=LAST_YEAR)
    except ValueError:
        returned, errors["returned"] = None, w["error_returned_invalid"]
    if errors:
        raise QueryRefused(errors)
    return Decision(start, int(months_text), returned)


def query_of(decision: Decision, lang: str) -> str:
    """The query string that describes `decision`, as the schedule's links carry it."""
    values = {"start": decision.start.isoformat(), "months": decision.months}
    if decision.returned:
        values["returned"] = decision.returned.isoformat()
    return urllib.parse.urlencode({**values, "lang": lang})


# The calendar file -------------------------------------------------------------


def _description(decision: Decision, window: Window, lang: str, form_number: str, base_url: str) -> str:
    w = words(lang)
    values = {"month": window.month, "form": form_number, "days": rule_working_days(decision.start),
              "opens": format_day(window.opens, lang), "closes": format_day(window.closes, lang)}
    parts = [w["description_first" if window.month == 1 else "description_later"].format(**values)]
    if window.month == 1 and decision.returned is None:
        parts.append(w["description_returned_unknown"].format(start=format_day(decision.start, lang)))
    parts.append(w["description_rest"])
    parts.append(w["description_where"].format(url=base_url + form_link(lang)))
    return "\n\n".join(parts)


def calendar_file(decision: Decision, lang: str, form_number: str, base_url: str) -> bytes:
    """RFC 5545: one all-day event per window, a reminder the day before it opens.

    Only properties that Android's and iOS's calendars import: all-day DATE values, DTEND
    the day after the last day (exclusive), a DISPLAY alarm with its DESCRIPTION. UIDs depend
    on the benefit's first day and the month only, so a file downloaded again (another
    `returned`, another language) updates the events instead of doubling them.
    """
    w = words(lang)
    calendar = Calendar()
    calendar.add("prodid", "-//bhtn-toolkit//lich-thong-bao//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", w["calendar_name"])
    stamp = datetime.now(UTC).replace(microsecond=0)
    for window in windows(decision):
        closes = format_day(window.closes, lang)
        event = Event()
        event.add("uid", f"thong-bao-{decision.start.isoformat()}-thang-{window.month}@bhtn-toolkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", window.opens)
        event.add("dtend", window.closes + timedelta(days=1))
        event.add("summary", w["summary"].format(month=window.month, closes=closes))
        event.add("description", _description(decision, window, lang, form_number, base_url))
        event.add("url", base_url + form_link(lang))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", w["alarm"].format(month=window.month, closes=closes))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


# The schedule page and the receipt's next window ---------------------------------


def schedule_context(decision: Decision | None, lang: str, args, errors: dict[str, str]) -> dict:
    """What schedule.html.j2 and _schedule_form.html.j2 show."""
    w = words(lang)
    context = {
        "w": w, "lang": lang, "errors": errors, "rows": [], "action": SCHEDULE_ROUTE,
        "max_months": max_months(first_covered_day()),
        "values": {name: args.get(name, "")[:LONGEST_VALUE] for name in ("start", "months", "returned")},
    }
    if decision is None:
        return context
    context.update(
        rows=[{"month": win.month, "opens": format_day(win.opens, lang), "closes": format_day(win.closes, lang)}
              for win in windows(decision)],
        decision_line=w["decision_line"].format(start=format_day(decision.start, lang), months=decision.months),
        returned_line=(w["returned_line"].format(returned=format_day(decision.returned, lang)) if decision.returned
                       else w["description_returned_unknown"].format(start=format_day(decision.start, lang))),
        calendar_url=f"{CALENDAR_ROUTE}?{query_of(decision, lang)}",
        form_url=form_link(lang),
        values={"start": decision.start.isoformat(), "months": str(decision.months),
                "returned": decision.returned.isoformat() if decision.returned else ""},
    )
    return context


def _answer(answers: dict, pointer: str):
    value = answers
    for part in pointer.split("/")[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def next_notification(decision: Decision, notified_month: int, lang: str) -> dict:
    """What a receipt says after benefit month `notified_month` was notified: the next window, or none left."""
    w = words(lang)
    following = next_window(decision, notified_month)
    text = w["next_last"] if following is None else w["next_window"].format(
        month=following.month, opens=format_day(following.opens, lang), closes=format_day(following.closes, lang))
    return {"title": w["next_title"], "text": text, "link": w["next_schedule"],
            "url": f"{SCHEDULE_ROUTE}?{query_of(decision, lang)}"}


def _answer(answers: dict, pointer: str):
    value = answers
    for part in pointer.split("/")[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def receipt_next_notification(procedure: Procedure, answers: dict, lang: str) -> dict | None:
    """For a monthly notification (x-procedure.notification), the next window, from its own answers."""
    where = procedure.meta.get("notification")
    if not where:
        return None
    try:
        decision = Decision(date.fromisoformat(_answer(answers, where["start"])), int(_answer(answers, where["months"])))
        return next_notification(decision, int(_answer(answers, where["month"])), lang)
    except (TypeError, ValueError, LookupError):
        return None  # answers the schema accepts but the rules cannot date: the receipt says nothing


# Routes --------------------------------------------------------------------------


def _language() -> str:
    chosen = request.args.get("lang")
    return chosen if chosen in LANGS else request.accept_languages.best_match(LANGS, default="vi")


def blueprint(catalogue: Catalogue, base_url: str) -> Blueprint:
    """The routes; links in calendar files start with `base_url` (PUBLIC_BASE_URL), never the request's Host."""
    routes = Blueprint("notification_calendar", __name__, static_folder="static", static_url_path="/api/static")

    @routes.get(CALENDAR_ROUTE)
    def calendar():
        lang = _language()
        try:
            decision = read_decision(request.args, lang)
        except QueryRefused as refused:
            raise Problem("bad_schedule_query", problems=" ".join(refused.errors.values())) from None
        body = calendar_file(decision, lang, catalogue[NOTIFICATION_FORM].form_number[lang], base_url)
        response = Response(body, content_type="text/calendar; charset=utf-8", headers={"Content-Language": lang})
        response.headers["Content-Disposition"] = f'attachment; filename="lich-thong-bao-{decision.start.isoformat()}.ics"'
        return response

    @routes.get(SCHEDULE_ROUTE)
    def schedule():
        lang = _language()
        wants_json = request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
        decision, after, errors = None, None, {}
        if wants_json or any(request.args.get(name) for name in ("start", "months", "returned", "after")):
            try:
                decision = read_decision(request.args, lang)
                after = read_after(request.args, decision, lang)
            except QueryRefused as refused:
                errors = refused.errors
        if wants_json:
            if errors:
                raise Problem("bad_schedule_query", problems=" ".join(errors.values()))
            return schedule_json(decision, after, lang)
        body = render_template("schedule.html.j2", **schedule_context(decision, lang, request.args, errors))
        return Response(body, status=400 if errors else 200, content_type="text/html; charset=utf-8",
                        headers={"Content-Language": lang})

    return routes


def read_after(args, decision: Decision, lang: str) -> int | None:
    """`after=N`: the benefit month a receipt was for (the answer then says what comes next)."""
    text = args.get("after", "").strip(" ")
    if not text:
        return None
    after = _count(text, decision.months)
    if after is None:
        raise QueryRefused({"after": words(lang)["error_after_invalid"].format(months=decision.months)})
    return after


def schedule_json(decision: Decision, after: int | None, lang: str) -> dict:
    """The windows as data; after a receipt of month `after`, what the receipt says next."""
    body: dict = {"windows": [{"month": w.month, "opens": w.opens.isoformat(), "closes": w.closes.isoformat()}
                              for w in windows(decision)]}
    if after is not None:
        body["next"] = next_notification(decision, after, lang)
    return body
