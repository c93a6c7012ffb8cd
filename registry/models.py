"""Tables of the registry (SQLAlchemy 2). Portable SQL only: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["ApiKeyRow", "Base", "DocumentRow"]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ApiKeyRow(Base):
    """A client organisation's API key; only the SHA-256 of the secret is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(500))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DocumentRow(Base):
    """One issued document. The signed PDF lives in the file store under ``sha256``."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("organisation", "idempotency_key", name="uq_documents_idempotency"),
        Index("ix_documents_sha256", "sha256"),
        Index("ix_documents_protocol_id", "protocol_id"),
        Index("ix_documents_status_index", "status_index", unique=True),
        Index("ix_documents_registration_number", "registration_number"),
        Index("ix_documents_holder_iin_hash", "holder_iin_hash"),
        Index("ix_documents_org_created", "organisation", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    form: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    original_sha256: Mapped[str] = mapped_column(String(64))
    case_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    signatures: Mapped[list[Any]] = mapped_column(JSON)
    holder_name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    protocol_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("documents.id"), nullable=True
    )
    organisation: Mapped[str] = mapped_column(String(500))
    api_key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The document's bit in the revocation status list (random, unique; migration 0002)."""
    rulebook_id: Mapped[str] = mapped_column(String(100), default="kz-attestation-pilot-2024")
    """The rulebook the document was made under (migration 0008)."""
    issued_outside_period: Mapped[bool] = mapped_column(Boolean, default=False)
    """Issued though its decisive date lies outside the rulebook's period (policy ``issue``)."""
    registration_number: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The number the document states, if any (migration 0012)."""
    holder_iin_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """HMAC-SHA256 of the holder's IIN under the server's lookup key (migration 0012)."""


class AuditHeadRow(Base):
    """The single row every audit append updates first: the chain's last number and hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column()
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntryRow(Base):
    """One entry of the hash-chained audit log (see :mod:`registry.audit`)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
