"""What the registry hands out: frozen records, never live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from forms.types import Lifecycle

__all__ = ["ApiKeyRecord", "DocumentRecord", "NewDocument", "SignatureRecorded"]


@dataclass(frozen=True)
class NewDocument:
    """A document about to be registered, with its signed PDF."""

    id: str
    """Random id (base32 of 160 bits)."""
    form: str
    """Form id."""
    lang: str
    """``kk`` or ``ru``."""
    status: str
    """``issued`` or ``awaiting-signatures``."""
    case_data: dict[str, Any]
    """The validated case, as JSON."""
    summary: dict[str, Any]
    """What the public page may show (never a full IIN: masked when read out)."""
    signatures: list[dict[str, Any]]
    """Signatures so far: field, role, signer, signed_at."""
    holder_name: str | None
    """The person the document is about."""
    valid_until: date | None
    """Computed end of validity."""
    organisation: str
    """The client organisation that issued it (tenancy)."""
    api_key_id: str | None
    """The key it was issued with."""
    protocol_id: str | None = None
    """The protocol the document rests on, if any."""
    idempotency_key: str | None = None
    """The client's Idempotency-Key."""
    request_sha256: str | None = None
    """Hash of the request body, to tell a retry from a different request under one key."""
    status_index: int | None = None
    """The document's bit in the revocation status list (:meth:`Registry.pick_status_index`)."""
    rulebook_id: str = "kz-attestation-pilot-2024"
    """The rulebook the document was made under (``forms.rulebooks``)."""
    issued_outside_period: bool = False
    """Issued though its decisive date lies outside the rulebook's period of force."""
    registration_number: str | None = None
    """The number the document states (certificates, notes), for the check by number + IIN."""
    holder_iin_hash: str | None = None
    """Keyed hash (HMAC-SHA256, hex) of the holder's IIN: found, never read back."""


@dataclass(frozen=True)
class DocumentRecord:
    """A registered document."""

    id: str
    form: str
    lang: str
    status: Lifecycle
    """Where the document stands (a str enum: compares and serialises as its value)."""
    sha256: str
    """SHA-256 of the current signed PDF (with every signature so far)."""
    original_sha256: str
    """SHA-256 of the PDF as first certified."""
    case_data: dict[str, Any]
    summary: dict[str, Any]
    signatures: list[dict[str, Any]]
    holder_name: str | None
    valid_until: date | None
    protocol_id: str | None
    organisation: str
    idempotency_key: str | None
    request_sha256: str | None
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    status_index: int | None = None
    rulebook_id: str = "kz-attestation-pilot-2024"
    """The rulebook the document was made under; re-validation uses its edition."""
    issued_outside_period: bool = False
    """Issued though its decisive date lies outside the rulebook's period of force."""


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key without its secret."""

    id: str
    organisation: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class SignatureRecorded:
    """One countersignature as it lands, for the events written in its transaction."""

    document: DocumentRecord
    """The document with the signature."""
    role: str
    signer_name: str
    signed_at: datetime
    signed: int
    """Required signatures made so far, this one included."""
    required: int
    """Required signatures in all."""
    complete: bool
    """Whether this was the last one."""
