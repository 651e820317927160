"""The filtered office list as CSV: UTF-8 with a byte-order mark so that Excel reads Vietnamese,
and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from flask import Response

from submit_fn.model.divisions import centre_name
from submit_fn.model.lifecycle import LABELS
from submit_fn.service.storage import Submission

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's CSV-injection list
HEADINGS = {
    "vi": ("Mã biên nhận", "Thủ tục", "Tên thủ tục", "Nhận lúc", "Hạn trả kết quả (nếu hồ sơ đầy đủ)", "Trung tâm nhận",
           "Trạng thái", "Tên trạng thái", "Đổi trạng thái lúc", "Ngày hẹn", "Lời nhắn cho người nộp", "Người nộp"),
    "en": ("Receipt", "Procedure", "Procedure title", "Received at", "Result due (if the dossier is complete)", "Receiving centre",
           "Status", "Status title", "Status changed at", "Appointment", "Note to the worker", "Worker"),
}


def safe_cell(value: object) -> str:
    """A cell as text; one starting like a formula gets a leading apostrophe, shown by spreadsheets as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Sequence[Submission], office, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS[lang])
    for s in rows:
        name = s.answers.get("full_name")
        writer.writerow([safe_cell(value) for value in (
            s.id, s.procedure, office.procedure_of(s).title[lang], s.receipt["received_at"], s.receipt["due_date"],
            centre_name(s.province or "", lang), s.standing.status, LABELS[s.standing.status][lang],
            s.standing.changed_at or s.receipt["received_at"], s.standing.appointment_date, s.standing.note,
            name if isinstance(name, str) else "",
        )])
    return out.getvalue()


def csv_response(rows: Sequence[Submission], office, lang: str) -> Response:
    response = Response("\ufeff" + csv_text(rows, office, lang), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="ho-so.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
