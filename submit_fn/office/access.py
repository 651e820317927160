"""Who is asking, and what they may see: bearer tokens for the API, named accounts with a session
cookie for the pages, their provinces, passwords (argon2), CSRF tokens and sign-in rate limits.

Sessions are rows in the database (the cookie holds a random token; only its SHA-256 is stored)
rather than signed cookies: signing out, a new password or a disabled account ends them at once,
idle expiry is decided by the server, and there is no extra signing key to deploy and rotate.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from submit_fn.model.procedures import VIETNAM
from submit_fn.service.problems import Problem
from submit_fn.service.settings import OfficeToken
from submit_fn.service.storage import Account, Storage

IDLE_MINUTES = 30
LONGEST_SESSION_HOURS = 12
LOCK_MINUTES = 15
ACCOUNT_FAILURES_LOCK = 5  # wrong passwords for one account within LOCK_MINUTES
ADDRESS_FAILURES_LOCK = 20  # wrong sign-ins from one address within LOCK_MINUTES, whatever the account
ACCOUNT_NAME = r"[a-z0-9][a-z0-9._-]{1,39}"
HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters (64 MiB, 3 passes)
_UNKNOWN_ACCOUNT_HASH = HASHER.hash(secrets.token_urlsafe(16))  # verified against, so that a wrong name takes as long


@dataclass(frozen=True)
class Viewer:
    """An account or a token; `provinces` None: every province, i.e. the Department."""

    name: str
    provinces: frozenset[str] | None

    def sees(self, province: str | None) -> bool:
        return self.provinces is None or province in self.provinces

    @property
    def is_department(self) -> bool:
        return self.provinces is None


def now() -> datetime:
    return datetime.now(VIETNAM)


def stamp(moment: datetime) -> str:
    """Times of sessions, attempts and the audit log: sortable as text, to the microsecond."""
    return moment.astimezone(VIETNAM).isoformat(timespec="microseconds")


def token_name(token: str) -> str:
    """How a token is named in the audit log without writing it down: its SHA-256's first 8 hex digits."""
    return f"token {hashlib.sha256(token.encode()).hexdigest()[:8]}"


def bearer_viewer(header: str, tokens: tuple[OfficeToken, ...]) -> Viewer:
    """The token's viewer; 401 for a missing or unknown token (compared in constant time, every one)."""
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    found = None
    for known in tokens:
        if hmac.compare_digest(token.encode(), known.token.encode()) and token:
            found = known
    if found is None:
        raise Problem("unauthorized")
    return Viewer(token_name(found.token), found.provinces)


# passwords and sign-in ------------------------------------------------------


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(account: Account | None, password: str) -> bool:
    try:
        return HASHER.verify(account.password_hash if account else _UNKNOWN_ACCOUNT_HASH, password) and account is not None
    except (VerificationError, InvalidHashError):
        return False


class SignInRefused(Exception):
    """`locked`: too many failures lately, so even the right password is refused for now."""

    def __init__(self, locked: bool) -> None:
        self.locked = locked
        super().__init__("locked" if locked else "wrong name or password")


def sign_in(storage: Storage, name: str, password: str, address: str) -> tuple[Account, str, str]:
    """(account, session token for the cookie, CSRF token), or SignInRefused; every attempt recorded."""
    name = name.strip().lower()[:40]
    moment = now()
    since = stamp(moment - timedelta(minutes=LOCK_MINUTES))
    locked = (storage.recent_failures("account", name, since) >= ACCOUNT_FAILURES_LOCK
              or storage.recent_failures("address", address, since) >= ADDRESS_FAILURES_LOCK)
    account = storage.account(name)
    matches = password_matches(account, password)  # checked even when locked: the same time either way
    succeeded = matches and not locked and account is not None and not account.disabled
    storage.record_attempt(name, address, stamp(moment), succeeded, forget_before=stamp(moment - timedelta(days=1)))
    if not succeeded:
        raise SignInRefused(locked)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    storage.start_session(_token_hash(token), account.name, csrf, stamp(moment))
    if HASHER.check_needs_rehash(account.password_hash):
        storage.update_account(account.name, stamp(moment), password_hash=hash_password(password))
    return account, token, csrf


def session(storage: Storage, token: str) -> tuple[Viewer, str] | None:
    """(viewer, CSRF token) of a live session; a session idle too long, or too old, has ended."""
    if not token:
        return None
    found = storage.session(_token_hash(token))
    if found is None:
        return None
    account, csrf, started, seen = found
    moment = now()
    idle = moment - datetime.fromisoformat(seen) > timedelta(minutes=IDLE_MINUTES)
    too_old = moment - datetime.fromisoformat(started) > timedelta(hours=LONGEST_SESSION_HOURS)
    if idle or too_old:
        storage.end_session(_token_hash(token))
        return None
    if moment - datetime.fromisoformat(seen) > timedelta(minutes=1):  # one write a minute at most
        storage.touch_session(_token_hash(token), stamp(moment))
    return Viewer(account.name, account.provinces), csrf


def sign_out(storage: Storage, token: str) -> None:
    storage.end_session(_token_hash(token), stale_before=stamp(now() - timedelta(minutes=IDLE_MINUTES)))


def csrf_matches(expected: str, sent: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode("utf-8", "replace"))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
