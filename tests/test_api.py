"""The submit function over real HTTP: every route and status of CONTRACT.md."""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from jsonschema import Draft202012Validator

from submit_fn.model.procedures import PROCEDURE_IDS, load_catalogue
from submit_fn.service.receipts import parse_receipt_id
from tests.conftest import worker_form_ids
from tests.servers import OFFICE_TOKEN

CATALOGUE = load_catalogue()
FORMS = worker_form_ids()
OFFICE = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what Chromium asks for when it follows a redirect


class Reply:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(base: str, method: str, path: str, body: bytes | dict | None = None, headers: dict | None = None,
         content_type: str = "application/json", follow_redirects: bool = True) -> Reply:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", content_type)
    opener = urllib.request.build_opener() if follow_redirects else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def submit(api: str, procedure_id: str, answers: dict, headers: dict | None = None) -> Reply:
    return call(api, "POST", f"/api/procedures/{procedure_id}/submissions", answers, headers)


def test_health_answers_ok(api):
    reply = call(api, "GET", "/api/health")
    assert (reply.status, reply.json) == (200, {"status": "ok"})


def test_procedures_are_listed_with_title_and_version(api):
    listed = call(api, "GET", "/api/procedures").json
    assert [p["id"] for p in listed] == list(PROCEDURE_IDS)
    assert all(p["title"] and p["version"] for p in listed)
    english = call(api, "GET", "/api/procedures", headers={"Accept-Language": "en"}).json
    assert english[1]["title"] == CATALOGUE["huong-tro-cap"].title.en


def test_a_schema_is_served_bundled_with_an_etag_and_revalidates(api):
    reply = call(api, "GET", "/api/procedures/huong-tro-cap/schema")
    assert reply.status == 200 and reply.json["x-procedure"]["id"] == "huong-tro-cap"
    assert any(key.startswith("bundled:") for key in reply.json["$defs"])
    again = call(api, "GET", "/api/procedures/huong-tro-cap/schema", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status == 304


@pytest.mark.parametrize("procedure_id", FORMS)
def test_every_valid_example_gets_a_receipt_that_holds_no_personal_data(api, procedure_id):
    procedure = CATALOGUE[procedure_id]
    reply = submit(api, procedure_id, procedure.examples[0])
    assert reply.status == 201, reply.text
    receipt = reply.json["receipt"]
    assert reply.headers["Location"] == f"/api/receipts/{receipt['id']}"
    assert parse_receipt_id(receipt["id"]) == receipt["id"]
    assert receipt["procedure"] == procedure_id and receipt["schema_version"] == procedure.version
    assert receipt["received_at"].endswith("+07:00")
    assert (receipt["due_date"] is None) == (procedure.processing_working_days is None)
    public = call(api, "GET", reply.headers["Location"])
    assert public.status == 200 and public.json["receipt"] == receipt
    for secret in (procedure.examples[0].get("citizen_id"), procedure.examples[0].get("full_name")):
        if secret:
            assert secret not in public.text


@pytest.mark.parametrize("procedure_id", FORMS)
def test_every_invalid_example_is_refused_at_its_pointer(api, procedure_id):
    for case, answers in CATALOGUE[procedure_id].invalid_examples():
        reply = submit(api, procedure_id, answers)
        assert reply.status == 422
        assert reply.headers["Content-Type"].startswith("application/problem+json")
        assert case["fails_at"] in [error["pointer"] for error in reply.json["errors"]]


def test_every_error_is_listed_with_a_vietnamese_message_by_default_and_english_on_request(api):
    vietnamese = submit(api, "huong-tro-cap", {})
    english = submit(api, "huong-tro-cap", {}, {"Accept-Language": "en-GB,en;q=0.9"})
    required = CATALOGUE["huong-tro-cap"].schema["required"]
    assert len(vietnamese.json["errors"]) == len(required)
    assert vietnamese.json["errors"][1]["message"] == "Hãy nhập họ và tên của bạn."
    assert english.json["errors"][1]["message"] == "Enter your full name."
    assert english.json["title"] == "Some answers need fixing"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "kind"),
    [
        (b'{"full_name": ', "application/json", 400, "bad-json"),
        (b'{"full_name": "\xff"}', "application/json", 400, "bad-utf8"),
        (b'{"full_name": "a\x00b"}', "application/json", 400, "nul-byte"),
        (b'{"full_name": "a\\u0000b"}', "application/json", 400, "nul-byte"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400, "too-deep"),
        (b"[1, 2]", "application/json", 400, "not-object"),
        (b"x" * 70_000, "application/json", 413, "too-large"),
        (b"<answers/>", "application/xml", 415, "unsupported-type"),
    ],
)
def test_a_broken_body_gets_its_own_4xx_problem(api, body, content_type, status, kind):
    reply = call(api, "POST", "/api/procedures/huong-tro-cap/submissions", body, content_type=content_type)
    assert reply.status == status
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.json["type"].endswith(kind) and reply.json["title"] and reply.json["detail"]


def test_unknown_procedures_receipts_and_methods_are_problems_not_pages(api):
    assert call(api, "POST", "/api/procedures/khong-co/submissions", {}).status == 404
    assert call(api, "GET", "/api/receipts/0000-0000-0000-0000").json["type"].endswith("unknown-receipt")
    assert call(api, "GET", "/api/receipts/hello").json["type"].endswith("not-receipt-id")
    wrong_method = call(api, "DELETE", "/api/health")
    assert wrong_method.status == 405 and wrong_method.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert call(api, "GET", "/api/nothing-here").headers["Content-Type"].startswith("application/problem+json")


def test_a_receipt_id_with_one_wrong_character_is_refused_as_mistyped(api):
    receipt_id = submit(api, "huong-tro-cap", CATALOGUE["huong-tro-cap"].examples[0]).json["receipt"]["id"]
    wrong = ("1" if receipt_id[0] != "1" else "2") + receipt_id[1:]
    assert call(api, "GET", f"/api/receipts/{wrong}").json["type"].endswith("mistyped-receipt")
    typed_loosely = receipt_id.lower().replace("-", " ").replace("0", "o")
    assert call(api, "GET", "/api/receipts/" + urllib.request.quote(typed_loosely)).status == 200


def test_an_office_can_verify_a_printed_signature(api):
    receipt = submit(api, "cham-dut", CATALOGUE["cham-dut"].examples[0]).json["receipt"]
    good = call(api, "GET", f"/api/receipts/{receipt['id']}?signature={receipt['signature']}")
    forged = call(api, "GET", f"/api/receipts/{receipt['id']}?signature=AAAAAAAAAAAAAAAA")
    assert good.json["signature_valid"] is True and forged.json["signature_valid"] is False


def test_office_routes_need_a_valid_bearer_token(api):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": OFFICE_TOKEN}):
        reply = call(api, "GET", "/api/office/submissions", headers=headers)
        assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_office_lists_filters_and_reads_submissions_and_their_filled_pdf(api):
    example = CATALOGUE["chuyen-noi-huong"].examples[0]
    receipt = submit(api, "chuyen-noi-huong", example).json["receipt"]
    listed = call(api, "GET", "/api/office/submissions?procedure=chuyen-noi-huong&since=2026-01-01", headers=OFFICE).json
    assert receipt["id"] in [item["id"] for item in listed]
    assert all(item["procedure"] == "chuyen-noi-huong" for item in listed)
    whole = call(api, "GET", f"/api/office/submissions/{receipt['id']}", headers=OFFICE).json
    assert whole["answers"] == example
    pdf = call(api, "GET", f"/api/office/submissions/{receipt['id']}.pdf", headers=OFFICE)
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.body.startswith(b"%PDF")


def test_a_claim_is_stored_with_the_benefit_rules_estimate_for_the_office_only(api):
    from datetime import date

    from submit_fn.model.benefit_rules import add_months

    late = {**CATALOGUE["huong-tro-cap"].examples[0], "contract_end_date": "2025-01-02", "contribution_months": 59}
    receipt = submit(api, "huong-tro-cap", late).json["receipt"]
    assert "estimate" not in receipt and "estimate" not in call(api, "GET", f"/api/receipts/{receipt['id']}").json["receipt"]
    estimate = call(api, "GET", f"/api/office/submissions/{receipt['id']}", headers=OFFICE).json["estimate"]
    assert estimate["regime"] == "2013" and estimate["deadline"] == add_months(date(2025, 1, 2), 3).isoformat()
    assert "late" in estimate["problems"] and estimate["months"] == 4
    described = call(api, "GET", "/api/openapi.json").json["components"]["schemas"]["ClaimEstimate"]
    assert list(Draft202012Validator(described, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(estimate)) == []
    other = submit(api, "chuyen-noi-huong", CATALOGUE["chuyen-noi-huong"].examples[0]).json["receipt"]
    assert call(api, "GET", f"/api/office/submissions/{other['id']}", headers=OFFICE).json["estimate"] is None


def test_the_office_sees_a_short_claim_and_a_reason_to_check_but_the_claim_is_stored(api):
    from datetime import timedelta

    from submit_fn.model.procedures import today_in_vietnam

    ended = (today_in_vietnam() - timedelta(days=10)).isoformat()
    short = {**CATALOGUE["huong-tro-cap"].examples[0], "contract_end_date": ended, "contribution_months": 11,
             "termination_reason": "Tôi nghỉ việc khi đã đủ điều kiện hưởng lương hưu"}
    reply = submit(api, "huong-tro-cap", short)
    assert reply.status == 201
    estimate = call(api, "GET", f"/api/office/submissions/{reply.json['receipt']['id']}", headers=OFFICE).json["estimate"]
    assert estimate["problems"] == ["too_few_months"] and estimate["eligible"] is False
    assert estimate["reason_mentions_exclusion"] is True and estimate["months"] == 0


def test_the_same_idempotency_key_and_body_returns_the_same_receipt(api):
    answers = CATALOGUE["chuyen-noi-huong"].examples[0]
    key = {"Idempotency-Key": "retry-of-one-tap-1"}
    first, second = submit(api, "chuyen-noi-huong", answers, key), submit(api, "chuyen-noi-huong", answers, key)
    assert first.status == second.status == 201
    assert first.json == second.json
    changed = {**answers, "phone": "0987654321"}
    assert submit(api, "chuyen-noi-huong", changed, key).status == 409


def test_concurrent_retries_with_one_key_store_one_submission(api):
    answers = CATALOGUE["tiep-tuc"].examples[0]
    headers = {"Idempotency-Key": "double-tap-concurrent"}
    replies: list[Reply] = []
    threads = [threading.Thread(target=lambda: replies.append(submit(api, "tiep-tuc", answers, headers))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {r.status for r in replies} == {201}
    assert len({r.json["receipt"]["id"] for r in replies}) == 1


def test_a_plain_html_form_post_gets_an_html_receipt_page(api):
    fields = [("centre_province", "01"), ("full_name", "Nguyễn Thị Hoa"), ("_lang", "vi")]
    body = urllib.parse.urlencode(fields).encode()
    reply = call(api, "POST", "/api/procedures/huong-tro-cap/submissions", body, content_type="application/x-www-form-urlencoded")
    assert reply.status == 422 and reply.headers["Content-Type"].startswith("text/html")
    assert 'role="alert"' in reply.text and "Hãy nhập ngày sinh của bạn." in reply.text
    assert 'value="Nguyễn Thị Hoa"' in reply.text


def test_without_javascript_the_form_comes_back_with_the_chosen_provinces_wards_and_answers_kept(api):
    """The "show the communes/wards" button: nothing is judged or stored, the answers come back as typed
    (escaped), and each ward question lists the chosen province's wards by name."""
    fields = [("_lang", "vi"), ("_step", "wards"), ("full_name", "Hoa <script>alert(1)</script>"),
              ("current_address.province", "15"), ("citizen_id", "001190012345")]
    reply = call(api, "POST", "/api/procedures/tiep-tuc/submissions", urllib.parse.urlencode(fields).encode(),
                 content_type="application/x-www-form-urlencoded")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    assert 'value="Hoa &lt;script&gt;alert(1)&lt;/script&gt;"' in reply.text and "<script>alert" not in reply.text
    assert 'role="alert"' not in reply.text  # nothing judged yet
    options = re.search(r'<select id="f-current_address-ward" name="current_address.ward".*?</select>', reply.text, re.DOTALL).group(0)
    from submit_fn.model.divisions import wards_by_province

    assert options.count("<option value=\"") == len(wards_by_province()["15"]) + 1
    assert 'value="15" selected' in reply.text


def test_without_javascript_every_error_is_listed_with_a_link_to_its_question_and_dates_as_written_in_vietnam(api):
    fields = [("_lang", "vi"), ("centre_province", "01"), ("birth_date", "2031-05-06"), ("citizen_id", "0011900"),
              ("phone", "12")]
    reply = call(api, "POST", "/api/procedures/tiep-tuc/submissions", urllib.parse.urlencode(fields).encode(),
                 content_type="application/x-www-form-urlencoded")
    assert reply.status == 422
    summary = re.search(r'<div class="errors" role="alert".*?</div>', reply.text, re.DOTALL).group(0)
    links = re.findall(r'<li><a href="#(f-[\w-]+)">', summary)
    assert {"f-birth_date", "f-citizen_id", "f-phone", "f-full_name", "f-declaration"} <= set(links)
    assert all(f'id="{target}"' in reply.text for target in links)  # each link lands on its question
    assert "«06/05/2031»" in summary and "2031-05-06" not in summary
    assert "0011900" not in summary  # an identity number is never repeated in a message
    assert 'id="f-citizen_id-error">Số định danh cá nhân phải gồm đúng 12 chữ số' in reply.text
    assert "javascript:" not in reply.text


def test_a_plain_form_post_is_redirected_to_its_receipt_so_a_reload_never_files_twice(api):
    """Post/Redirect/Get: the browser lands on GET /api/receipts/<id>; reloading that page stores nothing."""
    procedure_id = "tiep-tuc"
    before = len(call(api, "GET", f"/api/office/submissions?procedure={procedure_id}&limit=200", headers=OFFICE).json)
    redirected = call(api, "POST", f"/api/procedures/{procedure_id}/submissions", form_body(CATALOGUE[procedure_id].examples[0], "en"),
                      headers=BROWSER, content_type="application/x-www-form-urlencoded", follow_redirects=False)
    assert redirected.status == 303
    location = redirected.headers["Location"]
    receipt_id = re.fullmatch(r"/api/receipts/([0-9A-Z-]+)\?lang=en", location).group(1)
    for _ in range(2):  # the page, then a reload
        page = call(api, "GET", location, headers=BROWSER)
        assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
        assert "Accept" in page.headers["Vary"]
        assert f'data-receipt-id="{receipt_id}"' in page.text and "Received" in page.text
    listed = call(api, "GET", f"/api/office/submissions?procedure={procedure_id}&limit=200", headers=OFFICE).json
    assert len(listed) == before + 1
    assert call(api, "GET", location).json["receipt"]["id"] == receipt_id  # a program still gets JSON


def test_a_plain_form_post_too_large_to_read_gets_a_page_saying_so_whatever_the_route(api):
    body = b"_lang=vi&full_name=" + b"x" * 70_000
    too_large = call(api, "POST", "/api/procedures/huong-tro-cap/submissions", body, content_type="application/x-www-form-urlencoded")
    wrong_route = call(api, "POST", "/api/health", body, content_type="application/x-www-form-urlencoded")
    assert too_large.status == 413 and too_large.headers["Content-Type"].startswith("text/html")
    assert "Dữ liệu quá lớn" in too_large.text
    assert wrong_route.status == 405 and "Phương thức không được phép" in wrong_route.text


def test_control_names_pointing_far_past_any_list_are_refused_without_building_it(api):
    """A name like job_search.999999999 once made the function build a list that long."""
    names = ["job_search.999999999.employer", "job_search." + "9" * 5000, "job_search.\u00b2", "needs.\u0663"]
    body = urllib.parse.urlencode([(name, "x") for name in names]).encode()
    reply = call(api, "POST", "/api/procedures/tim-kiem-viec-lam/submissions", body, content_type="application/x-www-form-urlencoded")
    assert reply.status == 422 and 'role="alert"' in reply.text


def test_cors_allows_only_the_configured_origin(api):
    allowed = call(api, "GET", "/api/health", headers={"Origin": "https://bhtn.example"})
    other = call(api, "GET", "/api/health", headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://bhtn.example"
    assert other.headers.get("Access-Control-Allow-Origin") is None


def test_the_openapi_description_lists_every_route(api):
    paths = call(api, "GET", "/api/openapi.json").json["paths"]
    for path in ("/api/health", "/api/procedures", "/api/procedures/{procedure_id}/schema", "/api/procedures/{procedure_id}/submissions",
                 "/api/receipts/{receipt_id}", "/api/office/submissions", "/api/office/submissions/{receipt_id}"):
        assert path in paths


def test_logs_carry_route_and_status_but_no_personal_data(api, caplog):
    example = CATALOGUE["huong-tro-cap"].examples[0]
    with caplog.at_level(logging.INFO, logger="submit_fn"):
        submit(api, "huong-tro-cap", example)
        submit(api, "huong-tro-cap", {**example, "citizen_id": "99"})
    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "submit_fn"]
    assert {line["route"] for line in lines} == {"/api/procedures/<procedure_id>/submissions"}
    assert {line["status"] for line in lines} == {201, 422}
    logged = caplog.text
    for secret in (example["citizen_id"], example["id_issue_date"], example["bank_account"]["account_number"], "99\""):
        assert secret not in logged


def pdf_text(body: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


def test_a_worker_gets_their_answers_as_a_filled_pdf_and_nothing_is_stored(api):
    answers = CATALOGUE["chuyen-noi-huong"].examples[0]
    before = len(call(api, "GET", "/api/office/submissions?procedure=chuyen-noi-huong", headers=OFFICE).json)
    reply = call(api, "POST", "/api/procedures/chuyen-noi-huong/pdf", answers)
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/pdf"
    assert reply.headers["Cache-Control"] == "no-store"
    assert answers["full_name"] in pdf_text(reply.body)
    assert len(call(api, "GET", "/api/office/submissions?procedure=chuyen-noi-huong", headers=OFFICE).json) == before
    wrong = call(api, "POST", "/api/procedures/chuyen-noi-huong/pdf", {**answers, "citizen_id": "12"})
    assert wrong.status == 422 and wrong.json["errors"][0]["pointer"] == "/citizen_id"


def test_a_plain_form_post_gets_the_filled_pdf_or_a_page_of_errors(api):
    from urllib.parse import urlencode

    form = urlencode({"_lang": "vi", "full_name": "Nguyễn Văn A"}).encode()
    reply = call(api, "POST", "/api/procedures/cham-dut/pdf", form, content_type="application/x-www-form-urlencoded")
    assert reply.status == 422 and reply.headers["Content-Type"].startswith("text/html")
    assert "Cần sửa các câu trả lời sau" in reply.text and 'value="Nguyễn Văn A"' in reply.text  # the form again, answers kept


def plain_form(answers: dict, lang: str) -> bytes:
    from tests.test_forms_browser import form_pairs

    return urllib.parse.urlencode(form_pairs(answers, lang)).encode()


def test_a_plain_form_post_of_complete_answers_gets_the_filled_pdf_in_the_pages_language(api):
    answers = CATALOGUE["cham-dut"].examples[0]
    reply = call(api, "POST", "/api/procedures/cham-dut/pdf", plain_form(answers, "en"), content_type="application/x-www-form-urlencoded")
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/pdf"
    text = pdf_text(reply.body)
    assert answers["full_name"] in text and "Full name" in text


def test_the_pdf_route_answers_problems_as_the_submissions_route_does(api):
    unknown = call(api, "POST", "/api/procedures/khong-co/pdf", {})
    wrong_type = call(api, "POST", "/api/procedures/cham-dut/pdf", b"full_name=A", content_type="text/plain")
    malformed = call(api, "POST", "/api/procedures/cham-dut/pdf", b"{not json")
    wrong_method = call(api, "GET", "/api/procedures/cham-dut/pdf")
    for reply, status in ((unknown, 404), (wrong_type, 415), (malformed, 400), (wrong_method, 405)):
        assert reply.status == status and reply.headers["Content-Type"].startswith("application/problem+json"), (status, reply.text)
        assert reply.json["status"] == status and reply.json["title"] and reply.json["detail"]


def test_a_receipt_prints_as_a_pdf_without_personal_data(api):
    answers = CATALOGUE["huong-tro-cap"].examples[0]
    receipt = submit(api, "huong-tro-cap", answers).json["receipt"]
    reply = call(api, "GET", f"/api/receipts/{receipt['id']}.pdf")
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/pdf"
    text = pdf_text(reply.body)
    assert receipt["id"] in text
    assert answers["full_name"] not in text and answers["citizen_id"] not in text


def test_a_procedure_with_nothing_to_file_says_so_and_points_to_its_guidance(api):
    """tam-dung: the centre acts on a missed notification; no answers are taken, whatever is sent."""
    before = len(call(api, "GET", "/api/office/submissions?procedure=tam-dung", headers=OFFICE).json)
    for route in ("submissions", "pdf"):
        for body in ({}, {"full_name": "Nguyễn Thị Hoa"}):
            reply = call(api, "POST", f"/api/procedures/tam-dung/{route}", body)
            assert reply.status == 404 and reply.headers["Content-Type"].startswith("application/problem+json"), reply.text
            assert reply.json["type"] == "/api/problems/nothing-to-file" and reply.json["guidance"] == "/thu-tuc/tam-dung/"
            assert "không phải nộp biểu mẫu nào" in reply.json["detail"] and "/thu-tuc/tam-dung/" in reply.json["detail"]
    english = call(api, "POST", "/api/procedures/tam-dung/submissions", {}, {"Accept-Language": "en"})
    assert english.json["title"] == "Nothing to file in this procedure" and english.json["guidance"] == "/en/thu-tuc/tam-dung/"
    page = call(api, "POST", "/api/procedures/tam-dung/submissions", b"_lang=vi&full_name=A", content_type="application/x-www-form-urlencoded")
    assert page.status == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "Thủ tục này không có gì để nộp" in page.text and "/thu-tuc/tam-dung/" in page.text
    assert len(call(api, "GET", "/api/office/submissions?procedure=tam-dung", headers=OFFICE).json) == before
    listed = {p["id"]: p for p in call(api, "GET", "/api/procedures").json}
    assert listed["tam-dung"] == {"id": "tam-dung", "title": CATALOGUE["tam-dung"].title.vi, "version": CATALOGUE["tam-dung"].version}
    described = call(api, "GET", "/api/openapi.json").json["paths"]["/api/procedures/{procedure_id}/submissions"]["post"]
    assert "tam-dung" in described["description"] and "nothing-to-file" in described["description"]


def test_a_receipt_is_due_the_records_working_days_later(api):
    """Record 1.014748: 15 working days to the claim's decision; 1.014751: 2 to continue; 1.014753: 3 to transfer;
    1.014749 and 1.014752 set no time (no due date)."""
    from datetime import date

    from submit_fn.model.working_days import working_days_after

    for procedure_id, days in (("huong-tro-cap", 15), ("tiep-tuc", 2), ("chuyen-noi-huong", 3), ("cham-dut", None), ("tim-kiem-viec-lam", None)):
        receipt = submit(api, procedure_id, CATALOGUE[procedure_id].examples[0]).json["receipt"]
        received = date.fromisoformat(receipt["received_at"][:10])
        assert receipt["due_date"] == (working_days_after(received, days).isoformat() if days else None), procedure_id
def form_body(answers: dict, lang: str = "vi") -> bytes:
    from tests.test_forms_browser import form_pairs

    return urllib.parse.urlencode(form_pairs(answers, lang)).encode()


@pytest.mark.parametrize("procedure_id", worker_form_ids())
def test_answers_typed_as_people_type_them_are_stored_clean_from_json_and_plain_form_posts(api, procedure_id):
    """Spaced numbers, +84, "30 tháng": accepted, and stored exactly as the example is written."""
    from tests.typed import as_typed

    example = CATALOGUE[procedure_id].examples[0]
    typed = as_typed(example)
    assert typed != example
    as_json = submit(api, procedure_id, typed)
    as_form = call(api, "POST", f"/api/procedures/{procedure_id}/submissions", form_body(typed), BROWSER,
                   content_type="application/x-www-form-urlencoded")
    assert as_json.status == 201, as_json.body
    assert as_form.status == 200, as_form.text  # the receipt's own page, after the redirect
    receipt_id = re.search(r'data-receipt-id="([^"]+)"', as_form.text).group(1)
    for stored_id in (as_json.json["receipt"]["id"], receipt_id):
        stored = call(api, "GET", f"/api/office/submissions/{stored_id}", headers=OFFICE).json["answers"]
        assert stored == example


def test_a_transfer_to_the_same_province_is_refused_in_the_words_of_the_form_page(api):
    example = CATALOGUE["chuyen-noi-huong"].examples[0]
    same = {**example, "destination": {"province": "01", "ward": "00070", "street": "Số 12 phố Hàng Bạc"}}
    for lang, words in (("vi", "Chỉ chuyển nơi hưởng khi chuyển sang tỉnh/thành phố khác."), ("en", "A transfer is only to another province")):
        reply = submit(api, "chuyen-noi-huong", same, {"Accept-Language": lang})
        assert reply.status == 422
        assert [(e["pointer"], e["keyword"]) for e in reply.json["errors"]] == [("/destination/province", "x-check")]
        assert words in reply.json["errors"][0]["message"]
    as_form = call(api, "POST", "/api/procedures/chuyen-noi-huong/submissions", form_body(same),
                   content_type="application/x-www-form-urlencoded")
    assert as_form.status == 422 and "Chỉ chuyển nơi hưởng khi chuyển sang tỉnh/thành phố khác." in as_form.text


def test_impossible_answers_are_refused_each_beside_its_question(api):
    from datetime import timedelta

    from submit_fn.model.procedures import today_in_vietnam

    tomorrow = (today_in_vietnam() + timedelta(days=1)).isoformat()
    claim = {**CATALOGUE["huong-tro-cap"].examples[0], "birth_date": "2099-01-01", "contract_end_date": tomorrow}
    reply = submit(api, "huong-tro-cap", claim)
    assert reply.status == 422
    assert {(e["pointer"], e["keyword"]) for e in reply.json["errors"]} == {("/birth_date", "x-check"), ("/contract_end_date", "x-check")}
    transfer = {**CATALOGUE["chuyen-noi-huong"].examples[0], "months_remaining": 3}
    assert [e["pointer"] for e in submit(api, "chuyen-noi-huong", transfer).json["errors"]] == ["/months_remaining"]
    notification = CATALOGUE["tim-kiem-viec-lam"].examples[0]
    late_month = {**notification, "benefit_month": 4, "benefit_decision": {**notification["benefit_decision"], "months": 3}}
    assert [e["message"] for e in submit(api, "tim-kiem-viec-lam", late_month).json["errors"]] == [
        "Số thứ tự tháng không thể lớn hơn số tháng được hưởng ghi trong quyết định; hãy kiểm tra lại phụ lục quyết định."]


def test_a_warning_never_blocks_a_notification_of_a_new_job(api):
    """"Has a job", starting inside the benefit period: worth a warning on the page, and still received."""
    notification = CATALOGUE["tim-kiem-viec-lam"].examples[0]
    has_job = {**notification, "current_situation": {"status": "co-viec-lam", "employer": "Công ty TNHH May Hà Nội",
                                                    "start_date": "2026-04-01"}}
    assert submit(api, "tim-kiem-viec-lam", has_job).status == 201
