"""The append-only, hash-chained audit log.

Every issuance, signature, revocation and key change appends one entry in the same
transaction as the change itself. Each entry carries the hash of the one before, so a row
altered, removed or inserted afterwards breaks the chain at that point::

    hash(n) = SHA-256(hash(n-1) ‖ canonical JSON of entry n)

Appends are serialised through the single ``audit_head`` row: the first statement of an
append is an UPDATE of that row, which takes the write lock at once on SQLite and a row
lock on PostgreSQL, so two processes never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.models import AuditEntryRow, AuditHeadRow

__all__ = ["GENESIS", "AuditEntry", "append", "append_many", "entry_hash", "verify_chain"]

GENESIS = "0" * 64
"""The 'previous hash' of the first entry."""


@dataclass(frozen=True)
class AuditEntry:
    """What happened, by whom, to what: never personal data (ids and hashes only)."""

    action: str
    """``document.issued``, ``document.signed``, ``document.revoked``, ``api_key.created``…"""
    subject: str
    """The document or key id."""
    actor: str
    """The API key id, signer id or ``cli``."""
    organisation: str
    """The organisation acting."""
    details: dict[str, Any]
    """Hashes, form ids, field names — nothing that identifies a person."""


_HEAD = cast(Table, AuditHeadRow.__table__)
_RESERVE = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq + bindparam("n"))
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
"""Take the head's lock and reserve ``n`` numbers; the last of them and the chain's hash
(one statement: SQLite ≥ 3.35 and PostgreSQL return the updated row)."""
_INSERT = insert(cast(Table, AuditEntryRow.__table__))
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("last"))


def entry_hash(prev: str, seq: int, at: datetime, entry: AuditEntry) -> str:
    """The chained hash of one entry."""
    body = {
        "seq": seq,
        "at": at.isoformat(),
        "action": entry.action,
        "subject": entry.subject,
        "actor": entry.actor,
        "organisation": entry.organisation,
        "details": entry.details,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def append(session: Session, entry: AuditEntry, at: datetime) -> int:
    """Append ``entry`` inside the caller's transaction; returns its sequence number."""
    return append_many(session, [entry], at)[0]


def append_many(session: Session, entries: Sequence[AuditEntry], at: datetime) -> list[int]:
    """Append ``entries`` in order inside the caller's transaction (a group commit's
    documents); returns their sequence numbers.

    One UPDATE reserves all their numbers and returns the head — its row lock is taken
    once, by the first statement, as for a single entry — then the entries are chained in
    Python and written in one INSERT, and the head moved to the last. Core statements, no
    ORM unit of work: this is on every issuance's path.
    """
    if not entries:
        return []
    at = at.astimezone(UTC)
    last, prev = session.execute(_RESERVE, {"n": len(entries)}).one()
    seqs = list(range(last - len(entries) + 1, last + 1))
    rows = []
    for seq, entry in zip(seqs, entries, strict=True):
        digest = entry_hash(prev, seq, at, entry)
        rows.append({
            "seq": seq, "at": at, "action": entry.action, "subject": entry.subject,
            "actor": entry.actor, "organisation": entry.organisation, "details": entry.details,
            "prev_hash": prev, "hash": digest,
        })  # fmt: skip
        prev = digest
    session.execute(_INSERT, rows)
    session.execute(_MOVE_HEAD, {"last": prev})
    return seqs


def verify_chain(engine: Engine) -> int | None:
    """Recompute the chain; the sequence number of the first broken entry, or ``None``.

    Broken means: a gap or reordering in the numbers, a ``prev_hash`` that is not the
    previous entry's hash, a stored hash that does not match the entry, or a head that does
    not point at the last entry (an entry removed from the end).
    """
    prev, expected = GENESIS, 1
    with Session(engine) as session:
        for row in session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq)):
            entry = AuditEntry(row.action, row.subject, row.actor, row.organisation, row.details)
            if row.seq != expected:
                return min(row.seq, expected)  # a gap: the missing entry is the first broken
            if row.prev_hash != prev or row.hash != entry_hash(prev, row.seq, row.at, entry):
                return row.seq
            prev, expected = row.hash, expected + 1
        head = session.get(AuditHeadRow, 1)
        if head is not None and (head.seq != expected - 1 or head.hash != prev):
            return expected
    return None
