"""The offline formats, defined once: what :mod:`signing.tokens` writes and
:mod:`verify.offline` reads.

A token is ``QJ1:`` + RFC 4648 base32 (no padding) of a COSE_Sign1 (RFC 9052, tag 18,
ES256), zlib-compressed when that is shorter, over a CBOR map with integer keys
(:class:`Claim`). Dates are days since 1970-01-01 (RFC 8943 style); the document id is the
20 bytes its base32 letters encode. The status list is a W3C Bitstring Status List of at
least :data:`MIN_STATUS_LIST_BITS` bits.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum

from forms.types import ID_BYTES, id_from_number, id_to_number

__all__ = [
    "COSE_ALG",
    "COSE_KID",
    "COSE_SIGN1_TAG",
    "EPOCH",
    "ES256",
    "MIN_STATUS_LIST_BITS",
    "TOKEN_PREFIX",
    "Claim",
    "date_of_days",
    "days_of",
    "id_of_bytes",
    "id_to_bytes",
]

TOKEN_PREFIX = "QJ1:"
"""What every token starts with (the format's version)."""
COSE_SIGN1_TAG = 18
"""CBOR tag of a COSE_Sign1 structure."""
COSE_ALG, COSE_KID = 1, 4
"""Header labels: the algorithm and the key id."""
ES256 = -7
"""COSE algorithm id of ECDSA P-256 with SHA-256."""
EPOCH = date(1970, 1, 1)
"""Day 0 of the token's dates."""
MIN_STATUS_LIST_BITS = 131_072
"""16 KiB of bits: the W3C Bitstring Status List's minimum, so one list hides many documents;
the registry picks status indexes below it first."""


class Claim(IntEnum):
    """The token's claims, by their integer key (integer keys keep the token small)."""

    DOCUMENT_ID = 0
    """bytes: the base32 id decoded (20 bytes); text for an id of another shape."""
    FORM = 1
    """text, e.g. ``qualification-certificate``."""
    HOLDER_NAME = 2
    """text or null."""
    CATEGORY = 3
    """text (a category code) or null."""
    VALID_UNTIL = 4
    """days since 1970-01-01, or null."""
    ISSUED_ON = 5
    """days since 1970-01-01."""
    STATUS_INDEX = 6
    """unsigned integer or null: the document's bit in the status list."""


def days_of(day: date) -> int:
    """``day`` as days since :data:`EPOCH`."""
    return (day - EPOCH).days


def date_of_days(days: int) -> date:
    """The day ``days`` after :data:`EPOCH`."""
    return EPOCH + timedelta(days=days)


def id_to_bytes(doc_id: str) -> bytes | str:
    """A registry id as the 20 bytes it encodes (an id of another shape stays text)."""
    value = id_to_number(doc_id)
    return doc_id if value is None else value.to_bytes(ID_BYTES, "little")


def id_of_bytes(raw: bytes) -> str:
    """The registry id 20 bytes encode."""
    return id_from_number(int.from_bytes(raw, "little"))
