"""What comes in and what goes out of the HTTP API: separate types for each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.signatures import FollowUp, SignerCertificate, SignersIn

__all__ = [
    "DocumentCreate",
    "DocumentPublic",
    "FormPublic",
    "FormsPublic",
    "RevokeRequest",
    "SignaturePublic",
    "VerificationPublic",
]


class DocumentCreate(BaseModel):
    """``POST /v1/documents``."""

    model_config = ConfigDict(extra="forbid")

    form: str = Field(
        max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$", examples=["qualification-certificate"]
    )
    lang: Literal["kk", "ru"] = "kk"
    data: dict[str, Any]
    protocol_id: str | None = Field(default=None, max_length=32, pattern=r"^[a-z0-9]+$")
    signers: SignersIn | None = Field(
        default=None,
        description="Countersigners: required for protocols (chair, members "
        "present, secretary → signer ids); optional for extracts (secretary)",
    )
    follow_up: FollowUp | None = Field(
        default=None, description="Protocols: the extracts and certificates that follow"
    )


class SignaturePublic(BaseModel):
    field: str
    role: str
    signer: str
    signed_at: datetime | None = None
    certificate: SignerCertificate | None = None
    """What the signer's certificate says (the IIN masked); on the public view."""


class ProofPublic(BaseModel):
    """One signature as its file states it: claimed time, proven time, PAdES level."""

    model_config = ConfigDict(from_attributes=True)

    field: str
    signed_at: datetime | None = None
    """The signer's claim."""
    proven_at: datetime | None = None
    """The time its earliest covering RFC 3161 timestamp proves."""
    level: str


class LtvPublic(BaseModel):
    """The long-term validation state of a document's current file."""

    model_config = ConfigDict(from_attributes=True)

    level: str | None = None
    """B-B, B-T, B-LT or B-LTA; ``null`` for a document issued before levels were kept."""
    upgrade_pending: bool = False
    """Below B-LTA for now: the server adds the validation data and archive timestamp
    shortly (or retries while the time-stamping authority does not answer)."""
    revision: int | None = None
    revisions: int = 0
    archive_timestamp_at: datetime | None = None
    """The time of the current file's last document (archive) timestamp."""
    renewed_at: datetime | None = None
    """When its archive timestamp was last renewed (``null``: not yet)."""
    signatures: list[ProofPublic] = Field(default_factory=list)


class Links(BaseModel):
    self: str
    pdf: str
    docx: str
    verify: str


class DocumentPublic(BaseModel):
    """A document as its issuer sees it."""

    id: str
    form: str
    lang: str
    status: str
    sha256: str
    verify_url: str
    holder_name: str | None
    valid_until: date | None
    protocol_id: str | None
    created_at: datetime
    revoked_at: datetime | None = None
    signatures: list[SignaturePublic]
    required_signers: list[dict[str, Any]] = Field(default_factory=list)
    computed: dict[str, Any] = Field(
        default_factory=dict,
        description="What the server computed from the case: totals, thresholds, the "
        "recommended category, valid-until (never trusted from input)",
    )
    links: Links
    rulebook: dict[str, Any] | None = None
    """The rulebook the document was made under: id, title (kk, ru), source, period."""
    issued_outside_period: bool = False
    """True when it was issued though dated outside that rulebook's period of force."""
    level: str | None = None
    """The PAdES level of the current file (B-B, B-T, B-LT, B-LTA)."""
    ltv: LtvPublic | None = None


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class FormPublic(BaseModel):
    id: str
    title_kk: str
    title_ru: str
    source: str
    languages: list[str]
    signing: str
    signature_roles: list[str]
    links: dict[str, str]


class FormDetailPublic(FormPublic):
    """One form with the rulebook of its current edition and its declared deviations."""

    rulebook: dict[str, Any]
    """The current edition's rulebook (as ``GET /v1/rulebooks/{id}``)."""
    deviations: list[dict[str, str]]
    """Every place the form departs from its seed: kind, the seed's words, what it prints,
    why, where."""
    editions: list[dict[str, Any]]
    """Every edition of the form, newest rulebook first: rulebook id and period."""


class FormsPublic(BaseModel):
    forms: list[FormPublic]
    count: int


class HolderPublic(BaseModel):
    name: str | None
    iin_masked: str | None = None


class VerificationPublic(BaseModel):
    """What anyone may learn about a document id: no more than an employer needs."""

    id: str
    status: str
    form: str | None = None
    form_title: dict[str, str] | None = None
    holder: HolderPublic | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    issued_at: datetime | None = None
    """When the registry recorded the document."""
    issued_on: date | None = None
    """The issue date the document itself states (its registration time when it states none)."""
    valid_until: date | None = None
    revoked_at: datetime | None = None
    signatures: list[SignaturePublic] = Field(default_factory=list)
    sha256: str | None = None
    rulebook: dict[str, Any] | None = None
    """The rulebook the document was made under: id, title (kk, ru), source, period."""
    issued_outside_period: bool = False
    """True when it was issued though dated outside that rulebook's period of force."""
    level: str | None = None
    """The PAdES level of the current file (B-B, B-T, B-LT, B-LTA)."""
    ltv: LtvPublic | None = None
