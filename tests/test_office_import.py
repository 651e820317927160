"""A PDF a worker e-mailed, imported by the centre on the worker's behalf (issue 19 item 3)."""

from __future__ import annotations

from submit_fn.pdf import render as pdf
from tests.servers import HANOI_TOKEN
from tests.test_api import CATALOGUE, call
from tests.test_office_pages import Desk, office  # noqa: F401 - `office` is the fixture
from tests.test_pdf_forms import filled, pdf_values


def import_pdf(desk: Desk, procedure_id: str, data: bytes):
    """A multipart post of the import form, as a browser sends it."""
    import urllib.error
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    token = desk.open("/office/import").field("_csrf")
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n{token}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="procedure"\r\n\r\n{procedure_id}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="ho-so.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + data + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    request = urllib.request.Request(desk.base + "/office/import", data=b"".join(parts),
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with desk.opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


READ = {"Authorization": f"Bearer {HANOI_TOKEN}"}
TIEP_TUC = CATALOGUE["tiep-tuc"]


def filled_form(answers: dict) -> bytes:
    """The blank continuation form (a short one) filled in with these answers."""
    return filled(pdf.render_blank(TIEP_TUC), dict(pdf_values(TIEP_TUC, answers)))


def imported_by_hanoi(base: str, data: bytes):
    desk = Desk(base)
    desk.sign_in("hanoi")
    return import_pdf(desk, TIEP_TUC.id, data)


def stored_answers(base: str, receipt_id: str) -> dict:
    return call(base, "GET", f"/api/office/submissions/{receipt_id}", headers=READ).json["answers"]


def test_a_centre_imports_an_emailed_pdf_and_the_audit_log_says_who(office):  # noqa: F811
    base, _ = office
    answers = {**TIEP_TUC.examples[0], "centre_province": "01"}
    status, headers, text = imported_by_hanoi(base, filled_form(answers))
    assert status == 303, text
    receipt_id = headers["Location"].rsplit("/", 1)[1]
    assert stored_answers(base, receipt_id) == answers
    log = call(base, "GET", f"/api/office/audit?receipt={receipt_id}", headers=READ).json
    assert ("import_pdf", "hanoi", "imported by hanoi") in [(e["action"], e["actor"], e["detail"]) for e in log]


def test_a_pdf_addressed_to_another_province_is_not_imported(office):  # noqa: F811
    base, storage = office
    before = storage.count()
    status, _, text = imported_by_hanoi(base, filled_form({**TIEP_TUC.examples[0], "centre_province": "79"}))
    assert status == 403 and "tỉnh, thành phố khác" in text and storage.count() == before


def test_a_pdf_typed_as_people_type_is_imported_clean_as_the_same_pdf_filed_online(office):  # noqa: F811
    """The office's import and the function's PDF route make the same answers of the same file:
    spaces in a phone number and doubled spaces in a name are cleaned (`x-normalize`), not refused."""
    base, _ = office
    clean = {**TIEP_TUC.examples[0], "centre_province": "01", "phone": "0912345678", "full_name": "Nguyễn Văn An"}
    data = filled_form({**clean, "phone": "0912 345 678", "full_name": "Nguyễn  Văn  An "})
    status, headers, text = imported_by_hanoi(base, data)
    assert status == 303, text
    online = call(base, "POST", f"/api/procedures/{TIEP_TUC.id}/submissions", data, content_type="application/pdf")
    assert online.status == 201, online.body
    assert stored_answers(base, headers["Location"].rsplit("/", 1)[1]) == stored_answers(base, online.json["receipt"]["id"]) == clean
