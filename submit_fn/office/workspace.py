"""What the office does with submissions, the same for the API and the pages: find one within the
viewer's provinces (anything else is a 404), list, change the status, and record every read and
change in the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import Response, current_app, request

from submit_fn.model.divisions import centre_name
from submit_fn.model.lifecycle import LABELS, NEXT, StatusChangeError, checked_change
from submit_fn.model.procedures import Catalogue, Procedure, Text
from submit_fn.office.access import Viewer, now, stamp
from submit_fn.office.queries import split_page
from submit_fn.service.documents import JPEG, PDF, PNG, paper_name
from submit_fn.service.problems import Problem
from submit_fn.service.receipts import ReceiptIdError, parse_receipt_id
from submit_fn.service.settings import Settings
from submit_fn.service.storage import AuditEntry, Filters, Standing, Storage, StoredDocument, Submission

DOCUMENT_EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
ACTIONS = ("read_submission", "read_pdf", "read_document", "export", "status_change", "import_pdf")


@dataclass(frozen=True)
class Office:
    """The function's settings, catalogue and storage, as the office uses them."""

    settings: Settings
    catalogue: Catalogue
    storage: Storage

    @classmethod
    def of_app(cls) -> Office:
        shared = current_app.extensions["bhtn"]
        return cls(shared["settings"], shared["catalogue"], shared["storage"])

    def procedure_of(self, submission: Submission) -> Procedure:
        """The version the submission was validated against."""
        return self.catalogue.version(submission.procedure, submission.receipt["schema_version"]) or self.catalogue[submission.procedure]

    def visible(self, viewer: Viewer, receipt_text: str) -> Submission:
        """The submission if it exists and is of the viewer's provinces; else 404, the same either way."""
        try:
            receipt_id = parse_receipt_id(receipt_text)
        except ReceiptIdError as error:
            raise Problem("mistyped_receipt" if error.mistyped else "not_receipt_id") from None
        found = self.storage.get(receipt_id)
        if found is None or not viewer.sees(found.province):
            raise Problem("unknown_receipt", id=receipt_text[:40])
        return found

    def read(self, viewer: Viewer, receipt_text: str, action: str = "read_submission", detail: str = "") -> Submission:
        """A submission read in whole (answers, PDF, document): recorded before it is shown."""
        found = self.visible(viewer, receipt_text)
        self.record(viewer, action, found, detail)
        return found

    def record(self, viewer: Viewer, action: str, submission: Submission | None, detail: str = "", province: str | None = None) -> None:
        assert action in ACTIONS
        self.storage.record(self.entry(viewer, action, submission, detail, province))

    @staticmethod
    def entry(viewer: Viewer, action: str, submission: Submission | None, detail: str = "", province: str | None = None) -> AuditEntry:
        return AuditEntry(
            uuid.uuid4().hex, stamp(now()), viewer.name, action,
            submission.id if submission else None, submission.province if submission else province,
            detail[:500], (request.remote_addr or "")[:64],
        )

    def papers(self, submission: Submission) -> list[tuple[StoredDocument, Text]]:
        """The papers sent with a submission (never their content), each with its plain name."""
        procedure = self.procedure_of(submission)
        return [(d, paper_name(procedure, d.position)) for d in self.storage.documents(submission.id)]

    def printed_papers(self, submission: Submission, lang: str = "vi") -> tuple[tuple[str, str, int], ...]:
        """The papers as the filled PDF lists them."""
        return tuple((name[lang], "pdf" if d.media_type == PDF else "picture", d.pages) for d, name in self.papers(submission))

    def documents_json(self, submission: Submission) -> list[dict]:
        """The papers as the office API lists them."""
        return [
            {"number": d.number, "kind": d.kind, "name": {"vi": name.vi, "en": name.en}, "media_type": d.media_type,
             "size": d.size, "pages": d.pages, "sha256": d.sha256,
             "href": f"/api/office/submissions/{submission.id}/documents/{d.number}"}
            for d, name in self.papers(submission)
        ]

    def document(self, viewer: Viewer, receipt_text: str, number_text: str) -> Response:
        """One paper, recorded in the audit log before it is sent: as an attachment, of its own safe type,
        never sniffed, never cached; 404 for a submission the viewer may not see or a number it lacks."""
        found = self.visible(viewer, receipt_text)
        number = int(number_text) if number_text.isdecimal() and len(number_text) <= 3 else 0
        stored = self.storage.document(found.id, number)
        if stored is None:
            raise Problem("unknown_document", number=number_text[:10])
        paper, data = stored
        self.record(viewer, "read_document", found, f"{number}")
        extension = DOCUMENT_EXTENSIONS[paper.media_type]
        response = Response(data, content_type=paper.media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{found.id}-{number}.{extension}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def change_status(self, viewer: Viewer, submission: Submission, status: str, note: str, appointment: str | None) -> Submission:
        """Apply a status change the lifecycle allows; a 409 or 422 problem says what is wrong otherwise."""
        moment = now()
        try:
            change = checked_change(self.procedure_of(submission), submission.standing.status, status, note, appointment, moment.date())
        except StatusChangeError as error:
            raise _status_problem(error, submission.standing.status) from None
        standing = Standing(change.status, moment.replace(microsecond=0).isoformat(), change.note,
                            change.appointment_date.isoformat() if change.appointment_date else None)
        detail = f"{submission.standing.status} → {change.status}"
        audit = self.entry(viewer, "status_change", submission, detail)
        if not self.storage.change_status(submission.id, submission.standing.status, standing, viewer.name, audit):
            raise Problem("status_changed_meanwhile")
        return self.storage.get(submission.id)

    def page(self, filters: Filters, after: tuple[str, str] | None, limit: int) -> tuple[list[Submission], tuple[str, str] | None]:
        """One page, newest first, and where the next one starts (None on the last page)."""
        return split_page(self.storage.page(filters, after, limit + 1), limit, lambda s: (s.receipt["received_at"], s.id))


def scope_words(viewer: Viewer, lang: str) -> str:
    """Whose submissions the viewer sees, as the pages say it."""
    if viewer.is_department:
        return "Sở Nội vụ: mọi tỉnh, thành phố" if lang == "vi" else "Department: every province"
    return ", ".join(centre_name(code, lang) for code in sorted(viewer.provinces))


def _status_problem(error: StatusChangeError, current: str) -> Problem:
    if error.kind == "impossible":
        allowed = {lang: ", ".join(f"«{LABELS[s][lang]}»" for s in NEXT[current]) or "—" for lang in ("vi", "en")}
        status = error.values["status"]
        return Problem("status_impossible", current={lang: LABELS[current][lang] for lang in ("vi", "en")},
                       status={lang: LABELS[status][lang] for lang in ("vi", "en")}, allowed=allowed)
    return Problem(f"status_{error.kind}")

