"""``/v1/signers``: commission members registered with their X.509 certificate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ApiKeyDep, ContextDep, require_scope
from api.schemas import SignerCreate, SignerPublic
from registry.countersign import SignerRecord
from registry.records import ApiKeyRecord
from workflow import Actor, SignerRegistration
from workflow import signers as flows

router = APIRouter(prefix="/v1/signers", tags=["signers"])

AdminKey = Annotated[ApiKeyRecord, Depends(require_scope("admin"))]


def signer_public(s: SignerRecord) -> SignerPublic:
    """A signer as the API shows it."""
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


@router.post("", status_code=201)
def register_signer(body: SignerCreate, ctx: ContextDep, key: AdminKey) -> SignerPublic:
    """Register a signer; name, IIN and organisation default to the certificate subject's
    CN, SERIALNUMBER=IIN… and O. With ``key_location`` the server holds the key."""
    req = SignerRegistration(
        body.certificate, body.name, body.iin, body.organisation, body.key_location
    )
    return signer_public(flows.register_signer(ctx, Actor.of(key), req))


@router.get("/{signer_id}")
def read_signer(signer_id: str, ctx: ContextDep, key: ApiKeyDep) -> SignerPublic:
    """One of your organisation's signers."""
    return signer_public(flows.read_signer(ctx, Actor.of(key), signer_id))
