"""An organisation's documents, filtered and paged, so the platform can reconcile.

Pages are in registration order (``created_at``, then id); the cursor is opaque to the
client (base64url of the last document's position) and stable under new issuance: a new
document lands on the last page, never shifts an earlier one.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from forms.errors import ErrorDetail, FormDataInvalid
from registry import DocumentRecord
from registry.lookup import DocumentFilter, list_documents
from workflow.context import Actor, Context
from workflow.lookup import iin_hash

__all__ = ["DocumentPage", "DocumentQuery", "list_organisation_documents"]

MAX_LIMIT = 200


@dataclass(frozen=True)
class DocumentQuery:
    """What ``GET /v1/documents`` asks for (every filter optional)."""

    form: str | None = None
    status: str | None = None
    holder_iin: str | None = None
    """Matched through its keyed hash; the IIN itself is not stored."""
    registration_number: str | None = None
    protocol_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class DocumentPage:
    """One page and where the next starts (``None``: this was the last)."""

    items: list[DocumentRecord]
    next_cursor: str | None


def _encode(record: DocumentRecord) -> str:
    raw = json.dumps([record.created_at.isoformat(), record.id]).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, doc_id = json.loads(raw)
        return datetime.fromisoformat(at), str(doc_id)
    except (ValueError, TypeError, binascii.Error):
        raise FormDataInvalid(
            [ErrorDetail("cursor", "cursor", "not a cursor this server gave out")]
        ) from None


def list_organisation_documents(ctx: Context, actor: Actor, q: DocumentQuery) -> DocumentPage:
    """A page of the actor's organisation's documents matching ``q``."""
    if not 1 <= q.limit <= MAX_LIMIT:
        raise FormDataInvalid([ErrorDetail("limit", "range", f"between 1 and {MAX_LIMIT}")])
    where = DocumentFilter(
        form=q.form,
        status=q.status,
        holder_iin_hash=iin_hash(ctx, q.holder_iin) if q.holder_iin else None,
        registration_number=q.registration_number,
        protocol_id=q.protocol_id,
        created_from=q.created_from,
        created_to=q.created_to,
    )
    after = _decode(q.cursor) if q.cursor else None
    rows = list_documents(ctx.registry, actor.organisation, where, after, q.limit + 1)
    more = len(rows) > q.limit
    items = rows[: q.limit]
    return DocumentPage(items, _encode(items[-1]) if more and items else None)
