"""A change of the law carried through: a new version with a new form number and a new
required question, its change report, its build, and the forms in use before its date."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from submit_fn.model.procedures import load_catalogue
from submit_fn.service.api import create_app
from tests.conftest import ROOT
from tests.servers import OFFICE_TOKEN, serving, settings_for

NEW_FIELD = {
    "type": "string",
    "pattern": "^[0-9]{10}$",
    "title": "Mã số thuế cá nhân",
    "description": "10 chữ số, xem trên ứng dụng eTax hoặc giấy xác nhận của cơ quan thuế.",
    "x-en": {"title": "Personal tax code", "description": "10 digits, shown in the eTax app or on the tax office's confirmation."},
}


def build_py(*args: str, forms: Path, as_of: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FORMS_DIR": str(forms)}
    env.pop("AS_OF_DATE", None)
    if as_of:
        args = (*args, "--as-of", as_of)
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def changed_forms(tmp_path_factory) -> Path:
    """forms/ after a maintainer started version 2027.1 of the claim and edited it as a new decree says."""
    forms = tmp_path_factory.mktemp("law-change") / "forms"
    shutil.copytree(ROOT / "forms", forms)
    started = build_py("new-version", "huong-tro-cap", "2027.1", "2027-01-01", forms=forms)
    assert started.returncode == 0, started.stdout + started.stderr
    path = forms / "huong-tro-cap.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["x-procedure"]["form"]["number"] = {"vi": "Mẫu số 11", "en": "Form No. 11"}
    properties = schema["properties"]
    schema["properties"] = {}
    for key, value in properties.items():
        schema["properties"]["trade" if key == "specialization" else key] = value
        if key == "id_issue_date":
            schema["properties"]["tax_code"] = NEW_FIELD
    schema["properties"]["trade"]["x-renamed-from"] = "specialization"
    schema["properties"]["employer_name"]["title"] = "Tên đơn vị đã làm việc"
    schema["required"].append("tax_code")
    for section in schema["x-sections"]:
        section["fields"] = ["trade" if key == "specialization" else key for key in section["fields"]]
        if "id_issue_date" in section["fields"]:
            section["fields"].insert(section["fields"].index("id_issue_date") + 1, "tax_code")
    for example in schema["examples"]:
        example["tax_code"] = "8012345678"
        if "specialization" in example:
            example["trade"] = example.pop("specialization")
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return forms


def test_new_version_keeps_the_old_schema_and_dates_the_new_one(changed_forms):
    kept = json.loads((changed_forms / "versions/huong-tro-cap/2026.2.schema.json").read_text(encoding="utf-8"))
    assert kept["x-procedure"]["version"] == "2026.2"
    assert kept["$id"].endswith("huong-tro-cap-2026.2.schema.json")
    current = json.loads((changed_forms / "huong-tro-cap.schema.json").read_text(encoding="utf-8"))
    assert current["x-procedure"]["effective_from"] == "2027-01-01"
    assert [p.version for p in load_catalogue(changed_forms).versions["huong-tro-cap"]] == ["2024.1", "2026.2", "2027.1"]


def test_new_version_refuses_a_date_before_the_current_one(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    result = build_py("new-version", "tam-dung", "2025.9", "2025-06-01", forms=forms)
    assert result.returncode == 1
    assert "must be later than 2026-01-01" in result.stderr
    assert not (forms / "versions/tam-dung").exists()


def test_the_change_report_says_what_changed_in_words(changed_forms):
    result = build_py("diff", "huong-tro-cap", forms=changed_forms)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "Từ phiên bản 2026.2 (áp dụng từ 01/01/2026) sang phiên bản 2027.1 (áp dụng từ 01/01/2027)" in report
    assert "Số hiệu mẫu: «Mẫu số 10» → «Mẫu số 11»" in report
    assert "Thêm câu hỏi «Mã số thuế cá nhân» (bắt buộc)" in report
    assert "đổi mã dữ liệu từ /specialization thành /trade" in report
    assert "Bỏ câu hỏi «Chuyên ngành đào tạo»" not in report  # a rename, not a removal and an addition
    assert "Đổi tên câu hỏi: «Với (tên đơn vị)» → «Tên đơn vị đã làm việc»" in report
    english = build_py("diff", "huong-tro-cap", "2024.1", "2027.1", "--lang", "en", forms=changed_forms).stdout
    assert "Form number: «Form No. 03» → «Form No. 11»" in english
    assert "Question removed: «Place of issue»" in english and "Question removed: «Sex»" in english


def test_the_claims_change_from_mau_so_03_to_form_no_10_is_reported_in_words():
    from sitegen.lint import english_legal_shorthand

    result = build_py("diff", "huong-tro-cap", forms=ROOT / "forms")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    for words in ("Từ phiên bản 2024.1 (áp dụng từ 15/02/2024) sang phiên bản 2026.2 (áp dụng từ 01/01/2026)",
                  "Số hiệu mẫu: «Mẫu số 03» → «Mẫu số 10»",
                  "Kính gửi: «Trung tâm Dịch vụ việc làm» → «Tổ chức dịch vụ việc làm công»",
                  "Số ngày làm việc để trả kết quả: «20» → «15»",
                  "Bỏ câu hỏi «Giới tính»", "Bỏ câu hỏi «Mã số bảo hiểm xã hội»", "Bỏ câu hỏi «Dân tộc»", "Bỏ câu hỏi «Ngành nghề»",
                  "Bỏ câu hỏi «Nhu cầu được hỗ trợ»", "Bỏ câu hỏi «Nơi cấp»",
                  "Thêm câu hỏi «Chuyên ngành đào tạo» (không bắt buộc)", "Thêm câu hỏi «Tên chủ tài khoản» (bắt buộc)",
                  "Thêm câu hỏi «Nhận tiền mặt tại BHXH cấp cơ sở» (bắt buộc trong một số trường hợp)",
                  "Thêm câu hỏi «Nơi đăng ký khám chữa bệnh ban đầu» (bắt buộc)",
                  "Đổi tên câu hỏi: «Chỗ ở hiện nay (nếu khác nơi thường trú)» → «Nơi ở hiện nay»",
                  "thêm lựa chọn «Hợp đồng làm việc»",
                  "«Căn cứ pháp lý»: thêm «Điều 31, Điều 38, Điều 39 Luật Việc làm số 74/2025/QH15»"):
        assert words in report, words
    assert english_legal_shorthand(report) is None and "DOMAIN" not in report  # the Vietnamese report reads as Vietnamese


def new_version_edited(tmp_path: Path, procedure_id: str, change) -> Path:
    """forms/ with version 2027.1 of a procedure started, and its schema changed by `change`."""
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    assert build_py("new-version", procedure_id, "2027.1", "2027-03-01", forms=forms).returncode == 0
    path = forms / f"{procedure_id}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return forms


def test_the_report_tells_stricter_from_looser(tmp_path):
    def stricter_and_looser(schema):
        required = schema["required"]
        optional = next(key for key in schema["properties"] if key not in required and key in schema["examples"][0])
        required.append(optional)
        loosened = next(key for key, value in schema["properties"].items() if "maxLength" in value)
        schema["properties"][loosened]["maxLength"] += 50

    forms = new_version_edited(tmp_path, "cham-dut", stricter_and_looser)
    report = build_py("diff", "cham-dut", "--lang", "en", forms=forms).stdout
    assert "is now required (stricter)" in report
    assert "maximum length" in report and "(looser)" in report


def test_the_report_names_checks_added_removed_and_reworded(tmp_path):
    removed = json.loads((ROOT / "forms" / "chuyen-noi-huong.schema.json").read_text(encoding="utf-8"))["x-checks"][0]

    def reworded(schema):
        schema["x-checks"].pop(0)
        schema["x-checks"][0]["message"]["en"] = "Choose a destination in another province."
        schema["x-checks"].append({**removed, "id": "months-add-up-note", "level": "warning"})

    forms = new_version_edited(tmp_path, "chuyen-noi-huong", reworded)
    report = build_py("diff", "chuyen-noi-huong", "--lang", "en", forms=forms).stdout
    assert f"Rule removed: «{removed['message']['en']}» (looser)" in report
    assert f"New warning (never blocks sending): «{removed['message']['en']}»" in report
    assert "now reads «Choose a destination in another province.»" in report


def test_an_unknown_version_is_named_with_the_known_ones(changed_forms):
    result = build_py("diff", "huong-tro-cap", "2019.1", forms=changed_forms)
    assert result.returncode == 1
    assert "2024.1, 2026.2, 2027.1" in result.stderr


def test_the_site_publishes_the_new_version_from_its_date(changed_forms, tmp_path):
    before = build_py("--site-dir", str(tmp_path / "before"), forms=changed_forms, as_of="2026-12-31")
    assert before.returncode == 0, before.stdout + before.stderr
    assert "huong-tro-cap 2027.1 takes effect on 2027-01-01" in before.stdout
    form = (tmp_path / "before/bieu-mau/huong-tro-cap/index.html").read_text(encoding="utf-8")
    assert 'name="_schema_version" value="2026.2"' in form and 'name="tax_code"' not in form
    guidance = (tmp_path / "before/thu-tuc/huong-tro-cap/index.html").read_text(encoding="utf-8")
    assert "Từ ngày 01/01/2027, biểu mẫu này được thay bằng phiên bản mới (Mẫu số 11)" in guidance
    changes = (tmp_path / "before/thay-doi/huong-tro-cap/index.html").read_text(encoding="utf-8")
    assert "Sắp áp dụng" in changes and "Mã số thuế cá nhân" in changes

    after = build_py("--site-dir", str(tmp_path / "after"), forms=changed_forms, as_of="2027-01-01")
    assert after.returncode == 0, after.stdout + after.stderr
    form = (tmp_path / "after/bieu-mau/huong-tro-cap/index.html").read_text(encoding="utf-8")
    assert 'name="_schema_version" value="2027.1"' in form and 'name="tax_code"' in form
    assert "Mẫu số 11" in (tmp_path / "after/thu-tuc/huong-tro-cap/index.html").read_text(encoding="utf-8")


def post(url: str, body: dict, version: str | None, lang: str = "vi") -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept-Language": lang}
    if version:
        headers["Schema-Version"] = version
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def function_on(forms: Path, day: str, database: Path):
    catalogue = load_catalogue(forms, as_of=date.fromisoformat(day))
    return serving(create_app(settings_for(f"sqlite:///{database}"), catalogue))


def test_a_pdf_filled_on_the_previous_blank_is_filed_in_its_grace_period_only(changed_forms, tmp_path):
    """A worker who printed or saved the blank PDF before the form changed files it as that version
    while it is accepted, and is told to use the new form afterwards (issue 19, item 2)."""
    from submit_fn.pdf.render import render_blank
    from tests.test_api import call
    from tests.test_pdf_forms import filled, pdf_values

    previous = load_catalogue(changed_forms).version("huong-tro-cap", "2026.2")
    data = filled(render_blank(previous), dict(pdf_values(previous, previous.examples[0])))
    for day, status in (("2027-01-05", 201), ("2027-01-15", 409)):
        with function_on(changed_forms, day, tmp_path / "submissions.sqlite3") as url:
            reply = call(url, "POST", "/api/procedures/huong-tro-cap/submissions", data, content_type="application/pdf")
        body = reply.json
        assert reply.status == status, (day, body)
        if status == 201:
            assert body["receipt"]["schema_version"] == "2026.2"
        else:
            assert body["current_version"] == "2027.1"


def test_forms_loaded_before_the_change_are_accepted_in_their_grace_period_only(changed_forms, tmp_path):
    catalogue = load_catalogue(changed_forms)
    old_answers = catalogue.version("huong-tro-cap", "2026.2").examples[0]
    new_answers = catalogue.version("huong-tro-cap", "2027.1").examples[0]
    database = tmp_path / "submissions.sqlite3"
    path = "/api/procedures/huong-tro-cap/submissions"

    with function_on(changed_forms, "2026-12-31", database) as url:
        status, body = post(url + path, old_answers, "2026.2")
        assert status == 201 and body["receipt"]["schema_version"] == "2026.2"
        status, body = post(url + path, new_answers, "2027.1")
        assert status == 409 and body["current_version"] == "2026.2"

    with function_on(changed_forms, "2027-01-05", database) as url:
        status, body = post(url + path, old_answers, "2026.2")
        assert status == 201, body
        assert body["receipt"]["schema_version"] == "2026.2"
        old_receipt = body["receipt"]["id"]
        status, body = post(url + path, old_answers, None)  # no version named: the one in force
        assert status == 422
        assert any(e["pointer"] == "/tax_code" for e in body["errors"])
        status, body = post(url + path, new_answers, "2027.1")
        assert status == 201 and body["receipt"]["schema_version"] == "2027.1"

    with function_on(changed_forms, "2027-01-15", database) as url:
        status, body = post(url + path, old_answers, "2026.2")
        assert status == 409
        assert "tải lại trang" in body["detail"] and "14/01/2027" in body["detail"]
        assert body["current_version"] == "2027.1"
        status, body = post(url + path, old_answers, "2026.2", lang="en")
        assert "Reload the page" in body["detail"]
        request = urllib.request.Request(
            f"{url}/api/office/submissions/{old_receipt}.pdf", headers={"Authorization": f"Bearer {OFFICE_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # the old form, as it was filled
            pdf = response.read()
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "Mẫu số 10" in text and "Mã số thuế" not in text


def test_a_form_post_of_an_expired_version_gets_a_page_that_says_to_reload(changed_forms, tmp_path):
    with function_on(changed_forms, "2027-02-01", tmp_path / "s.sqlite3") as url:
        data = b"_schema_version=2026.2&full_name=Nguy%E1%BB%85n"
        request = urllib.request.Request(url + "/api/procedures/huong-tro-cap/submissions", data=data,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 409
        page = refused.value.read().decode()
        assert "text/html" in refused.value.headers["Content-Type"]
        assert "Biểu mẫu đã thay đổi" in page and "tải lại trang" in page


def test_a_form_loaded_with_the_claims_first_2026_questions_is_told_to_reload(tmp_path):
    """2026.2 replaced 2026.1 (Mẫu số 03's questions) on the same date: a page still holding 2026.1 gets 'reload', not a 422."""
    catalogue = load_catalogue(ROOT / "forms")
    assert [p.version for p in catalogue.versions["huong-tro-cap"]] == ["2024.1", "2026.2"]
    with function_on(ROOT / "forms", "2026-12-02", tmp_path / "s.sqlite3") as url:
        status, body = post(url + "/api/procedures/huong-tro-cap/submissions", catalogue["huong-tro-cap"].examples[0], "2026.1")
    assert status == 409 and body["current_version"] == "2026.2" and "tải lại trang" in body["detail"]


def test_the_schema_route_serves_any_version(changed_forms, tmp_path):
    with function_on(changed_forms, "2026-06-01", tmp_path / "s.sqlite3") as url:
        with urllib.request.urlopen(url + "/api/procedures/huong-tro-cap/schema?version=2024.1") as response:
            assert json.loads(response.read())["x-procedure"]["form"]["number"]["vi"] == "Mẫu số 03"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "/api/procedures/huong-tro-cap/schema?version=1999.1")
        assert missing.value.code == 404


def test_the_preview_shows_an_edit_within_seconds(tmp_path):
    """`build.py serve`: a maintainer saves a schema and sees guidance, form and API follow."""
    import time

    from tests.servers import free_port, wait_for

    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    port = free_port()
    env = {**os.environ, "FORMS_DIR": str(forms), "DATABASE_URL": f"sqlite:///{tmp_path / 'preview.sqlite3'}"}
    env.pop("AS_OF_DATE", None)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/_xem-truoc/stamp", seconds=120)
        with urllib.request.urlopen(base + "/_xem-truoc/huong-tro-cap") as response:
            preview = response.read().decode()
        for frame in ('src="/thu-tuc/huong-tro-cap/"', 'src="/bieu-mau/huong-tro-cap/"', 'src="/pdf/huong-tro-cap.pdf"'):
            assert frame in preview
        stamp = urllib.request.urlopen(base + "/_xem-truoc/stamp").read()

        path = forms / "huong-tro-cap.schema.json"
        path.write_text(path.read_text(encoding="utf-8").replace('"Với (tên đơn vị)"', '"Tên đơn vị cũ"'), encoding="utf-8")
        saved = time.perf_counter()
        while urllib.request.urlopen(base + "/_xem-truoc/stamp").read() == stamp:
            assert time.perf_counter() - saved < 90, "no rebuild after the edit"
            time.sleep(0.3)
        print(f"preview rebuilt {time.perf_counter() - saved:.1f} s after the edit")
        with urllib.request.urlopen(base + "/thu-tuc/huong-tro-cap/") as response:
            assert "Tên đơn vị cũ" in response.read().decode()
        with urllib.request.urlopen(base + "/api/procedures/huong-tro-cap/schema") as response:
            assert "Tên đơn vị cũ" in response.read().decode()  # the function validates against the edit too
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_report_names_papers_to_attach_added_removed_and_reworded(tmp_path):
    def papers(schema):
        kept = schema["x-documents"][0]
        kept["title"]["en"] = "The termination decision or notice"
        schema["x-documents"].append({"id": "so-bhxh", "title": {"vi": "Sổ bảo hiểm xã hội", "en": "Social-insurance book"}})

    report = build_py("diff", "huong-tro-cap", "--lang", "en", forms=new_version_edited(tmp_path, "huong-tro-cap", papers)).stdout
    assert "New paper to attach as a photo or PDF file: «Social-insurance book»" in report
    assert "now reads «The termination decision or notice»" in report

    def none(schema):
        del schema["x-documents"]

    report = build_py("diff", "cham-dut", "--lang", "en", forms=new_version_edited(tmp_path / "b", "cham-dut", none)).stdout
    assert "No longer taken as a photo or PDF file: «A copy of the paper proving the event»" in report
