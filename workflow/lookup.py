"""The check by number and IIN: what employers do where a QR is torn or photocopied badly.

A document's registration number (or its id) and the holder's IIN find its public view —
the same verdict and facts as the QR. The IIN is never stored: only a keyed hash (HMAC-SHA256
under a key derived from the server's token key), compared in constant time. A wrong number
and a wrong IIN answer the same "not found" after the same work: one hash, one candidate
query, one compare per candidate (a dummy one when there is none), one document read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

from registry import NotFound
from registry.lookup import backfill_lookup, lookup_candidates
from signing.tokens import TokenKey
from workflow.context import Context
from workflow.public import PublicView, view_of

__all__ = ["backfill_lookups", "check_by_number", "iin_hash", "lookup_columns", "lookup_key"]

log = logging.getLogger("qujat.verify")

_DUMMY_HASH = "0" * 64
_NOT_FOUND = "no document with this number and IIN"
_MAX_NUMBER = 200


def lookup_key(token_key: TokenKey) -> bytes:
    """The key of the IINs' hashes, derived from the token key (one secret fewer to keep;
    rotating the token key means re-filling the hashes: ``Registry`` backfill at start)."""
    secret = token_key.private_key.private_numbers().private_value.to_bytes(32, "big")
    return hmac.new(secret, b"qujat/iin-lookup/v1", hashlib.sha256).digest()


def iin_hash(ctx_or_key: Context | bytes, iin: str) -> str:
    """HMAC-SHA256 (hex) of an IIN under the lookup key."""
    key = ctx_or_key if isinstance(ctx_or_key, bytes) else lookup_key(ctx_or_key.token_key)
    return hmac.new(key, iin.strip().encode(), hashlib.sha256).hexdigest()


def lookup_columns(ctx: Context, summary: dict[str, Any]) -> dict[str, str | None]:
    """What a new document is found by: its stated registration number and its holder's
    IIN hash (``NewDocument.registration_number`` / ``holder_iin_hash``)."""
    number, iin = summary.get("registration_number"), summary.get("iin")
    return {
        "registration_number": number[:_MAX_NUMBER] if isinstance(number, str) and number else None,
        "holder_iin_hash": iin_hash(ctx, iin) if isinstance(iin, str) and iin else None,
    }


def check_by_number(ctx: Context, number: str, iin: str, via: str = "json") -> PublicView:
    """The public view of the document ``number`` (registration number or id) whose holder
    has ``iin``; :class:`~registry.NotFound` for any mismatch, the same for all of them.
    Logged with the outcome and latency only (never the IIN, never the number)."""
    started = time.perf_counter()
    wanted = iin_hash(ctx, iin)
    number = number.strip()[:_MAX_NUMBER]
    candidates = lookup_candidates(ctx.registry, number) if number else []
    match: str | None = None
    for doc_id, stored in candidates or [("", _DUMMY_HASH)]:
        # every candidate is compared, the match is not a shortcut
        same = hmac.compare_digest(wanted, stored or _DUMMY_HASH)
        if same and doc_id and match is None:
            match = doc_id
    record = ctx.registry.find(match or "a" * 32)  # the same read on both paths
    found = match is not None and record is not None
    log.info(
        "lookup by-number found=%s via=%s ms=%.1f",
        found,
        via,
        (time.perf_counter() - started) * 1000,
    )
    if not found or record is None:
        raise NotFound(_NOT_FOUND)
    return view_of(ctx, record)


def backfill_lookups(ctx: Context) -> int:
    """Give documents registered before the lookup columns their IIN hash (at start-up)."""
    key = lookup_key(ctx.token_key)
    return backfill_lookup(ctx.registry, lambda iin: iin_hash(key, iin))
