"""Fillable blank PDFs, filled as a PDF reader would (pypdf), read back by pypdf, qpdf and poppler,
and posted to the function over real HTTP as a filing."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import re
import subprocess
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from submit_fn.model.procedures import Procedure, load_catalogue
from submit_fn.pdf import render as pdf
from submit_fn.pdf.layout import paper
from submit_fn.pdf.values import choice_options
from tests.servers import OFFICE_TOKEN, function_server
from tests.test_pdf import PNG_DIR, pdf_text, save

CATALOGUE = load_catalogue()
OFFICE = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
MULTILINE, RADIO, COMB, COMBO = 1 << 12, 1 << 15, 1 << 24, 1 << 17
RECEIPT_FIELDS_COMPARED = ("procedure", "schema_version", "due_date")


# Reading and filling, as a PDF reader does ---------------------------------------


def procedures_with_a_worker_form() -> list[Procedure]:
    return [p for p in CATALOGUE if p.has_worker_form]


@pytest.fixture(scope="module")
def blanks(tmp_path_factory) -> dict[tuple[str, str], bytes]:
    return {(p.id, lang): pdf.render_blank(p, lang) for p in procedures_with_a_worker_form() for lang in ("vi", "en")}


def field_kind(field: dict) -> str:
    flags = int(field.get("/Ff", 0))
    if field["/FT"] == "/Btn":
        return "radio" if flags & RADIO else "checkbox"
    if field["/FT"] == "/Ch":
        return "list" if flags & COMBO else "choice-list"
    if flags & COMB:
        return "comb"
    return "multiline" if flags & MULTILINE else "text"


def printed_rows(procedure: Procedure) -> dict[str, int]:
    """How many rows the blank paper prints for each repeatable group."""
    found = {}
    for part in paper(procedure).parts:
        for row in part.rows:
            for blank in row:
                if blank.kind == "table":
                    found[blank.name] = len(blank.rows)
    return found


def expected_fields(procedure: Procedure) -> Iterator[tuple[str, str, str]]:
    """(field name, kind, label) for every question of the schema, as the fillable form must offer it."""
    rows = printed_rows(procedure)
    for field in procedure.fields:
        if field.kind != "leaf":
            continue
        label = field.label.vi
        if field.widget == "digits":
            kind = "comb"
        elif field.schema.get("type") == "boolean":
            kind = "checkbox"
        elif field.schema.get("type") == "array":
            for option in choice_options(field):
                yield f"{field.name}.{option.value}", "checkbox", label
            continue
        elif field.options:
            kind = "radio"
        elif "enum" in field.schema:
            kind = "list"
        elif field.widget == "textarea" or "*" in field.name:
            kind = "multiline"
        else:
            kind = ("text", "multiline")
        if "*" in field.name:
            list_name = field.name.split(".*")[0]
            for index in range(rows[list_name]):
                yield field.name.replace("*", str(index)), "multiline", label
        else:
            yield field.name, kind, label


def pdf_values(procedure: Procedure, answers: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    """The answers as a person types and ticks them into the PDF: dates dd/mm/yyyy, options by their
    state, tick boxes on; written from the schema alone."""
    for key, value in answers.items():
        name = f"{prefix}{key}"
        field = procedure.field_at("/" + name.replace(".", "/"))
        if isinstance(value, dict):
            yield from pdf_values(procedure, value, name + ".")
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                yield from pdf_values(procedure, item, f"{name}.{index}.")
        elif isinstance(value, list):
            yield from ((f"{name}.{item}", "/on") for item in value)
        elif value is True:
            yield name, "/on"
        elif field.options:
            yield name, f"/{value}"
        elif field.schema.get("format") == "date":
            yield name, date.fromisoformat(value).strftime("%d/%m/%Y")
        else:
            yield name, str(value)


def filled(blank: bytes, values: dict[str, str]) -> bytes:
    """The blank with these values typed and ticked. pypdf also fills a field whose own partial
    name is the key (`full_name` fills `notifier.full_name` too), so every text field is given,
    empty unless told, deeper names last: each field ends with its own value."""
    reader = PdfReader(io.BytesIO(blank))
    texts = [name for name, field in reader.get_fields().items() if field.get("/FT") in ("/Tx", "/Ch") and name[0] != "_"]
    every = {name: "" for name in texts} | values
    writer = PdfWriter(clone_from=reader)
    writer.update_page_form_field_values(None, dict(sorted(every.items(), key=lambda item: item[0].count("."))), auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def qpdf_fields(path: Path) -> dict[str, str]:
    """Every field's full name and value as qpdf reads them; a radio group's value is its ticked button's state."""
    out = subprocess.run(["qpdf", "--json", "--json-key=acroform", str(path)], capture_output=True, text=True, check=True).stdout
    found: dict[str, str] = {}
    for field in json.loads(out)["acroform"]["fields"]:
        state = field["annotation"]["appearancestate"]
        if field["isradiobutton"]:
            found[field["fullname"]] = state if state != "/Off" else found.get(field["fullname"], "/Off")
        else:
            found[field["fullname"]] = state or str(field["value"] or "").removeprefix("u:")
    return found


# The blank forms -------------------------------------------------------------------


def test_every_question_has_a_field_of_its_kind_named_like_the_web_forms_control(blanks, tmp_path):
    for procedure in procedures_with_a_worker_form():
        reader = PdfReader(io.BytesIO(blanks[procedure.id, "vi"]))
        fields = {name: field for name, field in reader.get_fields().items() if "/FT" in field}
        path = tmp_path / f"{procedure.id}.pdf"
        path.write_bytes(blanks[procedure.id, "vi"])
        assert set(qpdf_fields(path)) == set(fields), procedure.id  # a second, independent reader
        expected = list(expected_fields(procedure))
        assert {name for name, _, _ in expected} | {"_procedure", "_schema_version"} == set(fields), procedure.id
        for name, kind, label in expected:
            actual = field_kind(fields[name])
            assert actual in (kind if isinstance(kind, tuple) else (kind,)), (procedure.id, name, actual)
            assert fields[name]["/TU"].startswith(label), (procedure.id, name)
        assert fields["_procedure"]["/V"] == procedure.id and fields["_schema_version"]["/V"] == procedure.version


def test_limits_and_formats_of_the_fields_follow_the_schema(blanks):
    procedure = CATALOGUE["huong-tro-cap"]
    annotations = {
        str(a.get_object().get("/T", a.get_object().get("/Parent", {}).get("/T"))): a.get_object()
        for page in PdfReader(io.BytesIO(blanks[procedure.id, "vi"])).pages for a in page["/Annots"]
    }
    assert annotations["citizen_id"]["/MaxLen"] == 12
    assert annotations["account_number"]["/MaxLen"] == 19
    assert annotations["full_name"]["/MaxLen"] == procedure.field_at("/full_name").schema["maxLength"]
    assert annotations["contribution_months"]["/MaxLen"] == len(str(procedure.field_at("/contribution_months").schema["maximum"]))
    assert annotations["birth_date"]["/MaxLen"] == 10 and "(ngày/tháng/năm)" in annotations["birth_date"]["/TU"]
    english = {str(a.get_object().get("/T")): a.get_object() for a in PdfReader(io.BytesIO(blanks[procedure.id, "en"])).pages[0]["/Annots"]}
    assert "(dd/mm/yyyy)" in english["birth_date"]["/TU"]
    states = {name for kid in annotations["payment_method"]["/Parent"]["/Kids"] for name in kid.get_object()["/AP"]["/N"]}
    assert states == {"/tai-khoan", "/tien-mat", "/Off"}
    transfer = CATALOGUE["chuyen-noi-huong"]
    transfer_annotations = {
        str(a.get_object().get("/T", a.get_object().get("/Parent", {}).get("/T"))): a.get_object()
        for page in PdfReader(io.BytesIO(blanks[transfer.id, "vi"])).pages for a in page["/Annots"]
    }
    assert transfer_annotations["social_insurance_number"]["/MaxLen"] == 10


def test_no_two_fields_overlap_and_each_lies_on_the_page(blanks):
    for (procedure_id, lang), data in blanks.items():
        for page in PdfReader(io.BytesIO(data)).pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            boxes = []
            for annotation in page["/Annots"]:
                x1, y1, x2, y2 = sorted_rect(annotation.get_object()["/Rect"])
                if x1 == x2:  # the two identity fields take no room
                    continue
                assert 0 < x1 < x2 <= width and 0 < y1 < y2 <= height, (procedure_id, lang)
                boxes.append((x1, y1, x2, y2))
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                    assert min(overlap) <= 0.5, (procedure_id, lang, a, b)


def sorted_rect(rect) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def test_an_empty_fillable_form_prints_exactly_as_the_print_only_form(blanks, tmp_path):
    for procedure in procedures_with_a_worker_form():
        for lang in ("vi", "en"):
            layout = paper(procedure, None, lang)
            print_only, _ = pdf.html_to_pdf(pdf.render_html("form.html.j2", paper=dataclasses.replace(layout, filled=True)))
            for name, data in (("fillable", blanks[procedure.id, lang]), ("print-only", print_only)):
                (tmp_path / f"{name}.pdf").write_bytes(data)
                subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
            pages = sorted(tmp_path.glob("fillable-*.png"))
            assert len(pages) == len(list(tmp_path.glob("print-only-*.png")))
            for page in pages:
                other = page.with_name(page.name.replace("fillable", "print-only"))
                difference = ImageChops.difference(Image.open(page).convert("L"), Image.open(other).convert("L"))
                assert difference.getbbox() is None, (procedure.id, lang, page.name, difference.getbbox())
            for page in tmp_path.glob("*.png"):
                page.unlink()


def test_blank_forms_stay_pdf_a_with_an_appearance_for_every_field_and_no_need_appearances(blanks):
    for data in blanks.values():
        reader = PdfReader(io.BytesIO(data))
        assert "/NeedAppearances" not in reader.trailer["/Root"]["/AcroForm"]
        assert 'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        for page in reader.pages:
            for annotation in page["/Annots"]:
                assert "/N" in annotation.get_object()["/AP"]


def test_the_form_font_is_embedded_and_holds_every_vietnamese_letter(blanks, tmp_path):
    from fontTools.ttLib import TTFont

    cmap = TTFont(io.BytesIO(pdf.form_font())).getBestCmap()
    letters = "ĂÂĐÊÔƠƯăâđêôơư" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
    assert all(ord(letter) in cmap for letter in letters)
    path = tmp_path / "blank.pdf"
    path.write_bytes(blanks["huong-tro-cap", "vi"])
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    (form_font,) = [row for row in rows if "Noto-Sans-Vietnamese" in row]
    assert form_font.split()[-5] == "yes"  # embedded


# Filled in a PDF reader --------------------------------------------------------------


def test_typed_vietnamese_shows_in_poppler_with_real_glyphs(blanks):
    data = filled(blanks["huong-tro-cap", "vi"], {"full_name": "Nguyễn Thị Ánh", "employer_name": "Công ty Xây dựng Đức Thịnh"})
    path = save(data, "fillable-typed")
    text = pdf_text(path)
    assert "Nguyễn Thị Ánh" in text and "Công ty Xây dựng Đức Thịnh" in text
    reader = PdfReader(io.BytesIO(data))
    widget = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == "full_name")
    shown = widget["/AP"]["/N"].get_object().get_data()
    glyphs = [hexes[i:i + 4] for hexes in re.findall(rb"<([0-9a-fA-F]+)> Tj", shown) for i in range(0, len(hexes), 4)]
    assert len(glyphs) == len("Nguyễn Thị Ánh") and b"0000" not in glyphs  # glyph 0 is the empty box
    assert (PNG_DIR / "fillable-typed-1.png").is_file()


def test_a_filled_form_reads_back_the_same_in_pypdf_and_qpdf(blanks, tmp_path):
    procedure = CATALOGUE["huong-tro-cap"]
    values = dict(pdf_values(procedure, procedure.examples[0]))
    path = tmp_path / "filled.pdf"
    path.write_bytes(filled(blanks[procedure.id, "vi"], values))
    by_pypdf = {name: str(field.get("/V")) for name, field in PdfReader(path).get_fields().items() if "/FT" in field}
    by_qpdf = qpdf_fields(path)
    for name, value in values.items():
        assert by_pypdf[name].lstrip("/") == value.lstrip("/"), name
        assert by_qpdf[name].lstrip("/") == value.lstrip("/"), name


# Filed over HTTP ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[str]:
    with function_server(f"sqlite:///{tmp_path_factory.mktemp('db') / 'pdf.sqlite3'}") as url:
        yield url


def post(api: str, path: str, body: bytes, content_type: str, headers: dict | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(api + path, data=body, method="POST", headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def get_json(api: str, path: str, headers: dict) -> dict:
    with urllib.request.urlopen(urllib.request.Request(api + path, headers=headers), timeout=30) as response:
        return json.loads(response.read())


def submit_pdf(api: str, procedure_id: str, data: bytes, headers: dict | None = None) -> tuple[int, dict]:
    status, _, body = post(api, f"/api/procedures/{procedure_id}/submissions", data, "application/pdf", headers)
    return status, json.loads(body)


@pytest.mark.parametrize("procedure", procedures_with_a_worker_form(), ids=lambda p: p.id)
def test_a_pdf_filled_from_the_first_example_files_the_same_answers_as_the_json_example(api, blanks, procedure):
    example = procedure.examples[0]
    status, reply = submit_pdf(api, procedure.id, filled(blanks[procedure.id, "vi"], dict(pdf_values(procedure, example))))
    assert status == 201, reply
    stored = get_json(api, f"/api/office/submissions/{reply['receipt']['id']}", OFFICE)
    assert stored["answers"] == example
    status, _, body = post(api, f"/api/procedures/{procedure.id}/submissions", json.dumps(example).encode(), "application/json")
    as_json = json.loads(body)["receipt"]
    assert status == 201
    assert {k: reply["receipt"][k] for k in RECEIPT_FIELDS_COMPARED} == {k: as_json[k] for k in RECEIPT_FIELDS_COMPARED}
    assert set(reply["receipt"]) == set(as_json)


def test_a_pdf_filled_as_a_person_gets_it_wrong_gets_the_errors_a_json_submission_gets(api, blanks):
    procedure = CATALOGUE["huong-tro-cap"]
    values = dict(pdf_values(procedure, procedure.examples[0]))
    values |= {"full_name": "", "citizen_id": "00119001234", "birth_date": "31/02/1990", "declaration": "/Off"}
    as_json = {key: value for key, value in procedure.examples[0].items() if key not in ("full_name", "declaration")}
    as_json |= {"citizen_id": "00119001234", "birth_date": "1990-02-31"}
    for lang in ("vi", "en"):
        headers = {"Accept-Language": lang}
        status, _, body = post(api, f"/api/procedures/{procedure.id}/submissions", filled(blanks[procedure.id, "vi"], values), "application/pdf", headers)
        reply = json.loads(body)
        assert status == 422 and reply["status"] == 422
        assert {"/full_name", "/citizen_id", "/birth_date", "/declaration"} <= {error["pointer"] for error in reply["errors"]}
        _, _, expected = post(api, f"/api/procedures/{procedure.id}/submissions", json.dumps(as_json).encode(), "application/json", headers)
        assert reply == json.loads(expected)
    labelled = {error["pointer"]: error["message"] for error in reply["errors"]}
    assert "personal identification number" in labelled["/citizen_id"]


def test_dates_typed_with_dots_or_dashes_and_one_digit_days_are_read(api, blanks):
    procedure = CATALOGUE["huong-tro-cap"]
    values = dict(pdf_values(procedure, procedure.examples[0])) | {"birth_date": " 5.3.1990 ", "contract_end_date": "27-02-2026"}
    status, reply = submit_pdf(api, procedure.id, filled(blanks[procedure.id, "vi"], values))
    assert status == 201, reply
    answers = get_json(api, f"/api/office/submissions/{reply['receipt']['id']}", OFFICE)["answers"]
    assert (answers["birth_date"], answers["contract_end_date"]) == ("1990-03-05", "2026-02-27")


def test_the_form_of_another_procedure_or_an_old_version_is_refused_saying_which(api, blanks):
    procedure = CATALOGUE["huong-tro-cap"]
    status, reply = submit_pdf(api, "tiep-tuc", filled(blanks[procedure.id, "vi"], dict(pdf_values(procedure, procedure.examples[0]))))
    assert status == 400 and procedure.title.vi in reply["detail"]
    status, reply = submit_pdf(api, procedure.id, filled(blanks[procedure.id, "vi"], {"_schema_version": "1999.1"}))
    assert status == 409 and reply["current_version"] == procedure.version


def test_an_empty_blank_form_sent_back_gets_every_required_answer_listed(api, blanks):
    status, reply = submit_pdf(api, "huong-tro-cap", blanks["huong-tro-cap", "vi"])
    assert status == 422 and len(reply["errors"]) >= 10


# Hostile PDFs ---------------------------------------------------------------------------


def with_catalog_entry(blank: bytes, key: str, value) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    writer._root_object[NameObject(key)] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(*objects: bytes) -> bytes:
    """A hand-made PDF whose objects are given in order (1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def bomb() -> bytes:
    """A PDF whose form dictionary sits in an object stream that inflates to 1 GiB of zeros from 1 MB."""
    packed = zlib.compressobj(9)
    data = b"".join(packed.compress(b"\0" * (1 << 20)) for _ in range(1024)) + packed.flush()
    out = bytearray(b"%PDF-1.7\n")
    offsets = [len(out)]
    out += b"1 0 obj\n<< /Type /Catalog /Pages 3 0 R /AcroForm 5 0 R >>\nendobj\n"
    offsets.append(len(out))
    out += b"2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
    out += data + b"\nendstream\nendobj\n"
    offsets.append(len(out))
    out += b"3 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    offsets.append(len(out))
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in offsets]
    rows.append(b"\x02" + (2).to_bytes(4, "big") + b"\x00\x00")  # object 5: the first in object stream 2
    table = b"".join(rows)
    out += b"4 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[-1]
    return bytes(out)


def hostile_pdfs(blank: bytes) -> dict[str, tuple[bytes, str]]:
    """A name → (file, the problem it must get)."""
    javascript = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    encrypted = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    encrypted.encrypt("mat-khau")
    encrypted_bytes = io.BytesIO()
    encrypted.write(encrypted_bytes)
    attached = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    attached.add_attachment("note.txt", b"hello")
    attached_bytes = io.BytesIO()
    attached.write(attached_bytes)
    unrelated, _ = pdf.html_to_pdf("<p>Hóa đơn tiền điện</p>")
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    nested = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * 50_000 + b"]" * 50_000 + b" >>", b"<< /Type /Pages /Kids [] /Count 0 >>")
    return {
        "open-action script": (with_catalog_entry(blank, "/OpenAction", javascript), "pdf-active-content"),
        "additional actions": (with_catalog_entry(blank, "/AA", DictionaryObject({NameObject("/WC"): javascript})), "pdf-active-content"),
        "embedded file": (attached_bytes.getvalue(), "pdf-active-content"),
        "encrypted": (encrypted_bytes.getvalue(), "pdf-encrypted"),
        "unrelated PDF": (unrelated, "pdf-not-a-form"),
        "PNG": (png.getvalue(), "pdf-not-pdf"),
        "truncated": (blank[: len(blank) // 2], None),
        "decompression bomb": (bomb(), "pdf-too-complex"),
        "deeply nested": (nested, None),
        "empty": (b"", "pdf-not-pdf"),
        "header only": (b"%PDF-1.7\n%%EOF", "pdf-malformed"),
    }


def test_hostile_pdfs_get_a_clear_localized_400_and_never_a_500(api, blanks):
    for name, (data, kind) in hostile_pdfs(blanks["huong-tro-cap", "vi"]).items():
        for lang in ("vi", "en"):
            status, content_type, body = post(api, "/api/procedures/huong-tro-cap/submissions", data, "application/pdf", {"Accept-Language": lang})
            assert status == 400 and content_type.startswith("application/problem+json"), (name, status, body[:300])
            problem = json.loads(body)
            assert problem["title"] and problem["detail"], name
            assert problem["type"].startswith("/api/problems/pdf-"), (name, problem)
            if kind:
                assert problem["type"] == f"/api/problems/{kind}", (name, problem)


def test_a_pdf_over_two_mebibytes_is_a_413_naming_the_limit(api):
    status, _, body = post(api, "/api/procedures/huong-tro-cap/submissions", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "application/pdf")
    assert status == 413 and str(2 * 1024 * 1024) in json.loads(body)["detail"]


def test_a_json_body_stays_limited_to_64_kib(api):
    status, _, _ = post(api, "/api/procedures/huong-tro-cap/submissions", b"{" + b" " * (70 * 1024) + b"}", "application/json")
    assert status == 413


def test_an_active_field_action_inside_the_form_is_found_too(api, blanks):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blanks["huong-tro-cap", "vi"])))
    widget = next(a.get_object() for a in writer.pages[0]["/Annots"] if a.get_object().get("/T") == "full_name")
    action = DecodedStreamObject()
    action.set_data(b"app.alert(1)")
    widget[NameObject("/AA")] = DictionaryObject({NameObject("/K"): DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): writer._add_object(action)})})
    widget[NameObject("/Ff")] = NumberObject(0)
    widget[NameObject("/Kids")] = ArrayObject()
    out = io.BytesIO()
    writer.write(out)
    status, reply = submit_pdf(api, "huong-tro-cap", out.getvalue())
    assert status == 400 and reply["type"] == "/api/problems/pdf-active-content"


# The site's upload, without JavaScript --------------------------------------------------


def multipart(fields: dict[str, str], file: bytes | None) -> tuple[bytes, str]:
    boundary = "----bhtn-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="form_pdf"; filename="{"to-khai.pdf" if file else ""}"\r\n'
                 "Content-Type: application/pdf\r\n\r\n".encode() + (file or b"") + b"\r\n")  # a control left empty: an empty part
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_page_posting_the_pdf_file_without_javascript_gets_an_html_receipt_or_error_page(api, blanks):
    procedure = CATALOGUE["tiep-tuc"]
    good = filled(blanks[procedure.id, "vi"], dict(pdf_values(procedure, procedure.examples[0])))
    body, content_type = multipart({"_lang": "vi"}, good)
    status, reply_type, page = post(api, f"/api/procedures/{procedure.id}/submissions", body, content_type, {"Accept": "text/html"})
    assert status == 200 and reply_type.startswith("text/html")  # the receipt's own page, after the redirect
    assert re.search(rb'data-receipt-id="[0-9A-Z-]{19}"', page)

    wrong = copy.deepcopy(procedure.examples[0])
    wrong["citizen_id"] = "12345"
    body, content_type = multipart({"_lang": "en"}, filled(blanks[procedure.id, "vi"], dict(pdf_values(procedure, wrong))))
    status, reply_type, page = post(api, f"/api/procedures/{procedure.id}/submissions", body, content_type)
    text = page.decode()
    assert status == 422 and reply_type.startswith("text/html") and 'role="alert"' in text
    assert "Open the PDF file again" in text and 'data-pointer="/citizen_id"' in text

    body, content_type = multipart({"_lang": "vi"}, None)
    status, reply_type, page = post(api, f"/api/procedures/{procedure.id}/submissions", body, content_type)
    assert status == 400 and reply_type.startswith("text/html") and "Chưa chọn tệp PDF" in page.decode()
