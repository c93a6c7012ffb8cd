"""What comes in and goes out of the signer and signature endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CertificateTerms",
    "CompleteRequest",
    "FollowUp",
    "PreparePublic",
    "SignRequest",
    "SignerCreate",
    "SignerPublic",
    "SignersIn",
    "SigningLinkCreate",
    "SigningLinkPublic",
]


class SignersIn(BaseModel):
    """Who countersigns a protocol (or the secretary of an extract): signer ids."""

    model_config = ConfigDict(extra="forbid")

    chair: str | None = Field(default=None, max_length=32)
    members: list[str] = Field(default_factory=list, max_length=51)
    """Every member present other than the chair, in any order (matched by name)."""
    secretary: str | None = Field(default=None, max_length=32)


class _Org(BaseModel):
    name: str = Field(max_length=500)
    bin: str | None = None


class _Order(BaseModel):
    number: str = Field(max_length=100)
    date: date


class _Head(BaseModel):
    full_name: str = Field(max_length=500)
    position: str | None = None


class CertificateTerms(BaseModel):
    """What a certificate needs beyond the protocol: the issuer, the order, the head."""

    model_config = ConfigDict(extra="forbid")

    organisation: _Org
    order: _Order
    head: _Head
    issue_date: date
    registration_prefix: str = Field(default="", max_length=50)
    """Registration numbers are this prefix and the row's number in the protocol."""


class FollowUp(BaseModel):
    """What a fully signed protocol leads to."""

    model_config = ConfigDict(extra="forbid")

    extracts: bool = True
    certificates: CertificateTerms | None = None


class SignerCreate(BaseModel):
    """``POST /v1/signers``."""

    model_config = ConfigDict(extra="forbid")

    certificate: str = Field(max_length=20_000, description="X.509 certificate, PEM or base64 DER")
    name: str | None = Field(default=None, max_length=500, description="default: certificate CN")
    iin: str | None = Field(default=None, pattern=r"^\d{12}$", description="default: SERIALNUMBER")
    organisation: str | None = Field(default=None, max_length=500, description="default: O")


class SignerCertificate(BaseModel):
    """What the signer's certificate says (the IIN masked)."""

    person: str
    iin_masked: str | None
    organisation: str | None = None
    """The legal entity, for a legal entity's key."""
    bin: str | None = None
    holder: Literal["individual", "legal_entity", "unknown"]
    roles: list[str] = Field(default_factory=list)
    """NCA roles: ``first_head``, ``signing_right``, ``employee``, …"""
    issuer: str
    """The issuing CA's name."""
    valid_from: datetime
    valid_to: datetime


class SignerPublic(BaseModel):
    id: str
    name: str
    iin: str | None
    organisation: str | None
    certificate_sha256: str
    key_held_by: Literal["server", "member"]
    created_at: datetime
    certificate: SignerCertificate | None = None


class SignRequest(BaseModel):
    """``POST …/signatures`` and ``…/signatures/prepare``."""

    model_config = ConfigDict(extra="forbid")

    signer_id: str = Field(max_length=32)


class PreparePublic(BaseModel):
    session_id: str
    field: str
    digest_algorithm: str
    data_to_sign: str
    """Base64 of the DER signed attributes: sign these bytes raw and send ``signature``."""
    data_to_sign_kind: Literal["signed-attributes"] = "signed-attributes"
    document_digest: str
    """Base64 of the document digest: for clients that build their own CMS (NCALayer's
    digested mode), send that CMS as ``cms``."""
    expires_at: datetime


class CompleteRequest(BaseModel):
    """``POST …/signatures/complete``: exactly one of ``cms`` and ``signature``."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(max_length=32)
    cms: str | None = Field(default=None, max_length=200_000, description="base64 CMS")
    signature: str | None = Field(default=None, max_length=4_000, description="base64 raw")
    token: str | None = Field(default=None, max_length=100, description="signing-page link")


class SigningLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signer_id: str = Field(max_length=32)


class SigningLinkPublic(BaseModel):
    url: str
    expires_at: datetime
