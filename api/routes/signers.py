"""``/v1/signers``: commission members registered with their X.509 certificate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ApiKeyDep, ContextDep, require_scope
from api.responses import signer_public
from api.schemas import SignerCreate, SignerPublic
from registry.records import ApiKeyRecord
from workflow import Actor, SignerRegistration
from workflow import signers as flows

router = APIRouter(prefix="/v1/signers", tags=["signers"])

AdminKey = Annotated[ApiKeyRecord, Depends(require_scope("admin"))]


@router.post("", status_code=201)
def register_signer(body: SignerCreate, ctx: ContextDep, key: AdminKey) -> SignerPublic:
    """Register a signer; name, IIN and organisation default to the certificate subject's
    CN, SERIALNUMBER=IIN… and O. The API never takes a key's location: a key the server
    holds for a member is provisioned by the operator (``qujat signers add-key``)."""
    req = SignerRegistration(body.certificate, body.name, body.iin, body.organisation)
    return signer_public(flows.register_signer(ctx, Actor.of(key), req))


@router.get("/{signer_id}")
def read_signer(signer_id: str, ctx: ContextDep, key: ApiKeyDep) -> SignerPublic:
    """One of your organisation's signers."""
    return signer_public(flows.read_signer(ctx, Actor.of(key), signer_id))
