"""Papers sent with a filing (CONTRACT.md: the file parts `documents` of a multipart post).

Each file is judged by its content, never by its name or declared type: a JPEG or PNG is
decoded for real and re-encoded by the sandboxed reader of pictures.py (a decompression bomb
is refused before it is unpacked; EXIF, GPS position, comments are dropped); a PDF is read by
the sandboxed reader of submit_fn/pdf/reading.py and refused if
it is encrypted or carries JavaScript, automatic actions or embedded files (refused, never
cleaned: what the office opens is what was checked). The n-th part is the n-th paper of the
procedure's `x-documents`; parts beyond that list are other papers. An empty part (a file
control left empty) is no document but keeps its place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from submit_fn.model.procedures import DocumentKind, Procedure, Text
from submit_fn.pdf.reading import UnreadablePdf, count_pages
from submit_fn.service.pictures import MAX_PIXELS, UnreadablePicture, reencoded
from submit_fn.service.problems import Problem

MAX_DOCUMENTS = 10
MAX_DOCUMENT_BYTES = 5_000_000  # "at most 5 MB" (CONTRACT.md)
JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
OTHER_PAPER = Text("giấy tờ khác", "another paper")


@dataclass(frozen=True)
class Document:
    """A paper as stored: its place among the parts (from 0), which paper it is, and its content."""

    position: int
    kind: str | None  # the id of its `x-documents` entry; None: a paper beyond the list
    media_type: str
    data: bytes
    pages: int

    @cached_property
    def sha256(self) -> str:  # asked for the idempotency digest and again for the row: hashed once
        return hashlib.sha256(self.data).hexdigest()


def received_documents(procedure: Procedure, parts: Sequence[bytes]) -> tuple[Document, ...]:
    """The parts as documents, in order; the first one refused is a Problem naming it."""
    sent = [(position, data) for position, data in enumerate(parts) if data]
    if len(sent) > MAX_DOCUMENTS:
        raise Problem("too_many_documents", limit=MAX_DOCUMENTS, count=len(sent))
    return tuple(_document(procedure, position, data) for position, data in sent)


def read_parts(files: Iterable, limit: int = MAX_DOCUMENT_BYTES) -> list[bytes]:
    """Each uploaded part's bytes (werkzeug FileStorage), read no further than one byte past the limit."""
    return [storage.stream.read(limit + 1) for storage in files]


def paper_name(procedure: Procedure, position: int) -> Text:
    """What a part is called for people: its paper's plain name, or «another paper»."""
    kind = _kind_at(procedure, position)
    return kind.title if kind else OTHER_PAPER


def _kind_at(procedure: Procedure, position: int) -> DocumentKind | None:
    kinds = procedure.documents
    return kinds[position] if position < len(kinds) else None


def _document(procedure: Procedure, position: int, data: bytes) -> Document:
    def refused(reason: str, **values: object) -> Problem:
        return Problem(f"document_{reason}", {"document": position + 1}, number=position + 1,
                       name=_quoted(paper_name(procedure, position)), **values)

    if len(data) > MAX_DOCUMENT_BYTES:
        raise refused("too_large", limit=f"{MAX_DOCUMENT_BYTES // 1_000_000} MB")
    kind = _kind_at(procedure, position)
    kind_id = kind.id if kind else None
    media_type = next((media for signature, media in SIGNATURES if data.startswith(signature)), None)
    if media_type is not None:
        try:
            return Document(position, kind_id, media_type, reencoded(data, media_type), 1)
        except UnreadablePicture as why:
            raise refused("broken_image" if why.reason == "broken" else why.reason, limit=MAX_PIXELS // 1_000_000) from None
    if data.startswith(b"%PDF-"):
        try:
            return Document(position, kind_id, PDF, data, count_pages(data))
        except UnreadablePdf as why:
            raise refused(f"pdf_{why.reason}") from None
    raise refused("not_accepted")


def _quoted(text: Text) -> dict:
    return {"vi": f"«{text.vi}»", "en": f"«{text.en}»"}
