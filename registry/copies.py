"""Copies of a document rendered from its case data and kept in the file store (migration
0014): today the editable DOCX. One row per (document, kind) names the stored file, so the
consistency sweep (``qujat gc --sweep``) keeps it and every worker serves the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from registry.errors import NotFound
from registry.models import Base, UTCDateTime
from registry.store import Registry, transaction

__all__ = ["DocumentCopyRow", "copy_digests", "keep_copy", "kept_copy"]


class DocumentCopyRow(Base):
    """The stored file of one rendered copy of a document."""

    __tablename__ = "document_copies"

    document_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("documents.id"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    """``docx``."""
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def kept_copy(registry: Registry, document_id: str, kind: str) -> bytes | None:
    """The stored copy, or ``None`` when none was kept (or its file is gone: render again)."""
    with transaction(registry.sessions) as s:
        digest = s.scalar(
            select(DocumentCopyRow.sha256).where(
                DocumentCopyRow.document_id == document_id, DocumentCopyRow.kind == kind
            )
        )
    if digest is None:
        return None
    try:
        return registry.files.get(digest)
    except NotFound:
        return None


def keep_copy(
    registry: Registry, document_id: str, kind: str, data: bytes, now: datetime | None = None
) -> bytes:
    """Store ``data`` as the document's copy of ``kind``; returns the copy that is kept
    (another worker's, when it stored one first: every caller then serves the same bytes)."""
    digest = registry.files.put(data)
    try:
        with transaction(registry.sessions) as s:
            row = s.get(DocumentCopyRow, (document_id, kind))
            if row is None:
                s.add(DocumentCopyRow(document_id=document_id, kind=kind, sha256=digest,
                                      created_at=now or datetime.now(UTC)))  # fmt: skip
                return data
            if row.sha256 != digest and registry.files.exists(row.sha256):
                return registry.files.get(row.sha256)
            row.sha256 = digest  # its file was lost: this one replaces it
            return data
    except IntegrityError:  # a racing worker inserted first
        kept = kept_copy(registry, document_id, kind)
        return data if kept is None else kept


def copy_digests(registry: Registry) -> set[str]:
    """The files of every kept copy (the consistency check counts them as referenced)."""
    with transaction(registry.sessions) as s:
        return set(s.scalars(select(DocumentCopyRow.sha256)))
