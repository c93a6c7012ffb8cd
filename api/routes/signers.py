"""``/v1/signers``: commission members registered with their X.509 certificate."""

from __future__ import annotations

import hashlib
from typing import Annotated

from asn1crypto import pem
from fastapi import APIRouter, Depends

from api.countersigning import load_certificate, signing_registry
from api.deps import ApiKeyDep, ServicesDep, require_scope
from api.schemas_signing import SignerCreate, SignerPublic
from forms import ErrorDetail, FormDataInvalid
from registry.countersign import NewSigner, SignerRecord
from registry.records import ApiKeyRecord
from signing.keystore import KeyLocations

router = APIRouter(prefix="/v1/signers", tags=["signers"])

AdminKey = Annotated[ApiKeyRecord, Depends(require_scope("admin"))]


def signer_public(s: SignerRecord) -> SignerPublic:
    assert s.created_at is not None
    return SignerPublic(
        id=s.id,
        name=s.name,
        iin=s.iin,
        organisation=s.affiliation,
        certificate_sha256=s.certificate_sha256,
        key_held_by="server" if s.key_location else "member",
        created_at=s.created_at,
    )


def _subject(cert_subject: dict[str, object], attr: str) -> str | None:
    value = cert_subject.get(attr)
    return value if isinstance(value, str) and value.strip() else None


@router.post("", status_code=201)
def register_signer(body: SignerCreate, services: ServicesDep, key: AdminKey) -> SignerPublic:
    """Register a signer; name, IIN and organisation default to the certificate subject's
    CN, SERIALNUMBER=IIN… and O. With ``key_location`` the server holds the key."""
    cert = load_certificate(body.certificate)
    subject = cert.subject.native
    serial = _subject(subject, "serial_number") or ""
    iin_in_cert = serial[3:] if serial.startswith("IIN") and len(serial) == 15 else None
    if body.iin and iin_in_cert and body.iin != iin_in_cert:
        raise FormDataInvalid(
            [ErrorDetail("iin", "iin_certificate_mismatch", "the certificate names another IIN")]
        )
    name = body.name or _subject(subject, "common_name")
    if not name:
        raise FormDataInvalid([ErrorDetail("name", "missing", "the certificate has no CN")])
    if body.key_location is not None:
        held = KeyLocations().open(body.key_location)
        if held.certificate.dump() != cert.dump():
            raise FormDataInvalid(
                [ErrorDetail("key_location", "key_certificate_mismatch",
                             "the key held there belongs to another certificate")]
            )  # fmt: skip
    signer = NewSigner(
        organisation=key.organisation,
        name=name.strip(),
        iin=iin_in_cert or body.iin,
        affiliation=body.organisation or _subject(subject, "organization_name"),
        certificate_pem=pem.armor("CERTIFICATE", cert.dump()).decode("ascii"),
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        key_location=body.key_location,
    )
    return signer_public(signing_registry(services).add_signer(signer, key.id))


@router.get("/{signer_id}")
def read_signer(signer_id: str, services: ServicesDep, key: ApiKeyDep) -> SignerPublic:
    """One of your organisation's signers."""
    return signer_public(signing_registry(services).signer(signer_id, key.organisation))
