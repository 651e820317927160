"""Receipts: ids a person can read aloud and type, due dates in working days, signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime

from submit_fn.model.procedures import VIETNAM, Procedure
from submit_fn.model.working_days import working_days_after

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
RANDOM_CHARACTERS = 15  # 75 random bits
READ_AS = {"O": "0", "I": "1", "L": "1"}
SIGNED_FIELDS = ("id", "procedure", "schema_version", "received_at", "due_date")


class ReceiptIdError(ValueError):
    """Not a receipt id; `mistyped` when it has the right form but its check character fails."""

    def __init__(self, mistyped: bool) -> None:
        self.mistyped = mistyped
        super().__init__("mistyped receipt id" if mistyped else "not a receipt id")


def _check_character(body: str) -> str:
    """Luhn mod 32: catches every single wrong character and most swapped neighbours."""
    total, factor = 0, 2
    for character in reversed(body):
        addend = factor * ALPHABET.index(character)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_receipt_id() -> str:
    bits = secrets.randbits(5 * RANDOM_CHARACTERS)
    body = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_CHARACTERS))
    plain = body + _check_character(body)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def parse_receipt_id(text: str) -> str:
    """The canonical id from what a person typed: any case, dashes or spaces, O for 0, I or L for 1."""
    plain = "".join(READ_AS.get(c, c) for c in text.upper() if c not in "- ")
    if len(plain) != RANDOM_CHARACTERS + 1 or any(c not in ALPHABET for c in plain):
        raise ReceiptIdError(mistyped=False)
    if _check_character(plain[:-1]) != plain[-1]:
        raise ReceiptIdError(mistyped=True)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def sign(receipt: dict, key: bytes) -> str:
    """HMAC-SHA256 over the receipt's fields, 80 bits in base 32: short enough to print and type."""
    canonical = json.dumps({name: receipt.get(name) for name in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":"))
    digest = hmac.new(key, canonical.encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode()


def signature_matches(receipt: dict, signature: str, key: bytes) -> bool:
    typed = signature.strip().upper().replace(" ", "")
    return hmac.compare_digest(sign(receipt, key).encode(), typed.encode("utf-8", "replace"))  # bytes: any text compares


def verification_url(base_url: str, receipt: dict) -> str:
    """What a printed receipt's QR code and link open: <PUBLIC_BASE_URL>/xac-minh/<id>?signature=…"""
    return f"{base_url.rstrip('/')}/xac-minh/{receipt['id']}?signature={receipt['signature']}"


def make_receipt(procedure: Procedure, received_at: datetime, key: bytes) -> dict:
    received_at = received_at.astimezone(VIETNAM).replace(microsecond=0)
    days = procedure.processing_working_days
    receipt = {
        "id": new_receipt_id(),
        "procedure": procedure.id,
        "schema_version": procedure.version,
        "received_at": received_at.isoformat(),
        "due_date": working_days_after(received_at.date(), days).isoformat() if days is not None else None,
    }
    receipt["signature"] = sign(receipt, key)
    return receipt
