"""Never miss a notification: the monthly windows of a benefit decision as a calendar file a phone
imports, a printable schedule page that works without JavaScript, and the next window on receipts."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from submit_fn.model.notification_windows import Decision, Window, windows
from tests.servers import PUBLIC_BASE_URL as BASE
from tests.servers import function_server
from tests.test_api import call


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[str]:
    with function_server(f"sqlite:///{tmp_path_factory.mktemp('db') / 'calendar.sqlite3'}") as url:
        yield url


def calendar_of(api: str, query: str, headers: dict | None = None) -> Calendar:
    reply = call(api, "GET", f"/api/notification-calendar?{query}", headers=headers)
    assert reply.status == 200, reply.text
    return Calendar.from_ical(reply.body)


def events(calendar: Calendar) -> list:
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def days(found: list[Window]) -> list[tuple[int, str, str]]:
    return [(w.month, w.opens.isoformat(), w.closes.isoformat()) for w in found]


# The windows ---------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "expected"), [
    pytest.param(
        Decision(date(2026, 2, 10), 5, returned=date(2026, 2, 12)),
        [(1, "2026-02-12", "2026-02-23"),  # Thu 12, Fri 13, then Tết (Mon 16 – Fri 20) and a weekend: Mon 23
         (2, "2026-03-10", "2026-03-12"),  # Tue 10, Wed 11, Thu 12
         (3, "2026-04-10", "2026-04-14"),  # Fri 10, Mon 13, Tue 14
         (4, "2026-05-10", "2026-05-13"),  # a Sunday: Mon 11, Tue 12, Wed 13
         (5, "2026-06-10", "2026-06-12")],
        id="Tết in the first window, weekends later",
    ),
    pytest.param(
        Decision(date(2026, 1, 26), 4, returned=date(2026, 1, 23)),
        [(1, "2026-01-23", "2026-01-27"),  # Fri 23, Mon 26, Tue 27
         (2, "2026-02-26", "2026-03-02"),  # Thu 26, Fri 27, Mon 2 March
         (3, "2026-03-26", "2026-03-30"),  # Thu 26, Fri 27, Mon 30
         (4, "2026-04-26", "2026-05-04")],  # Hùng Kings Sun 26 (observed Mon 27), Tue 28, Wed 29, 30/4 and 1/5: Mon 4 May
        id="Hùng Kings, 30 April and 1 May in one window",
    ),
])
def test_every_window_ends_on_the_third_working_day_skipping_weekends_and_holidays(decision, expected):
    assert days(windows(decision)) == expected


THIRTY_FIRST = Decision(date(2026, 1, 31), 5, returned=date(2026, 1, 30))


def test_a_benefit_from_31_january_has_its_second_month_from_1_march():
    """DOMAIN.md (Decree 374 art. 15(2)): benefit from 31 Jan → month 1 ends 28 Feb, month 2 starts
    1 Mar. Month 4 starts 1 May whichever day the later months count from. Closing days: the third
    working day counting the first."""
    found = {w.month: (w.opens.isoformat(), w.closes.isoformat()) for w in windows(THIRTY_FIRST)}
    assert found[1] == ("2026-01-30", "2026-02-03")  # Fri 30, Mon 2, Tue 3
    assert found[2] == ("2026-03-01", "2026-03-04")  # a Sunday: Mon 2, Tue 3, Wed 4
    assert found[4] == ("2026-05-01", "2026-05-06")  # 1 May is a holiday, then a weekend: Mon 4, Tue 5, Wed 6


def test_a_benefit_from_31_january_counts_every_later_month_from_the_31st_where_the_month_has_one():
    """Each benefit month runs to the day before the benefit's own day (the 31st) of the next month,
    or to that month's last day where it has no 31st (Decree 374 art. 15(2); the reading
    benefit_rules.json marks unconfirmed): month 3 from 31 March, month 4 from 1 May, month 5 from
    31 May."""
    assert days(windows(THIRTY_FIRST)) == [
        (1, "2026-01-30", "2026-02-03"),
        (2, "2026-03-01", "2026-03-04"),
        (3, "2026-03-31", "2026-04-02"),  # Tue 31, Wed 1, Thu 2
        (4, "2026-05-01", "2026-05-06"),
        (5, "2026-05-31", "2026-06-03"),  # a Sunday: Mon 1, Tue 2, Wed 3
    ]


def test_without_the_day_the_result_was_returned_month_one_counts_from_the_first_day_of_benefit():
    assert windows(Decision(date(2026, 3, 10), 1))[0] == Window(1, date(2026, 3, 10), date(2026, 3, 12))


# The calendar file -------------------------------------------------------------


def test_a_decision_from_31_january_for_5_months_is_a_calendar_of_5_all_day_windows_with_alarms_in_vietnamese(api):
    reply = call(api, "GET", "/api/notification-calendar?start=2026-01-31&months=5&returned=2026-01-30")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/calendar")
    assert reply.headers["Content-Disposition"] == 'attachment; filename="lich-thong-bao-2026-01-31.ics"'
    calendar = Calendar.from_ical(reply.body)
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    found = events(calendar)
    assert len(found) == 5
    expected = windows(Decision(date(2026, 1, 31), 5, date(2026, 1, 30)))
    for event, window in zip(found, expected, strict=True):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and type(end) is date  # all-day: DATE values, no time zone to shift them
        assert (start, end - timedelta(days=1)) == (window.opens, window.closes)
        assert str(event["summary"]).startswith(f"Thông báo tìm việc tháng hưởng {window.month} (hạn ")
        assert "ngày làm việc" in str(event["description"]) and "Mẫu số 24" in str(event["description"])
        assert str(event["url"]) == f"{BASE}/bieu-mau/tim-kiem-viec-lam/"
        assert f"{BASE}/bieu-mau/tim-kiem-viec-lam/" in str(event["description"])
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"]).startswith("Ngày mai mở kỳ thông báo")
        fires = alarm.decoded("trigger")
        assert fires == -timedelta(hours=15)  # relative to the start: 09:00 on the day before the window opens
    assert found[0].decoded("dtstart") == date(2026, 1, 30)  # the day the result was returned, not the start


def test_uids_are_stable_so_a_second_download_updates_the_events_instead_of_doubling_them(api):
    first = [str(e["uid"]) for e in events(calendar_of(api, "start=2026-03-10&months=3"))]
    again = [str(e["uid"]) for e in events(calendar_of(api, "start=2026-03-10&months=3&returned=2026-03-09&lang=en"))]
    other = [str(e["uid"]) for e in events(calendar_of(api, "start=2026-03-11&months=3"))]
    assert first == again and len(set(first)) == 3
    assert not set(first) & set(other)


def test_the_calendar_is_in_english_on_request(api):
    for query, headers in (("start=2026-03-10&months=2&lang=en", None), ("start=2026-03-10&months=2", {"Accept-Language": "en"})):
        found = events(calendar_of(api, query, headers))
        assert str(found[1]["summary"]) == "Job-search notification, benefit month 2 (by Tuesday 14 April 2026)"
        assert str(found[0]["url"]) == f"{BASE}/en/bieu-mau/tim-kiem-viec-lam/"
        assert "did not give the day you received the result" in str(found[0]["description"])


def test_only_widely_imported_properties_are_used(api):
    """Android's and iOS's calendars import these; nothing else is in the file."""
    text = call(api, "GET", "/api/notification-calendar?start=2026-03-10&months=12").text
    assert "\r\n" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # RFC 5545 3.1 folding
    names = {line.split(":")[0].split(";")[0] for line in text.split("\r\n") if line and not line.startswith(" ")}
    assert names <= {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "UID", "DTSTAMP",
                     "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "TRANSP", "ACTION", "TRIGGER"}
    assert text.count("BEGIN:VEVENT") == 12 == text.count("BEGIN:VALARM")


@pytest.mark.parametrize(("query", "vi", "en"), [
    ("months=5", "Hãy nhập ngày bắt đầu hưởng", "Enter the first day of benefit"),
    ("start=2026-02-30&months=5", "phải là một ngày có thật", "must be a real date"),
    ("start=31-31-2026&months=5", "phải là một ngày có thật", "must be a real date"),
    ("start=%D9%A3%D9%A1/01/2026&months=5", "phải là một ngày có thật", "must be a real date"),  # Arabic-Indic digits
    ("start=" + "9" * 5000 + "&months=5", "phải là một ngày có thật", "must be a real date"),
    ("start=2025-12-31&months=5", "chỉ tính cho trợ cấp bắt đầu từ", "covers benefit starting from"),
    ("start=2100-01-01&months=5", "đến hết năm 2099", "to the end of 2099"),
    ("start=2026-03-10", "Hãy nhập số tháng", "Enter the number of months"),
    ("start=2026-03-10&months=0", "từ 1 đến 12", "from 1 to 12"),
    ("start=2026-03-10&months=13", "từ 1 đến 12", "from 1 to 12"),
    ("start=2026-03-10&months=1e1", "từ 1 đến 12", "from 1 to 12"),
    ("start=2026-03-10&months=%C2%B3", "từ 1 đến 12", "from 1 to 12"),  # a superscript digit
    ("start=2026-03-10&months=99999999999999999999", "từ 1 đến 12", "from 1 to 12"),
    ("start=2026-03-10&months=3&returned=2026-13-01", "Ngày nhận kết quả phải là một ngày có thật", "must be a real date"),
    ("start=2026-03-10&months=3&returned=1900-01-01", "từ năm 2025", "between 2025"),
])
def test_bad_values_get_a_clear_400_in_vietnamese_or_english_never_a_500(api, query, vi, en):
    reply = call(api, "GET", f"/api/notification-calendar?{query}")
    assert reply.status == 400 and reply.headers["Content-Type"].startswith("application/problem+json")
    assert vi in reply.json["detail"] and reply.json["title"] == "Chưa tính được lịch thông báo"
    english = call(api, "GET", f"/api/notification-calendar?{query}&lang=en")
    assert english.status == 400 and en in english.json["detail"]
    assert "9" * 50 not in reply.text


def test_forgiving_dates_as_people_type_them(api):
    typed = events(calendar_of(api, "start=10/3/2026&months=2&returned=%2009.03.2026%20"))
    assert typed[0].decoded("dtstart") == date(2026, 3, 9) and typed[1].decoded("dtstart") == date(2026, 4, 10)


# The schedule page and the receipts ------------------------------------------------


def test_the_schedule_page_escapes_what_it_echoes(api):
    hostile = urllib.parse.quote('"><script>alert(1)</script>')
    reply = call(api, "GET", f"/api/notification-schedule?start={hostile}&months={hostile}&returned={hostile}")
    assert reply.status == 400 and reply.headers["Content-Type"].startswith("text/html")
    assert "<script>" not in reply.text and 'role="alert"' in reply.text
    assert "phải là một ngày có thật" in reply.text


def test_the_schedule_is_data_too_and_says_what_comes_after_a_month(api):
    reply = call(api, "GET", "/api/notification-schedule?start=2026-03-10&months=3&after=2", headers={"Accept": "application/json"})
    assert reply.status == 200
    assert reply.json["windows"][2] == {"month": 3, "opens": "2026-05-10", "closes": "2026-05-13"}
    assert reply.json["next"]["text"] == "Tháng hưởng thứ 3: thông báo từ Chủ nhật, 10/05/2026 đến hết thứ Tư, 13/05/2026."
    last = call(api, "GET", "/api/notification-schedule?start=2026-03-10&months=3&after=3&lang=en", headers={"Accept": "application/json"})
    assert last.json["next"]["text"].startswith("This was the last benefit month")
    wrong = call(api, "GET", "/api/notification-schedule?start=2026-03-10&months=3&after=4", headers={"Accept": "application/json"})
    assert wrong.status == 400 and "từ 1 đến 3" in wrong.json["detail"]


def test_a_monthly_notification_sent_without_javascript_gets_a_receipt_with_the_next_window(api):
    from submit_fn.model.procedures import load_catalogue

    example = load_catalogue()["tim-kiem-viec-lam"].examples[0]  # month 2 of 3, benefit from 13 March 2026
    form = {
        "_lang": "vi", "benefit_month": "2", "centre_province": "01", "full_name": example["full_name"],
        "birth_date": example["birth_date"], "citizen_id": example["citizen_id"], "phone": example["phone"],
        **{f"benefit_decision.{key}": str(value) for key, value in example["benefit_decision"].items()},
        **{f"job_search.0.{key}": value for key, value in example["job_search"][0].items()},
        "current_situation.status": "chua-co-viec-lam", "declaration": "true",
    }
    reply = call(api, "POST", "/api/procedures/tim-kiem-viec-lam/submissions", urllib.parse.urlencode(form).encode(),
                 {"Accept": "text/html"}, content_type="application/x-www-form-urlencoded")
    assert reply.status == 200, reply.text  # the receipt's own page, after the redirect
    # month 3 starts Wed 13 May 2026: Wed 13, Thu 14, Fri 15
    assert "Tháng hưởng thứ 3: thông báo từ thứ Tư, 13/05/2026 đến hết thứ Sáu, 15/05/2026." in reply.text
    assert re.search(r'href="/api/notification-schedule\?start=2026-03-13&(amp;)?months=3&(amp;)?lang=vi"', reply.text)


def test_the_guidance_page_and_form_of_each_monthly_notification_link_to_the_schedule_page(built_site):
    from sitegen.templating import strings
    from submit_fn.model.procedures import load_catalogue

    for procedure in load_catalogue():
        for lang, lang_dir in (("vi", ""), ("en", "en/")):
            link = f'href="../../lich-thong-bao/">{strings()["notification_schedule"][lang]}'
            for kind in ("thu-tuc", "bieu-mau") if procedure.has_worker_form else ("thu-tuc",):
                page = (built_site / f"{lang_dir}{kind}/{procedure.id}/index.html").read_text(encoding="utf-8")
                links = link in page.replace(' class="md-button"', "")
                assert links == ("notification" in procedure.meta), (lang_dir, kind, procedure.id)
    schedule = (built_site / "lich-thong-bao/index.html").read_text(encoding="utf-8")
    assert 'action="/api/notification-schedule"' in schedule and 'name="lang" value="vi"' in schedule
    assert 'name="lang" value="en"' in (built_site / "en/lich-thong-bao/index.html").read_text(encoding="utf-8")
