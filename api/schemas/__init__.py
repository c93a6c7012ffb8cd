"""What comes in and what goes out of the HTTP API: documents and verification
(:mod:`api.schemas.documents`), signers and signatures (:mod:`api.schemas.signatures`)."""

from __future__ import annotations

from api.schemas.documents import (
    DocumentCreate,
    DocumentPublic,
    FormPublic,
    FormsPublic,
    HolderPublic,
    Links,
    LtvPublic,
    ProofPublic,
    RevokeRequest,
    SignaturePublic,
    VerificationPublic,
)
from api.schemas.signatures import (
    CertificateTerms,
    CompleteRequest,
    FollowUp,
    PreparePublic,
    SignerCreate,
    SignerPublic,
    SignersIn,
    SigningLinkCreate,
    SigningLinkPublic,
    SignRequest,
)

__all__ = [
    "CertificateTerms",
    "CompleteRequest",
    "DocumentCreate",
    "DocumentPublic",
    "FollowUp",
    "FormPublic",
    "FormsPublic",
    "HolderPublic",
    "Links",
    "LtvPublic",
    "PreparePublic",
    "ProofPublic",
    "RevokeRequest",
    "SignRequest",
    "SignaturePublic",
    "SignerCreate",
    "SignerPublic",
    "SignersIn",
    "SigningLinkCreate",
    "SigningLinkPublic",
    "VerificationPublic",
]
