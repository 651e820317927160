"""The office API over real HTTP, on SQLite and PostgreSQL: each token sees its provinces only,
the list reaches every submission page by page, statuses follow the lifecycle, every read is audited."""

from __future__ import annotations

import re
from datetime import date

import pytest

from submit_fn.model.lifecycle import default_appointment
from submit_fn.model.procedures import today_in_vietnam
from submit_fn.office.access import token_name
from tests.servers import HANOI_TOKEN, OFFICE_TOKEN, PUBLIC_BASE_URL, SAIGON_TOKEN
from tests.test_api import CATALOGUE, call, submit

DEPARTMENT = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
HANOI = {"Authorization": f"Bearer {HANOI_TOKEN}"}
SAIGON = {"Authorization": f"Bearer {SAIGON_TOKEN}"}


def filed(api: str, province: str, procedure_id: str = "huong-tro-cap") -> dict:
    answers = {**CATALOGUE[procedure_id].examples[0], "centre_province": province}
    reply = submit(api, procedure_id, answers)
    assert reply.status == 201, reply.text
    return reply.json["receipt"]


def office_routes(receipt_id: str) -> list[tuple[str, str, dict | None]]:
    """Every office route that names a submission (CONTRACT.md)."""
    return [
        ("GET", f"/api/office/submissions/{receipt_id}", None),
        ("GET", f"/api/office/submissions/{receipt_id}.pdf", None),
        ("POST", f"/api/office/submissions/{receipt_id}/status", {"status": "accepted", "note": ""}),
        ("GET", f"/api/office/submissions/{receipt_id}/documents/1", None),
        ("GET", f"/api/office/audit?receipt={receipt_id}", None),
    ]


def test_a_receipt_names_its_centre_and_says_where_it_stands_without_personal_data(api):
    receipt = filed(api, "15")
    assert receipt["centre"] == {"province": "15", "name": {"vi": "Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
                                                           "en": "Employment Service Centre of Lào Cai Province"}}
    assert (receipt["status"], receipt["status_changed_at"], receipt["note"], receipt["appointment_date"]) == (
        "received", receipt["received_at"], "", None)
    again = call(api, "GET", f"/api/receipts/{receipt['id']}")
    assert again.json["receipt"] == receipt and again.headers["Vary"] == "Accept"


def test_a_centre_never_sees_another_centres_filing_through_any_office_route(api):
    hanoi = filed(api, "01")
    for method, path, body in office_routes(hanoi["id"]):
        refused = call(api, method, path, body, headers=SAIGON)
        assert refused.status == 404 and refused.json["type"].endswith("unknown-receipt"), (path, refused.text)
    listed = call(api, "GET", "/api/office/submissions?limit=200", headers=SAIGON).json
    assert hanoi["id"] not in [item["id"] for item in listed] and all(item["centre"]["province"] == "79" for item in listed)
    assert hanoi["id"] in [item["id"] for item in call(api, "GET", "/api/office/submissions?limit=200", headers=HANOI).json]
    assert call(api, "GET", f"/api/office/submissions/{hanoi['id']}", headers=DEPARTMENT).status == 200
    assert all(entry["province"] == "79" for entry in call(api, "GET", "/api/office/audit", headers=SAIGON).json)
    assert call(api, "GET", f"/api/office/submissions/{hanoi['id']}", headers=HANOI).json["answers"]["centre_province"] == "01"


def test_the_list_reaches_every_submission_through_its_next_links(api):
    mine = {filed(api, "86", "tim-kiem-viec-lam")["id"] for _ in range(7)}
    seen, path = [], "/api/office/submissions?procedure=tim-kiem-viec-lam&limit=3"
    while path:
        reply = call(api, "GET", path, headers=DEPARTMENT)
        assert reply.status == 200 and len(reply.json) <= 3
        seen += [item["id"] for item in reply.json]
        link = reply.headers.get("Link")
        path = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1) if link else ""
    assert mine <= set(seen) and len(seen) == len(set(seen))
    times = [call(api, "GET", f"/api/receipts/{i}").json["receipt"]["received_at"] for i in seen]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("query", [
    "since=garbage", "until=2026-02-30", "since=2026-01-01T10:00:00", "since=2026-01-01%2010:00", "limit=201", "limit=0",
    "limit=abc", "limit=%C2%B2", "status=lost", "procedure=khong-co", "cursor=bm90LWEtY3Vyc29y", "cursor=%F0%9F%98%80",
])
def test_a_filter_that_is_not_what_the_contract_says_is_a_400_problem(api, query):
    reply = call(api, "GET", f"/api/office/submissions?{query}", headers=DEPARTMENT)
    assert reply.status == 400 and reply.headers["Content-Type"].startswith("application/problem+json"), reply.text
    assert reply.json["detail"]


def test_since_and_until_are_times_not_text(api):
    receipt = filed(api, "92", "tiep-tuc")
    received = receipt["received_at"]  # e.g. 2026-03-15T09:41:07+07:00
    in_utc = re.sub(r"T(\d\d)", lambda m: f"T{(int(m.group(1)) - 7) % 24:02d}", received[:19]) + "Z"
    assert received[11:13] >= "07", "the test needs a Vietnam time after 07:00 for its UTC form to fall on the same day"

    def ids(query: str) -> list[str]:
        return [item["id"] for item in call(api, "GET", f"/api/office/submissions?procedure=tiep-tuc&{query}", headers=DEPARTMENT).json]

    assert receipt["id"] in ids(f"since={in_utc}") and receipt["id"] not in ids(f"until={in_utc}")
    assert receipt["id"] in ids(f"since={received[:10]}&until={received[:10]}")  # a full date is its whole day
    assert receipt["id"] not in ids("until=2026-01-01")


def test_statuses_follow_the_lifecycle_and_the_worker_reads_them_on_the_receipt(api):
    receipt = filed(api, "01")
    path = f"/api/office/submissions/{receipt['id']}/status"
    needs = call(api, "POST", path, {"status": "needs_documents", "note": ""}, headers=HANOI)
    assert needs.status == 422 and needs.json["type"].endswith("status-note-required-needs-documents")
    asked = call(api, "POST", path, {"status": "needs_documents", "note": "Quyết định thôi việc (bản sao)"}, headers=HANOI)
    assert asked.status == 200 and asked.json["receipt"]["status"] == "needs_documents"
    accepted = call(api, "POST", path, {"status": "accepted"}, headers=HANOI).json["receipt"]
    expected = default_appointment(CATALOGUE["huong-tro-cap"], today_in_vietnam())
    assert accepted["status"] == "accepted" and accepted["appointment_date"] == expected.isoformat()
    back = call(api, "POST", path, {"status": "needs_documents", "note": "x"}, headers=HANOI)
    assert back.status == 409 and "«Cần bổ sung giấy tờ»" in back.json["detail"] and "«Đã có kết quả»" in back.json["detail"]
    public = call(api, "GET", f"/api/receipts/{receipt['id']}").json["receipt"]
    assert (public["status"], public["appointment_date"]) == ("accepted", expected.isoformat())
    history = call(api, "GET", f"/api/office/submissions/{receipt['id']}", headers=HANOI).json["history"]
    assert [h["status"] for h in history] == ["needs_documents", "accepted"] and history[0]["actor"] == token_name(HANOI_TOKEN)


@pytest.mark.parametrize(("body", "kind"), [
    ({"status": "accepted", "appointment_date": "2020-01-02"}, "status-appointment-in-the-past"),
    ({"status": "accepted", "appointment_date": "2099-01-03"}, "status-appointment-not-a-working-day"),  # a Saturday
    ({"status": "accepted", "appointment_date": "tomorrow"}, "status-appointment-not-a-date"),
    ({"status": "decided"}, "status-impossible"),
    ({"status": "archived"}, "status-unknown-status"),
    ({"status": "refused", "note": "  "}, "status-note-required-refused"),
    ({"status": 3}, "bad-status-body"),
    ({"state": "accepted"}, "bad-status-body"),
])
def test_an_impossible_or_incomplete_status_change_is_refused_and_changes_nothing(api, body, kind):
    receipt = filed(api, "01", "chuyen-noi-huong")
    reply = call(api, "POST", f"/api/office/submissions/{receipt['id']}/status", body, headers=HANOI)
    assert reply.json["type"].endswith(kind) and reply.status in (400, 409, 422), reply.text
    assert call(api, "GET", f"/api/receipts/{receipt['id']}").json["receipt"]["status"] == "received"
    assert date(2099, 1, 3).weekday() == 5


def test_every_office_read_and_change_is_in_the_audit_log_newest_first(api):
    receipt = filed(api, "01", "cham-dut")
    call(api, "GET", f"/api/office/submissions/{receipt['id']}", headers=HANOI)
    call(api, "GET", f"/api/office/submissions/{receipt['id']}.pdf", headers=DEPARTMENT)
    call(api, "POST", f"/api/office/submissions/{receipt['id']}/status", {"status": "withdrawn", "note": "Người nộp xin rút"}, headers=HANOI)
    log = call(api, "GET", f"/api/office/audit?receipt={receipt['id']}", headers=HANOI).json
    assert [(e["action"], e["actor"]) for e in log] == [
        ("status_change", token_name(HANOI_TOKEN)), ("read_pdf", token_name(OFFICE_TOKEN)), ("read_submission", token_name(HANOI_TOKEN)),
    ]
    assert log[0]["detail"] == "received → withdrawn" and log[0]["address"] == "127.0.0.1" and log[0]["receipt"] == receipt["id"]
    first = call(api, "GET", f"/api/office/audit?receipt={receipt['id']}&limit=2", headers=HANOI)
    rest = call(api, "GET", re.fullmatch(r'<([^>]+)>; rel="next"', first.headers["Link"]).group(1), headers=HANOI).json
    assert first.json + rest == log


def test_office_routes_and_the_audit_log_need_a_token(api):
    for path in ("/api/office/submissions", "/api/office/audit", "/api/office/submissions/0000-0000-0000-0000"):
        assert call(api, "GET", path, headers={"Authorization": "Bearer " + OFFICE_TOKEN[:-1]}).status == 401


def test_a_printed_receipt_names_its_centre_and_links_to_its_verification_page(api):
    from tests.test_api import pdf_text

    receipt = filed(api, "15", "cham-dut")
    text = pdf_text(call(api, "GET", f"/api/receipts/{receipt['id']}.pdf").body)
    assert "Trung tâm Dịch vụ việc làm tỉnh Lào Cai" in text
    assert f"{PUBLIC_BASE_URL}/xac-minh/{receipt['id']}?signature={receipt['signature']}" in text.replace("\n", "")
    page = call(api, "GET", f"/xac-minh/{receipt['id']}?signature={receipt['signature']}")
    assert page.status == 200 and "Biên nhận thật" in page.text and "tỉnh Lào Cai" in page.text
    assert CATALOGUE["cham-dut"].examples[0]["full_name"] not in page.text
