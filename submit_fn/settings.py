"""The function's configuration, read once from the environment, with clear start-up errors."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

VAR_DIR = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


class ConfigError(RuntimeError):
    """The function cannot start: the message says which variable to set and how."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    receipt_key: bytes
    office_tokens: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    max_body_bytes: int = 64 * 1024


def _receipt_key() -> bytes:
    if os.environ.get("RECEIPT_KEY"):
        key = os.environ["RECEIPT_KEY"].encode()
        if len(key) < 32:
            raise ConfigError("RECEIPT_KEY must be at least 32 characters: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return key
    if os.environ.get("K_SERVICE"):  # Cloud Functions / Cloud Run: instances do not share a disk
        raise ConfigError("RECEIPT_KEY is not set: every instance must sign receipts with the same key")
    key_file = VAR_DIR / "receipt.key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(32))
    return key_file.read_text().strip().encode()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{VAR_DIR / 'submissions.sqlite3'}"
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url.split(':', 1)[0]!r}")
    return url


def _listed(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def load_settings() -> Settings:
    return Settings(
        database_url=_database_url(),
        receipt_key=_receipt_key(),
        office_tokens=_listed("OFFICE_TOKENS"),
        allowed_origins=_listed("ALLOWED_ORIGINS"),
    )
