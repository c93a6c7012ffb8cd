"""What the background LTV upgrader reads and writes: documents whose current file is below
B-LTA (issued or countersigned with a signature timestamp only), and the move of a document
to its upgraded file.

A document's current file is ``documents.sha256``; countersignatures move it forward by
compare-and-set, and so does :func:`advance`: an upgrade computed on a file a countersigner
replaced meanwhile is dropped (and redone on the new file), never recorded over it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Exists, and_, exists, func, select, update

from registry.models import DocumentRow
from registry.models_signing import SigningSessionRow
from registry.records import DocumentRecord
from registry.revisions import DocumentRevisionRow, RevisionRecord, next_revision_row
from registry.store import Registry, _to_record, transaction

__all__ = ["advance", "count_documents", "pending_upgrades"]


def pending_upgrades(
    registry: Registry, *, now: datetime, target: str = "B-LTA", limit: int = 50
) -> list[DocumentRecord]:
    """Documents (not revoked) whose current file is recorded at a level below ``target``,
    oldest change first. A document with an external signature prepared on its current file
    and still open waits: upgrading it would make that signature stale."""
    sessions = registry.sessions
    open_session = _open_session(DocumentRow.id, DocumentRow.sha256, now)
    query = (
        select(DocumentRow)
        .join(
            DocumentRevisionRow,
            and_(
                DocumentRevisionRow.document_id == DocumentRow.id,
                DocumentRevisionRow.sha256 == DocumentRow.sha256,
            ),
        )
        .where(DocumentRevisionRow.level != target, DocumentRow.status != "revoked")
        .where(~open_session)
        .order_by(DocumentRow.updated_at, DocumentRow.id)
        .limit(limit)
    )
    with transaction(sessions) as s:
        return [_to_record(row) for row in s.scalars(query)]


def advance(
    registry: Registry,
    record: DocumentRecord,
    pdf: bytes,
    *,
    level: str,
    reason: str,
    archive_timestamp_at: datetime | None,
    tsa_expires_at: datetime | None,
    now: datetime,
) -> RevisionRecord | None:
    """Make ``pdf`` the document's current file if it still is at ``record.sha256``, and
    record it as its next revision; ``None`` (nothing changed) if the file moved meanwhile."""
    digest = registry.files.put(pdf)
    sessions = registry.sessions
    with transaction(sessions) as s:  # the move and its revision together, or neither
        moved = s.execute(
            update(DocumentRow)
            .where(DocumentRow.id == record.id, DocumentRow.sha256 == record.sha256)
            .values(sha256=digest, updated_at=now)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return None
        # a signature prepared on the old file since the pending list was read: it wins (its
        # prepare locked the row, so this statement sees it); the upgrade waits for it
        if s.scalar(select(_open_session(record.id, record.sha256, now))):
            s.rollback()
            return None
        row = next_revision_row(
            s, record.id, digest, level=level, reason=reason, now=now,
            archive_timestamp_at=archive_timestamp_at, tsa_expires_at=tsa_expires_at,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return RevisionRecord(
            row.document_id, row.revision, row.sha256, row.level, row.reason,
            row.archive_timestamp_at, row.created_at, row.tsa_expires_at,
        )  # fmt: skip


def count_documents(registry: Registry, *, after: str | None = None) -> int:
    """How many documents there are (with ids after ``after``): a renewal run's total."""
    sessions = registry.sessions
    query = select(func.count()).select_from(DocumentRow)
    if after is not None:
        query = query.where(DocumentRow.id > after)
    with transaction(sessions) as s:
        return int(s.scalar(query) or 0)


def _open_session(doc_id: Any, sha256: Any, now: datetime) -> Exists:
    """An external signature prepared on ``sha256`` of ``doc_id``, still open at ``now``."""
    return exists().where(
        SigningSessionRow.document_id == doc_id,
        SigningSessionRow.base_sha256 == sha256,
        SigningSessionRow.completed_at.is_(None),
        SigningSessionRow.expires_at > now,
    )
