"""The function's configuration, read once from the environment, with clear start-up errors."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from submit_fn.service.files import create_whole, write_synced

VAR_DIR = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parents[2] / "var"))


MAX_BODY_BYTES = 64 * 1024
MAX_PDF_BYTES = 2 * 1024 * 1024  # a filled PDF form is about 90 KB; a reader's save adds little
MAX_UPLOAD_BYTES = 10 * 5_000_000 + 256 * 1024  # a multipart post: 10 documents of 5 MB (documents.py), answers, part headers
LOCAL_BASE_URL = "http://127.0.0.1:8000"  # the local run's address (build.py serve sets PUBLIC_BASE_URL to its own)


class ConfigError(RuntimeError):
    """The function cannot start: the message says which variable to set and how."""


@dataclass(frozen=True)
class OfficeToken:
    """A bearer token of OFFICE_TOKENS: `TOKEN` sees every province, `TOKEN:01+79` only those."""

    token: str
    provinces: frozenset[str] | None = None


@dataclass(frozen=True)
class Settings:
    database_url: str
    receipt_key: bytes
    office_tokens: tuple[OfficeToken, ...]
    allowed_origins: tuple[str, ...]
    max_body_bytes: int = MAX_BODY_BYTES
    max_pdf_bytes: int = MAX_PDF_BYTES
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    public_base_url: str = LOCAL_BASE_URL  # PUBLIC_BASE_URL: where printed links and QR codes point, never the request's Host
    trusted_proxy_count: int = 0  # TRUSTED_PROXY_COUNT: proxies in front whose X-Forwarded-* headers are believed


def _deployed() -> bool:
    return bool(os.environ.get("K_SERVICE"))  # Cloud Functions / Cloud Run set it; the local run does not


MIN_KEY_BYTES = 32
NEW_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def _receipt_key() -> bytes:
    if os.environ.get("RECEIPT_KEY"):
        key = os.environ["RECEIPT_KEY"].encode()
        if len(key.strip()) < MIN_KEY_BYTES:
            raise ConfigError(f"RECEIPT_KEY must be at least {MIN_KEY_BYTES} characters, spaces not counted: {NEW_KEY}")
        return key
    if _deployed():  # instances do not share a disk
        raise ConfigError("RECEIPT_KEY is not set: every instance must sign receipts with the same key")
    key_file = VAR_DIR / "receipt.key"
    try:
        if not key_file.exists():
            _write_new_key(key_file)
        key = key_file.read_bytes().strip()
    except OSError as error:
        raise ConfigError(f"{key_file} cannot be written or read ({error.strerror}): make {VAR_DIR} writable, or set RECEIPT_KEY") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"{key_file} holds no usable key (under {MIN_KEY_BYTES} bytes, spaces not counted): restore it, "
                          "or remove it to have a new one made (receipts signed with the old key then fail verification)")
    return key


def _write_new_key(key_file: Path) -> None:
    """A new key, whole or not at all; if another process made one first, that one is kept, so
    that every worker signs with the same key."""
    create_whole(key_file, lambda temporary: write_synced(temporary, secrets.token_urlsafe(MIN_KEY_BYTES)))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{VAR_DIR / 'submissions.sqlite3'}"
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url.split(':', 1)[0]!r}")
    return url


def _public_base_url() -> str:
    url = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if not url and _deployed():
        raise ConfigError("PUBLIC_BASE_URL is not set: receipts' links and QR codes must point at the site, e.g. https://bhtn.example.gov.vn")
    if not url:
        return LOCAL_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError("PUBLIC_BASE_URL must be the site's address, https://host, without ?, # or a trailing slash, e.g. https://bhtn.example.gov.vn")
    return url


def _trusted_proxy_count() -> int:
    count = os.environ.get("TRUSTED_PROXY_COUNT", "0").strip() or "0"
    if not (count.isascii() and count.isdigit() and int(count) <= 5):
        raise ConfigError("TRUSTED_PROXY_COUNT must be how many proxies in front of the function set X-Forwarded-For: 0 (none) to 5, e.g. 1 behind one load balancer")
    return int(count)


def _listed(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


MIN_TOKEN_CHARACTERS = 32


def _office_token(entry: str) -> OfficeToken:
    token, scoped, provinces = entry.partition(":")
    token = token.strip()
    if len(token) < MIN_TOKEN_CHARACTERS or not token.isascii() or not token.isprintable() or " " in token:
        raise ConfigError(
            f"OFFICE_TOKENS: every token must be at least {MIN_TOKEN_CHARACTERS} printable ASCII characters without spaces: " + NEW_KEY
        )
    if not scoped:
        return OfficeToken(token)
    from submit_fn.model.divisions import province_codes

    codes = frozenset(code.strip() for code in provinces.split("+"))
    if not codes or not codes <= province_codes():
        raise ConfigError("OFFICE_TOKENS: write a token's provinces as 2-digit province codes joined by +, e.g. TOKEN:01+79")
    return OfficeToken(token, codes)


def load_settings() -> Settings:
    return Settings(
        database_url=_database_url(),
        receipt_key=_receipt_key(),
        office_tokens=tuple(_office_token(entry) for entry in _listed("OFFICE_TOKENS")),
        allowed_origins=_listed("ALLOWED_ORIGINS"),
        public_base_url=_public_base_url(),
        trusted_proxy_count=_trusted_proxy_count(),
    )
