"""Office storage and configuration: the province backfilled by the migration, accounts made by the
operator's command, office tokens as OFFICE_TOKENS writes them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator

import pytest

from submit_fn.service.settings import ConfigError, OfficeToken, load_settings
from submit_fn.service.storage import MIGRATIONS, Storage
from tests.conftest import ROOT
from tests.servers import postgresql


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'office.sqlite3'}"
    else:
        with postgresql() as url:
            yield url


def _connect(url: str):
    if url.startswith("sqlite"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    import psycopg

    return psycopg.connect(url, autocommit=True)


def test_submissions_stored_before_the_office_existed_get_their_province_from_their_answers(database_url):
    """A database at migration 2, as deployed before the office, is brought up to date."""
    connection = _connect(database_url)
    mark = "?" if database_url.startswith("sqlite") else "%s"
    connection.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        for statement in filter(str.strip, script.split(";")):
            connection.execute(statement)
        connection.execute(f"INSERT INTO schema_migrations VALUES ({mark}, 'then')", (version,))
    receipt = {"id": "0000-0000-0000-0000", "procedure": "tam-dung", "schema_version": "1", "received_at": "2026-01-05T08:00:00+07:00",
               "due_date": None, "signature": "X"}
    connection.execute(
        f"INSERT INTO submissions (id, procedure, schema_version, received_at, due_date, answers, receipt, body_hash) "
        f"VALUES ({', '.join([mark] * 8)})",
        (receipt["id"], "tam-dung", "1", receipt["received_at"], None, json.dumps({"centre_province": "79"}), json.dumps(receipt), "h"),
    )
    connection.close()
    stored = Storage(database_url).get(receipt["id"])
    assert stored.province == "79" and stored.standing.status == "received"


def test_the_operator_adds_an_account_with_a_password_from_standard_input_and_lists_it(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "VAR_DIR": str(tmp_path)}

    def office(*arguments: str, password: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "submit_fn.office", *arguments], input=password, env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=False)

    added = office("add-account", "hoa.nguyen", "--province", "01", "--province", "79", password="mật khẩu đủ dài\n")
    assert added.returncode == 0, added.stderr
    assert office("add-account", "so-noi-vu", "--all-provinces", password="another long password\n").returncode == 0
    assert office("add-account", "hoa.nguyen", "--province", "01", password="mật khẩu đủ dài\n").returncode == 2
    assert "12 characters" in office("add-account", "short", "--province", "01", password="short\n").stderr
    assert "not a province code: 99" in office("add-account", "x1", "--province", "99", password="long enough pass\n").stderr
    assert office("disable-account", "so-noi-vu").returncode == 0
    assert office("list-accounts").stdout.splitlines() == ["hoa.nguyen\t01+79\tenabled", "so-noi-vu\tevery province\tdisabled"]
    stored = Storage(env["DATABASE_URL"]).account("hoa.nguyen")
    assert stored.password_hash.startswith("$argon2id$") and "mật khẩu" not in stored.password_hash


@pytest.mark.parametrize(("value", "tokens"), [
    ("a" * 32, (OfficeToken("a" * 32),)),
    (f"{'b' * 40}:01+79, {'c' * 32}", (OfficeToken("b" * 40, frozenset({"01", "79"})), OfficeToken("c" * 32))),
])
def test_office_tokens_see_every_province_or_those_listed(monkeypatch, tmp_path, value, tokens):
    monkeypatch.setenv("OFFICE_TOKENS", value)
    monkeypatch.setenv("RECEIPT_KEY", "k" * 32)
    assert load_settings().office_tokens == tokens


@pytest.mark.parametrize("value", ["short-token", "a" * 32 + ":99", "a" * 32 + ":", "a" * 31 + "é", "a" * 32 + ":01+x"])
def test_an_office_token_too_short_or_with_unknown_provinces_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("OFFICE_TOKENS", value)
    monkeypatch.setenv("RECEIPT_KEY", "k" * 32)
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "OFFICE_TOKENS" in str(refused.value) and value[:20] not in str(refused.value)
