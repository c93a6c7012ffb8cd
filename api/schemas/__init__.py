"""What comes in and what goes out of the HTTP API: documents and verification
(:mod:`api.schemas.documents`), signers and signatures (:mod:`api.schemas.signatures`)."""

from __future__ import annotations

from api.schemas.documents import (
    DocumentCreate,
    DocumentPublic,
    FormDetailPublic,
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
    SignerCertificate,
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
    "FormDetailPublic",
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
    "SignerCertificate",
    "SignerCreate",
    "SignerPublic",
    "SignersIn",
    "SigningLinkCreate",
    "SigningLinkPublic",
    "VerificationPublic",
]
