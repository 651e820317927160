"""Where a filing stands (CONTRACT.md): received → needs_documents → accepted → decided or refused;
withdrawn at the worker's request. Which changes are possible, what each needs, and the appointment date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from submit_fn.model.procedures import Procedure, Text
from submit_fn.model.working_days import is_working_day, working_days_after

STATUSES = ("received", "needs_documents", "accepted", "decided", "refused", "withdrawn")
NEXT: dict[str, tuple[str, ...]] = {
    "received": ("needs_documents", "accepted", "refused", "withdrawn"),
    "needs_documents": ("needs_documents", "accepted", "refused", "withdrawn"),  # asking again says what is still missing
    "accepted": ("decided", "refused", "withdrawn"),
    "decided": (),
    "refused": (),
    "withdrawn": (),
}
NOTE_REQUIRED = frozenset({"needs_documents", "refused"})  # which papers; the reasons of a refusal
MAX_NOTE = 1000
LABELS = {
    "received": Text("Đã nhận, chờ xem xét", "Received, waiting to be examined"),
    "needs_documents": Text("Cần bổ sung giấy tờ", "Documents needed"),
    "accepted": Text("Đã tiếp nhận, có ngày hẹn", "Accepted, with an appointment date"),
    "decided": Text("Đã có kết quả", "Decided"),
    "refused": Text("Không giải quyết", "Refused"),
    "withdrawn": Text("Đã rút theo đề nghị của người nộp", "Withdrawn at the worker's request"),
}


class StatusChangeError(ValueError):
    """A change the lifecycle does not allow, or one missing what it needs; `kind` names which."""

    def __init__(self, kind: str, **values: str) -> None:
        self.kind, self.values = kind, values
        super().__init__(kind)


@dataclass(frozen=True)
class StatusChange:
    status: str
    note: str
    appointment_date: date | None


def default_appointment(procedure: Procedure, accepted_on: date) -> date | None:
    """The procedure's working days counted from acceptance (weekends and holidays.VN skipped)."""
    days = procedure.processing_working_days
    return working_days_after(accepted_on, days) if days is not None else None


def checked_change(
    procedure: Procedure, current: str, status: str, note: str, appointment: str | None, today: date
) -> StatusChange:
    """The change as stored, or StatusChangeError saying what is wrong with it."""
    if status not in STATUSES:
        raise StatusChangeError("unknown_status")
    if status not in NEXT.get(current, ()):
        raise StatusChangeError("impossible", current=current, status=status)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise StatusChangeError("note_too_long")
    if status in NOTE_REQUIRED and not note:
        raise StatusChangeError(f"note_required_{status}")
    day = None
    if status == "accepted":
        day = _appointment(appointment, today) if appointment else default_appointment(procedure, today)
    return StatusChange(status, note, day)


def _appointment(text: str, today: date) -> date:
    try:
        day = date.fromisoformat(text.strip()) if len(text.strip()) == len("YYYY-MM-DD") else None
    except ValueError:
        day = None
    if day is None:
        raise StatusChangeError("appointment_not_a_date")
    if day < today:
        raise StatusChangeError("appointment_in_the_past")
    if not is_working_day(day):
        raise StatusChangeError("appointment_not_a_working_day")
    return day
