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


def test_a_centre_imports_an_emailed_pdf_and_the_audit_log_says_who(office):  # noqa: F811
    base, _ = office
    procedure = CATALOGUE["tiep-tuc"]
    answers = {**procedure.examples[0], "centre_province": "01"}
    data = filled(pdf.render_blank(procedure), dict(pdf_values(procedure, answers)))
    desk = Desk(base)
    desk.sign_in("hanoi")
    status, headers, _ = import_pdf(desk, "tiep-tuc", data)
    assert status == 303, _
    receipt_id = headers["Location"].rsplit("/", 1)[1]
    whole = call(base, "GET", f"/api/office/submissions/{receipt_id}", headers={"Authorization": f"Bearer {HANOI_TOKEN}"}).json
    assert whole["answers"] == answers
    log = call(base, "GET", f"/api/office/audit?receipt={receipt_id}", headers={"Authorization": f"Bearer {HANOI_TOKEN}"}).json
    assert ("import_pdf", "hanoi", "imported by hanoi") in [(e["action"], e["actor"], e["detail"]) for e in log]


def test_a_pdf_addressed_to_another_province_is_not_imported(office):  # noqa: F811
    base, storage = office
    procedure = CATALOGUE["tiep-tuc"]
    before = storage.count()
    data = filled(pdf.render_blank(procedure), dict(pdf_values(procedure, {**procedure.examples[0], "centre_province": "79"})))
    desk = Desk(base)
    desk.sign_in("hanoi")
    status, _, text = import_pdf(desk, "tiep-tuc", data)
    assert status == 403 and "tỉnh, thành phố khác" in text and storage.count() == before


def test_a_pdf_typed_as_people_type_is_imported_clean_as_the_same_pdf_filed_online(office):  # noqa: F811
    """The office's import and the function's PDF route make the same answers of the same file:
    spaces in a phone number and doubled spaces in a name are cleaned (`x-normalize`), not refused."""
    base, _ = office
    procedure = CATALOGUE["tiep-tuc"]
    clean = {**procedure.examples[0], "centre_province": "01", "phone": "0912345678", "full_name": "Nguyễn Văn An"}
    typed = {**clean, "phone": "0912 345 678", "full_name": "Nguyễn  Văn  An "}
    data = filled(pdf.render_blank(procedure), dict(pdf_values(procedure, typed)))
    desk = Desk(base)
    desk.sign_in("hanoi")
    status, headers, text = import_pdf(desk, "tiep-tuc", data)
    assert status == 303, text
    imported = headers["Location"].rsplit("/", 1)[1]
    online = call(base, "POST", "/api/procedures/tiep-tuc/submissions", data, content_type="application/pdf")
    assert online.status == 201, online.body
    read = {"Authorization": f"Bearer {HANOI_TOKEN}"}
    stored = [call(base, "GET", f"/api/office/submissions/{i}", headers=read).json["answers"] for i in (imported, online.json["receipt"]["id"])]
    assert stored[0] == stored[1] == clean
