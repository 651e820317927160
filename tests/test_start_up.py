"""Start-up refuses what would go wrong later (secrets too weak to sign with, storage that cannot be
used) with the README's one-line configuration message, never a traceback, never a secret."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from submit_fn.service.settings import load_settings
from submit_fn.service.storage import Storage
from tests.conftest import ROOT
from tests.servers import RECEIPT_KEY, free_port

BIN = Path(sys.executable).parent
STARTERS = {
    "import": lambda port: [sys.executable, "-c", "import submit_fn.main"],
    "gunicorn": lambda port: [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "submit_fn.main:app"],
    "functions-framework": lambda port: [str(BIN / "functions-framework"), "--source", str(ROOT / "submit_fn" / "main.py"),
                                         "--target", "submit", "--port", str(port), "--host", "127.0.0.1"],
}


def start(tmp_path: Path, env: dict, starter: str = "import") -> list[str]:
    """Start the function as a real process with this environment; the lines of its standard error."""
    base = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "RECEIPT_KEY", "OFFICE_TOKENS")}
    result = subprocess.run(
        STARTERS[starter](free_port()), cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        env=base | {"VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)} | env,
    )
    assert result.returncode != 0, "the function started"
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.strip()]


def message(lines: list[str]) -> str:
    """The configuration message: the last line (gunicorn and functions-framework add their own before it)."""
    return lines[-1]


def key_file(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "receipt.key").write_bytes(content)


@pytest.mark.parametrize("content", [b"", b"truncated-key-0123", b" " * 40 + b"\n", b"\n\n"], ids=["empty", "truncated", "spaces", "newlines"])
def test_a_key_file_too_short_or_blank_stops_start_up(tmp_path, content):
    key_file(tmp_path, content)
    lines = start(tmp_path, {})
    assert lines == [message(lines)]
    assert "receipt.key holds no usable key (under 32 bytes" in message(lines)
    assert content.strip().decode() not in message(lines) or not content.strip()


@pytest.mark.parametrize("value", [" " * 40, "k" * 31, "\t" * 8 + "k" * 30 + "\n"], ids=["spaces", "31", "padded-30"])
def test_a_receipt_key_from_the_environment_too_short_or_blank_stops_start_up(tmp_path, value):
    lines = start(tmp_path, {"RECEIPT_KEY": value})
    assert lines == [message(lines)] and "RECEIPT_KEY must be at least 32 characters, spaces not counted" in message(lines)
    assert value.strip() not in message(lines) or not value.strip()


@pytest.mark.parametrize("token", ["t" * 31, "t" * 31 + "é", "t" * 20 + "ưu-tiên-tỉnh-01"], ids=["31", "non-ascii", "vietnamese"])
def test_an_office_token_short_or_not_ascii_stops_start_up(tmp_path, token):
    lines = start(tmp_path, {"RECEIPT_KEY": RECEIPT_KEY.decode(), "OFFICE_TOKENS": f"{'o' * 40},{token}"})
    assert lines == [message(lines)] and message(lines).startswith("OFFICE_TOKENS: every token must be at least 32 printable ASCII")
    assert token not in "\n".join(lines)


def test_a_new_key_is_written_whole_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("RECEIPT_KEY", raising=False)
    monkeypatch.delenv("K_SERVICE", raising=False)
    monkeypatch.setattr("submit_fn.service.settings.VAR_DIR", tmp_path / "var")
    first = load_settings().receipt_key
    written = tmp_path / "var" / "receipt.key"
    assert len(first) >= 32 and written.read_bytes().strip() == first
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert sorted(p.name for p in written.parent.iterdir()) == ["receipt.key"]  # no temporary file left
    assert load_settings().receipt_key == first


def test_a_var_folder_that_cannot_be_written_stops_start_up(tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where var/ should be")
    lines = start(tmp_path, {"VAR_DIR": str(tmp_path / "not-a-folder" / "var")})
    assert lines == [message(lines)]
    assert message(lines).endswith("receipt.key cannot be written or read (Not a directory): "
                                   f"make {tmp_path / 'not-a-folder' / 'var'} writable, or set RECEIPT_KEY")


def sqlite_database_with_rows(path: Path, rows: int = 300) -> None:
    storage = Storage(f"sqlite:///{path}")
    for n in range(rows):
        storage.start_session(f"session-{n:04d}" + "x" * 200, "nobody", "csrf", "2026-01-01T00:00:00+07:00")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not a database " * 200)


def truncate_to_half(path: Path) -> None:
    sqlite_database_with_rows(path)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


def truncate_the_last_page(path: Path) -> None:
    sqlite_database_with_rows(path)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size - 4096)


@pytest.mark.parametrize(("damage", "says"), [
    (corrupt, "the file is not a SQLite database"),
    (truncate_to_half, "the file is truncated"),
    (truncate_the_last_page, "the file is truncated"),
    (lambda path: path.write_bytes(b""), "the file is empty: restore it, or remove it to start a new database"),
], ids=["corrupt", "half", "last-page", "empty"])
def test_a_damaged_sqlite_database_stops_start_up(tmp_path, damage, says):
    database = tmp_path / "damaged.sqlite3"
    damage(database)
    lines = start(tmp_path, {"RECEIPT_KEY": RECEIPT_KEY.decode(), "DATABASE_URL": f"sqlite:///{database}"})
    assert lines == [message(lines)]
    assert message(lines).startswith(f"DATABASE_URL: the SQLite database {database} cannot be used ({says}")


@pytest.mark.parametrize("starter", ["gunicorn", "functions-framework"])
def test_a_server_that_cannot_open_the_database_stops_with_the_message_not_a_loop_of_tracebacks(tmp_path, starter):
    database = tmp_path / "damaged.sqlite3"
    corrupt(database)
    lines = start(tmp_path, {"RECEIPT_KEY": RECEIPT_KEY.decode(), "DATABASE_URL": f"sqlite:///{database}"}, starter)
    assert message(lines).startswith(f"DATABASE_URL: the SQLite database {database} cannot be used (the file is not a SQLite database)") \
        or any(line.startswith(f"DATABASE_URL: the SQLite database {database}") for line in lines)


def test_a_sqlite_database_in_a_folder_that_cannot_be_made_stops_start_up(tmp_path):
    (tmp_path / "file").write_text("")
    lines = start(tmp_path, {"RECEIPT_KEY": RECEIPT_KEY.decode(), "DATABASE_URL": f"sqlite:///{tmp_path / 'file' / 'db.sqlite3'}"})
    assert lines == [message(lines)] and "cannot be used (its folder cannot be made: File exists)" in message(lines)


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://bhtn:pa55word-secret@127.0.0.1:{port}/bhtn", "DATABASE_URL: PostgreSQL at 127.0.0.1:{port}/bhtn cannot be used (connection"),
    ("postgresql://bhtn:pa55word-secret@127.0.0.1:notaport/bhtn", "DATABASE_URL: PostgreSQL at 127.0.0.1:notaport/bhtn cannot be used ("),
    ("postgresql://bhtn:pa55word-secret@127.0.0.1:{port}/bhtn?sslmode=sometimes", "DATABASE_URL: PostgreSQL at 127.0.0.1:{port}/bhtn cannot be used ("),
], ids=["server-down", "bad-port", "bad-option"])
def test_a_postgresql_server_that_does_not_answer_or_a_bad_url_stops_start_up_without_the_password(tmp_path, url, says):
    port = free_port()  # nothing listens there
    lines = start(tmp_path, {"RECEIPT_KEY": RECEIPT_KEY.decode(), "DATABASE_URL": url.format(port=port)})
    assert lines == [message(lines)] and message(lines).startswith(says.format(port=port))
    assert message(lines).endswith("start the server or correct DATABASE_URL")
    assert "pa55word-secret" not in "\n".join(lines)
