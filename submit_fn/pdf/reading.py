"""The fields of a filled copy of a blank form, or the pages of an attached document, read from a
PDF nobody vouches for.

`read_form` and `count_pages` check the file's header, then parse it with pypdf in a child process with
limits on CPU time, memory, objects and decompressed bytes, and a wall-clock timeout, so
that a hostile file (a decompression bomb, deep nesting, a huge cross-reference table) costs
at most those. The child refuses encrypted files and files carrying JavaScript, automatic
actions or embedded files (a document is refused, never cleaned: what is kept is what was sent),
and returns the fields' values by full name, or the number of pages. Run as a script,
this file is that child: it imports nothing of the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

HEADER = b"%PDF-"
HEADER_WINDOW = 1024  # readers accept the header anywhere in the first kilobyte
TIMEOUT_SECONDS = 10
CPU_SECONDS = 5
MEMORY_BYTES = 768 * 1024 * 1024
MAX_OBJECTS = 20_000  # a blank form has about 1,000; a reader's save adds a few hundred
MAX_FIELDS = 2_000
MAX_DECODED_BYTES = 8 * 1024 * 1024  # per stream: object streams, metadata; never page content
# Keys that make a PDF act on its own: scripts, actions run on opening or on events,
# programs to launch, embedded files and rich media.
ACTIVE_KEYS = ("/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA")
ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition")
IDENTITY = ("_procedure", "_schema_version")


class UnreadablePdf(ValueError):
    """Why a PDF cannot be read as a filled form: 'not_pdf', 'malformed', 'encrypted',
    'active_content', 'not_a_form' or 'too_complex'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FilledForm:
    """What a filled copy says: which form it is, and each field's value by full name."""

    procedure_id: str
    version: str
    values: tuple[tuple[str, str], ...]


def read_form(data: bytes) -> FilledForm:
    """The form's identity and values; UnreadablePdf for anything else."""
    result = _in_child(data, "form")
    return FilledForm(result["procedure"], result["version"], tuple((name, value) for name, value in result["values"]))


def count_pages(data: bytes) -> int:
    """The number of pages of a document that does nothing but show them; UnreadablePdf otherwise."""
    return _in_child(data, "pages")["pages"]


def _in_child(data: bytes, mode: str) -> dict:
    if HEADER not in data[:HEADER_WINDOW]:
        raise UnreadablePdf("not_pdf")
    try:
        done = subprocess.run(
            [sys.executable, "-I", __file__, mode], input=data, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise UnreadablePdf("too_complex") from None
    if done.returncode < 0:  # stopped by its CPU or memory limit
        raise UnreadablePdf("too_complex")
    if done.returncode > 0:
        raise RuntimeError("the PDF reader could not run")  # a fault of ours, not of the file
    result = json.loads(done.stdout)
    if "refused" in result:
        raise UnreadablePdf(result["refused"])
    return result


# The child process ---------------------------------------------------------


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file


def _configured() -> None:
    import pypdf

    pypdf.apply_configuration(
        pypdf.get_configuration().with_overwrites(
            maximum_declared_stream_length=MAX_DECODED_BYTES,
            zlib_maximum_output_length=MAX_DECODED_BYTES,
            lzw_maximum_output_length=MAX_DECODED_BYTES,
            run_length_maximum_output_length=MAX_DECODED_BYTES,
            brotli_maximum_output_length=MAX_DECODED_BYTES,
            jbig2_maximum_output_length=MAX_DECODED_BYTES,
            array_based_stream_maximum_output_length=MAX_DECODED_BYTES,
            stream_decoding_work_maximum_length=4 * MAX_DECODED_BYTES,
            form_fields_maximum_entries=MAX_FIELDS,
            form_fields_maximum_depth=10,
            jbig2dec_binary=None,
            disable_legacy_handling=True,
        )
    )


def _is_active(item) -> bool:
    from pypdf.generic import DictionaryObject

    if not isinstance(item, DictionaryObject):
        return False
    return any(key in item for key in ACTIVE_KEYS) or item.get("/S") in ACTIVE_ACTIONS or item.get("/Type") == "/Filespec"


def _objects(reader):
    """Every object the file holds, compressed object streams included, at most MAX_OBJECTS."""
    numbers = [number for table in reader.xref.values() for number in table] + list(reader.xref_objStm)
    if len(numbers) > MAX_OBJECTS:
        raise OverflowError
    for number in numbers:
        yield reader.get_object(number)


def _value(field) -> str | None:
    """A field's value as a form control would send it; None when it holds none."""
    from pypdf.generic import ArrayObject, NameObject

    value = field.get("/V")
    if isinstance(value, ArrayObject):
        value = value[0] if len(value) == 1 else None
    if value is None:
        return None
    if field.get("/FT") == "/Btn" or isinstance(value, NameObject):  # a tick box or radio button: its state
        state = str(value).removeprefix("/")
        return None if state == "Off" else state
    return str(value)


def _read(data: bytes, mode: str) -> dict:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False, root_object_recovery_limit=1_000, xref_stream_maximum_entries=MAX_OBJECTS)
    if reader.is_encrypted:
        return {"refused": "encrypted"}
    if any(_is_active(item) for item in _objects(reader)):
        return {"refused": "active_content"}
    if mode == "pages":
        pages = len(reader.pages)
        return {"pages": pages} if pages else {"refused": "malformed"}
    fields = reader.get_fields() or {}
    values = [(name, _value(field)) for name, field in fields.items() if "/FT" in field]
    found = {name: value for name, value in values if value is not None}
    if not all(found.get(name) for name in IDENTITY):
        return {"refused": "not_a_form"}
    return {
        "procedure": found["_procedure"],
        "version": found["_schema_version"],
        "values": [[name, value] for name, value in found.items() if name not in IDENTITY],
    }


def _child() -> None:
    _limit_resources()
    data = sys.stdin.buffer.read()
    from pypdf.errors import LimitReachedError

    try:
        _configured()
        result = _read(data, sys.argv[1])
    except (LimitReachedError, MemoryError, OverflowError, RecursionError):
        result = {"refused": "too_complex"}
    except Exception:  # noqa: BLE001 - whatever pypdf raises on a broken file, the answer is the same
        result = {"refused": "malformed"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    _child()
