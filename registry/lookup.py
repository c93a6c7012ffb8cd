"""Finding documents by what the platform and employers know: the registration number and
the holder's IIN (as a keyed hash, never the IIN), and listing an organisation's documents
in a stable order for reconciliation (keyset pagination on ``(created_at, id)``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from registry.models import DocumentRow
from registry.records import DocumentRecord
from registry.store import Registry, _to_record, transaction

__all__ = ["DocumentFilter", "backfill_lookup", "list_documents", "lookup_candidates"]

LOOKUP_CANDIDATES = 8
"""At most this many documents share one number in a lookup (each is compared)."""


@dataclass(frozen=True)
class DocumentFilter:
    """What ``GET /v1/documents`` narrows an organisation's documents to."""

    form: str | None = None
    status: str | None = None
    holder_iin_hash: str | None = None
    registration_number: str | None = None
    protocol_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    """Exclusive upper bound."""


def lookup_candidates(registry: Registry, number: str) -> list[tuple[str, str | None]]:
    """``(id, holder_iin_hash)`` of the documents whose registration number or id is
    ``number`` (at most :data:`LOOKUP_CANDIDATES`, oldest first)."""
    with transaction(registry._sessions) as s:
        rows = s.execute(
            select(DocumentRow.id, DocumentRow.holder_iin_hash)
            .where(or_(DocumentRow.registration_number == number, DocumentRow.id == number))
            .order_by(DocumentRow.created_at, DocumentRow.id)
            .limit(LOOKUP_CANDIDATES)
        ).all()
    return [(r.id, r.holder_iin_hash) for r in rows]


def backfill_lookup(registry: Registry, hash_iin: Callable[[str], str], batch: int = 500) -> int:
    """Fill the IIN hash of documents registered before migration 0012 (it needs the
    server's key, which the migration does not have); returns how many were filled."""
    filled = 0
    last = ""
    while True:
        with transaction(registry._sessions) as s:
            rows = s.execute(
                select(DocumentRow.id, DocumentRow.summary, DocumentRow.registration_number)
                .where(DocumentRow.holder_iin_hash.is_(None), DocumentRow.id > last)
                .order_by(DocumentRow.id)
                .limit(batch)
            ).all()
            for row in rows:
                iin = (row.summary or {}).get("iin")
                number = (row.summary or {}).get("registration_number")
                values: dict[str, str] = {}
                if isinstance(iin, str) and iin:
                    values["holder_iin_hash"] = hash_iin(iin)
                if row.registration_number is None and isinstance(number, str) and number:
                    values["registration_number"] = number[:200]
                if values:
                    s.execute(update(DocumentRow).where(DocumentRow.id == row.id).values(**values))
                    filled += 1
        if len(rows) < batch:
            return filled
        last = rows[-1].id


def list_documents(
    registry: Registry,
    organisation: str,
    where: DocumentFilter,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[DocumentRecord]:
    """One page of the organisation's documents, oldest first, after the ``(created_at,
    id)`` of the previous page's last one."""
    query = select(DocumentRow).where(DocumentRow.organisation == organisation)
    exact = {
        DocumentRow.form: where.form,
        DocumentRow.status: where.status,
        DocumentRow.holder_iin_hash: where.holder_iin_hash,
        DocumentRow.registration_number: where.registration_number,
        DocumentRow.protocol_id: where.protocol_id,
    }
    for column, value in exact.items():
        if value is not None:
            query = query.where(column == value)
    if where.created_from is not None:
        query = query.where(DocumentRow.created_at >= where.created_from)
    if where.created_to is not None:
        query = query.where(DocumentRow.created_at < where.created_to)
    if after is not None:
        at, doc_id = after
        query = query.where(
            or_(
                DocumentRow.created_at > at,
                and_(DocumentRow.created_at == at, DocumentRow.id > doc_id),
            )
        )
    query = query.order_by(DocumentRow.created_at, DocumentRow.id).limit(limit)
    with transaction(registry._sessions) as s:
        return [_to_record(r) for r in s.scalars(query)]
