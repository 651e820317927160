"""Papers sent with a filing, as real files over real HTTP, on SQLite and PostgreSQL: photos
re-encoded without their metadata, PDFs kept as sent, every hostile file refused by name with
nothing stored, idempotency covering the files, and only an office of the right province
reading them, each read audited."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
import zlib
from collections.abc import Iterable

import pytest
from PIL import ExifTags, Image, ImageDraw

from tests.servers import HANOI_TOKEN, OFFICE_TOKEN, SAIGON_TOKEN
from tests.test_api import BROWSER, CATALOGUE, Reply, call
from tests.test_forms_browser import form_pairs

DEPARTMENT = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
HANOI = {"Authorization": f"Bearer {HANOI_TOKEN}"}
SAIGON = {"Authorization": f"Bearer {SAIGON_TOKEN}"}
CLAIM = CATALOGUE["huong-tro-cap"]
PROOF = "Giấy tờ xác nhận đã chấm dứt hợp đồng hoặc chấm dứt làm việc"
HANOI_GPS = (21.0, 1.0, 42.0)


# Real files, made here -------------------------------------------------------


def phone_photo(orientation: int = 6) -> bytes:
    """A 12-megapixel JPEG as a phone saves it held upright: landscape pixels, an EXIF Orientation,
    the phone's make and the GPS position where it was taken."""
    image = Image.new("RGB", (4032, 3024), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    for line in range(40):
        draw.rectangle((300, 300 + line * 60, 3700, 320 + line * 60), fill=(40, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", HANOI_GPS
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (105.0, 51.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def screenshot_png() -> bytes:
    """A PNG with a text chunk naming its author, as screenshot tools write it."""
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (1080, 2340), (255, 255, 255))
    ImageDraw.Draw(image).rectangle((100, 200, 980, 260), fill=(0, 0, 0))
    info = PngInfo()
    info.add_text("Author", "Nguyễn Văn An 001190012345")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def multi_page_pdf(pages: int = 3) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<section style="page-break-after: always"><h1>Quyết định thôi việc — trang {n}</h1></section>'
                   for n in range(1, pages + 1))
    return HTML(string=f"<html lang='vi'><body>{body}</body></html>").write_pdf()


def pdf_with_javascript() -> bytes:
    """A real one-page PDF that runs a script when it is opened."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(multi_page_pdf(1))))
    writer.add_open_action(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb() -> bytes:
    """A 900-megapixel black PNG that weighs about 100 KB: unpacked, it would take 900 MB."""
    side = 30_000
    row = b"\x00" + bytes(side // 8)  # filter byte, then 1-bit pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


HTML_AS_JPG = b"<!doctype html><html><body><script>fetch('/api/office/audit')</script></body></html>"


# Posting them -----------------------------------------------------------------


def multipart(fields: Iterable[tuple[str, str]], files: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body: text parts (name, value), then file parts named `documents` (name, bytes, declared type)."""
    boundary = f"bhtn-{uuid.uuid4().hex}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
             for name, value in fields]
    for filename, data, declared in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="documents"; filename="{filename}"\r\n'
                     f"Content-Type: {declared}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def send(api: str, files: list[tuple[str, bytes, str]], answers: dict | None = None, headers: dict | None = None,
         procedure_id: str = "huong-tro-cap") -> Reply:
    answers = answers if answers is not None else CLAIM.examples[0]
    body, content_type = multipart([("answers", json.dumps(answers, ensure_ascii=False))], files)
    return call(api, "POST", f"/api/procedures/{procedure_id}/submissions", body,
                {"Accept": "application/json", **(headers or {})}, content_type)


def post_form(api: str, answers: dict, files: list[tuple[str, bytes, str]]) -> Reply:
    """The form page's own multipart post, as a browser without JavaScript sends it: the controls and the files."""
    body, content_type = multipart(form_pairs(answers, "vi"), files)
    return call(api, "POST", "/api/procedures/huong-tro-cap/submissions", body, BROWSER, content_type, follow_redirects=False)


def stored(api: str, receipt_id: str, headers: dict = DEPARTMENT) -> dict:
    reply = call(api, "GET", f"/api/office/submissions/{receipt_id}", headers=headers)
    assert reply.status == 200, reply.text
    return reply.json


def count(api: str) -> int:
    return len(call(api, "GET", "/api/office/submissions?limit=200", headers=DEPARTMENT).json)


# What is kept -------------------------------------------------------------------


def test_a_phone_photo_is_kept_upright_without_its_gps_position_or_other_metadata(api):
    photo = phone_photo()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == HANOI_GPS
    reply = send(api, [("IMG_20260601_101500.jpg", photo, "image/jpeg")])
    assert reply.status == 201, reply.text
    receipt = reply.json["receipt"]
    assert "documents" not in receipt  # the public receipt says nothing about them
    [listed] = stored(api, receipt["id"])["documents"]
    assert (listed["number"], listed["kind"], listed["media_type"], listed["name"]["vi"]) == (1, "giay-to-cham-dut", "image/jpeg", PROOF)

    sent = call(api, "GET", listed["href"], headers=DEPARTMENT)
    assert sent.status == 200 and sent.headers["Content-Type"] == "image/jpeg"
    assert sent.headers["Content-Disposition"] == f'attachment; filename="{receipt["id"]}-1.jpg"'
    assert sent.headers["X-Content-Type-Options"] == "nosniff" and sent.headers["Cache-Control"] == "no-store"
    kept = Image.open(io.BytesIO(sent.body))
    assert kept.format == "JPEG" and kept.size == (3024, 4032)  # turned upright, so no Orientation is needed
    assert dict(kept.getexif()) == {} and b"GPS" not in sent.body and b"PhoneMaker" not in sent.body
    assert b"IMG_20260601" not in sent.body and len(sent.body) == listed["size"]


def test_a_png_keeps_its_pixels_but_not_its_text_chunks(api):
    reply = send(api, [("chup-man-hinh.png", screenshot_png(), "image/png")])
    assert reply.status == 201, reply.text
    [listed] = stored(api, reply.json["receipt"]["id"])["documents"]
    sent = call(api, "GET", listed["href"], headers=DEPARTMENT)
    kept = Image.open(io.BytesIO(sent.body))
    assert sent.headers["Content-Type"] == "image/png" and kept.size == (1080, 2340) and kept.getpixel((500, 230)) == (0, 0, 0)
    assert "Author" not in kept.info and b"001190012345" not in sent.body


def test_a_multi_page_pdf_is_kept_as_sent_and_counted_by_its_pages(api):
    from pypdf import PdfReader

    pdf = multi_page_pdf(3)
    reply = send(api, [("quyet-dinh.pdf", pdf, "application/pdf"), ("anh.jpg", phone_photo(1), "image/jpeg")])
    assert reply.status == 201, reply.text
    first, second = stored(api, reply.json["receipt"]["id"])["documents"]
    assert (first["media_type"], first["pages"], first["kind"]) == ("application/pdf", 3, "giay-to-cham-dut")
    assert (second["media_type"], second["kind"], second["name"]["vi"]) == ("image/jpeg", None, "giấy tờ khác")
    sent = call(api, "GET", first["href"], headers=DEPARTMENT)
    assert sent.body == pdf and len(PdfReader(io.BytesIO(sent.body)).pages) == 3
    assert sent.headers["Content-Disposition"].endswith('-1.pdf"')


# What is refused ----------------------------------------------------------------


HOSTILE = {
    "html-named-jpg": (lambda: [("anh.jpg", HTML_AS_JPG, "image/jpeg")], 422, "document-not-accepted", "không phải ảnh JPEG, ảnh PNG hay tệp PDF"),
    "png-bomb": (lambda: [("bom.png", png_bomb(), "image/png")], 422, "document-too-many-pixels", "hơn 50 triệu điểm ảnh"),
    "pdf-with-javascript": (lambda: [("js.pdf", pdf_with_javascript(), "application/pdf")], 422, "document-pdf-active-content", "JavaScript"),
    "truncated-photo": (lambda: [("cut.jpg", phone_photo()[:60_000], "image/jpeg")], 422, "document-broken-image", "bị hỏng"),
    "eleven-files": (lambda: [(f"{n}.png", screenshot_png(), "image/png") for n in range(11)], 413, "too-many-documents", "tối đa 10 tệp"),
    "six-megabytes": (lambda: [("big.pdf", b"%PDF-1.7\n" + bytes(6_000_000), "application/pdf")], 413, "document-too-large", "lớn hơn 5 MB"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_file_is_refused_by_name_and_nothing_is_stored(api, case):
    files, status, kind, words = HOSTILE[case]
    before = count(api)
    reply = send(api, files())
    assert reply.status == status and reply.headers["Content-Type"].startswith("application/problem+json"), reply.text
    assert reply.json["type"] == f"/api/problems/{kind}" and words in reply.json["detail"]
    if kind != "too-many-documents":
        assert reply.json["document"] == 1 and f"1 («{PROOF}»)" in reply.json["detail"]
    assert count(api) == before
    english = send(api, files(), headers={"Accept-Language": "en"})
    assert english.json["type"] == reply.json["type"] and english.json["detail"] != reply.json["detail"]


def test_a_refusal_names_the_paper_at_its_place_and_never_the_file_name(api):
    reply = send(api, [("", b"", "application/octet-stream"), ("Nguyen_Van_An_001190012345.jpg", HTML_AS_JPG, "image/jpeg")])
    assert reply.status == 422 and reply.json["document"] == 2 and "2 («giấy tờ khác»)" in reply.json["detail"]
    assert "001190012345" not in reply.text and "Nguyen" not in reply.text


def test_a_file_control_left_empty_is_no_document(api):
    reply = send(api, [("", b"", "application/octet-stream")])
    assert reply.status == 201 and stored(api, reply.json["receipt"]["id"])["documents"] == []


def test_invalid_answers_are_refused_before_any_file_is_read(api):
    wrong = copy.deepcopy(CLAIM.examples[0])
    wrong["citizen_id"] = "12"
    reply = send(api, [("anh.jpg", HTML_AS_JPG, "image/jpeg")], answers=wrong)
    assert reply.status == 422 and reply.json["errors"][0]["pointer"] == "/citizen_id"


# Without JavaScript: the form page's own multipart post --------------------------


def test_without_javascript_the_answers_and_papers_are_filed_and_redirected_to_the_receipt(api):
    pdf = multi_page_pdf(1)
    reply = post_form(api, CLAIM.examples[0], [("quyet-dinh.pdf", pdf, "application/pdf")])
    assert reply.status == 303, reply.text  # Post/Redirect/Get, as for a plain form post
    receipt_id = re.fullmatch(r"/api/receipts/([0-9A-Z-]+)\?lang=vi", reply.headers["Location"]).group(1)
    [listed] = stored(api, receipt_id)["documents"]
    assert listed["kind"] == "giay-to-cham-dut" and call(api, "GET", listed["href"], headers=DEPARTMENT).body == pdf


def test_without_javascript_wrong_answers_bring_the_form_back_multipart_with_its_file_controls(api):
    before = count(api)
    reply = post_form(api, {**CLAIM.examples[0], "citizen_id": "12"}, [("anh.png", screenshot_png(), "image/png")])
    assert reply.status == 422 and reply.headers["Content-Type"].startswith("text/html")
    assert 'enctype="multipart/form-data"' in reply.text and '<a href="#f-citizen_id">' in reply.text
    assert re.search(r'<input id="f-documents-giay-to-cham-dut" type="file" name="documents"', reply.text)
    assert 'class="hint bhtn-documents-again"' in reply.text  # a browser keeps no file: choose it again
    assert 'value="Nguyễn Thị Hoa"' in reply.text and count(api) == before


def test_without_javascript_a_refused_file_is_named_beside_its_control_and_nothing_is_stored(api):
    before = count(api)
    reply = post_form(api, CLAIM.examples[0], [("Ho_so_bi_mat_42.jpg", HTML_AS_JPG, "image/jpeg")])
    assert reply.status == 422 and reply.headers["Content-Type"].startswith("text/html")
    summary = re.search(r'<div class="errors" role="alert".*?</div>', reply.text, re.DOTALL).group(0)
    assert f'<a href="#f-documents-giay-to-cham-dut">{PROOF}</a>: Tệp thứ 1 («{PROOF}») không phải ảnh JPEG' in summary
    assert re.search(r'id="f-documents-giay-to-cham-dut-error">Tệp thứ 1', reply.text)
    assert 'aria-invalid="true"' in reply.text and "Ho_so_bi_mat" not in reply.text and "<script>fetch" not in reply.text
    too_many = post_form(api, CLAIM.examples[0], [(f"{n}.png", screenshot_png(), "image/png") for n in range(11)])
    assert too_many.status == 413 and '<a href="#s-documents">' in too_many.text and "tối đa 10 tệp" in too_many.text
    assert count(api) == before


# Idempotency and who may read -------------------------------------------------


def test_the_same_key_with_the_same_files_returns_the_same_receipt_and_other_files_conflict(api):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    files = [("a.png", screenshot_png(), "image/png")]
    first, again = send(api, files, headers=key), send(api, files, headers=key)
    assert first.status == again.status == 201 and first.json["receipt"]["id"] == again.json["receipt"]["id"]
    assert len(stored(api, first.json["receipt"]["id"])["documents"]) == 1
    other = send(api, [("b.pdf", multi_page_pdf(1), "application/pdf")], headers=key)
    assert other.status == 409
    assert send(api, [], headers=key).status == 409  # the same answers without the file are another filing


def test_only_an_office_of_the_filings_province_reads_a_document_and_each_read_is_audited(api):
    receipt = send(api, [("a.jpg", phone_photo(1), "image/jpeg")], answers={**CLAIM.examples[0], "centre_province": "01"}).json["receipt"]
    path = f"/api/office/submissions/{receipt['id']}/documents/1"
    assert call(api, "GET", path).status == 401  # a stranger holding the receipt id
    assert call(api, "GET", path, headers={"Authorization": "Bearer " + "x" * 40}).status == 401
    elsewhere = call(api, "GET", path, headers=SAIGON)
    assert elsewhere.status == 404 and elsewhere.json["type"].endswith("unknown-receipt")
    missing = call(api, "GET", path[:-1] + "2", headers=HANOI)
    assert missing.status == 404 and missing.json["type"].endswith("unknown-document")
    for number in ("0", "-1", "1.0", "9" * 30, "%00"):
        assert call(api, "GET", path[:-1] + number, headers=HANOI).status == 404
    assert call(api, "GET", path, headers=HANOI).status == 200
    audit = call(api, "GET", f"/api/office/audit?receipt={receipt['id']}", headers=HANOI).json
    reads = [entry for entry in audit if entry["action"] == "read_document"]
    assert len(reads) == 1 and reads[0]["detail"] == "1" and reads[0]["actor"].startswith("token ")
    public = call(api, "GET", f"/api/receipts/{receipt['id']}")
    assert public.status == 200 and "documents" not in public.json["receipt"]


def test_the_filled_pdf_lists_the_papers_received(api):
    import subprocess

    reply = send(api, [("quyet-dinh.pdf", multi_page_pdf(2), "application/pdf"), ("anh.png", screenshot_png(), "image/png")])
    printed = call(api, "GET", f"/api/office/submissions/{reply.json['receipt']['id']}.pdf", headers=DEPARTMENT)
    text = subprocess.run(["pdftotext", "-", "-"], input=printed.body, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "Giấy tờ nhận kèm trực tuyến" in flat
    assert f"{PROOF} (tệp PDF, 2 trang)" in flat and "giấy tờ khác (ảnh, 1 trang)" in flat


# A crash while a large upload is being judged and stored -------------------------


@pytest.mark.parametrize("moment", ["while-the-body-arrives", "while-the-files-are-judged"])
def test_a_sigkill_during_a_large_upload_leaves_no_receipt_and_nothing_half_stored(tmp_path, moment):
    """A real function process, killed by its own pid: the sender gets no receipt, and the database
    holds neither the submission nor any of its files."""
    import http.client
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT
    from tests.servers import RECEIPT_KEY, free_port, wait_for

    port, database = free_port(), tmp_path / "crash.sqlite3"
    serve = ("import sys; from werkzeug.serving import make_server; from submit_fn.main import app; "
             "make_server('127.0.0.1', int(sys.argv[1]), app, threaded=True).serve_forever()")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "RECEIPT_KEY": RECEIPT_KEY.decode(), "VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", serve, str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        photos = [(f"{n}.jpg", phone_photo(1), "image/jpeg") for n in range(9)]
        body, content_type = multipart([("answers", json.dumps(CLAIM.examples[0]))], photos)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/api/procedures/huong-tro-cap/submissions")
        for name, value in (("Content-Type", content_type), ("Content-Length", str(len(body))), ("Accept", "application/json")):
            connection.putheader(name, value)
        connection.endheaders()
        cut = len(body) // 2 if moment == "while-the-body-arrives" else len(body)
        connection.send(body[:cut])
        time.sleep(0.4)  # aims the kill: nine photos take about 1.5 s to judge and re-encode here (2 cores)
        os.kill(server.pid, signal.SIGKILL)
        try:
            connection.send(body[cut:])
            answer = connection.getresponse()
            receipted = answer.status == 201 and "receipt" in json.loads(answer.read())
        except (ConnectionError, http.client.HTTPException, OSError):
            receipted = False
    finally:
        server.kill()
        server.wait(timeout=10)
    with sqlite3.connect(database) as stored:
        submissions = stored.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        documents = stored.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    # Timing-free: whenever the kill lands, the filing is stored whole (every paper) or not at all,
    # a receipt only ever follows a stored filing, and half a body is never filed.
    assert (submissions, documents) in ((0, 0), (1, 9))
    assert not receipted or submissions == 1
    if moment == "while-the-body-arrives":
        assert (submissions, receipted) == (0, False)
