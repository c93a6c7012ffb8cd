"""Tables of countersigning (migration 0004): signers, required signers, sessions, links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.models import Base, UTCDateTime

__all__ = [
    "RequiredSignerRow",
    "SignerRow",
    "SigningLinkRow",
    "SigningPlanRow",
    "SigningSessionRow",
]


class SignerRow(Base):
    """A person who countersigns, registered with their X.509 certificate."""

    __tablename__ = "signers"
    __table_args__ = (
        UniqueConstraint("organisation", "certificate_sha256", name="uq_signers_certificate"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(500))
    iin: Mapped[str | None] = mapped_column(String(12), nullable=True)
    affiliation: Mapped[str | None] = mapped_column(String(500), nullable=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    key_location: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RequiredSignerRow(Base):
    """One signature a document waits for (or has): role, order, field, when signed."""

    __tablename__ = "document_signers"
    __table_args__ = (
        UniqueConstraint("document_id", "field_name", name="uq_document_signers_field"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(32), ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(500))
    signer_id: Mapped[str] = mapped_column(String(32), ForeignKey("signers.id"))
    field_name: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SigningPlanRow(Base):
    """How a document's countersigning proceeds and what follows it."""

    __tablename__ = "signing_plans"

    document_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("documents.id"), primary_key=True
    )
    order_rule: Mapped[str] = mapped_column(String(32))
    follow_up: Mapped[dict[str, Any]] = mapped_column(JSON)
    derived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SigningSessionRow(Base):
    """An external signature in progress; the prepared PDF is in the file store."""

    __tablename__ = "signing_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(32), ForeignKey("documents.id"))
    required_signer_id: Mapped[int] = mapped_column(Integer, ForeignKey("document_signers.id"))
    base_sha256: Mapped[str] = mapped_column(String(64))
    prepared_sha256: Mapped[str] = mapped_column(String(64))
    digest_algorithm: Mapped[str] = mapped_column(String(16))
    document_digest: Mapped[str] = mapped_column(String(128))
    reserved_start: Mapped[int] = mapped_column(Integer)
    reserved_end: Mapped[int] = mapped_column(Integer)
    signed_attrs: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SigningLinkRow(Base):
    """A one-time link to the signing page; only the token's hash is kept."""

    __tablename__ = "signing_links"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(32), ForeignKey("documents.id"))
    required_signer_id: Mapped[int] = mapped_column(Integer, ForeignKey("document_signers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
