"""Countersignatures of a document: with a server-held key, or prepared and completed
by a key held elsewhere; one-time links to the signing page; the documents that follow."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends

from api.countersigning import (
    Prepared,
    complete_signature,
    prepare_signature,
    sign_with_server_key,
    signing_registry,
)
from api.deps import ServicesDep, require_scope
from api.issuing import document_for
from api.routes.documents import to_public
from api.schemas import DocumentPublic
from api.schemas_signing import (
    CompleteRequest,
    PreparePublic,
    SigningLinkCreate,
    SigningLinkPublic,
    SignRequest,
)
from forms.errors import Conflict, ErrorDetail
from registry.records import ApiKeyRecord
from signing.errors import refused

router = APIRouter(prefix="/v1/documents", tags=["signatures"])

SignKey = Annotated[ApiKeyRecord, Depends(require_scope("sign"))]
IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]


def _b64(value: str | None, field: str) -> bytes | None:
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refused("base64", f"{field} is not base64", field) from None


@router.post("/{doc_id}/signatures")
def sign(doc_id: str, body: SignRequest, services: ServicesDep, key: SignKey) -> DocumentPublic:
    """Countersign with the key the server holds for the signer."""
    return to_public(services, sign_with_server_key(services, key, doc_id, body.signer_id))


@router.post("/{doc_id}/signatures/prepare")
def prepare(doc_id: str, body: SignRequest, services: ServicesDep, key: SignKey) -> PreparePublic:
    """Prepare the signer's field; sign ``data_to_sign`` (raw) or ``document_digest`` (CMS)."""
    p = prepare_signature(services, key, doc_id, body.signer_id)
    return prepare_public(p)


def prepare_public(p: Prepared) -> PreparePublic:
    """The prepared session as the API shows it."""
    return PreparePublic(
        session_id=p.session.id,
        field=p.field_name,
        digest_algorithm=p.session.digest_algorithm,
        data_to_sign=base64.b64encode(p.data_to_sign).decode(),
        document_digest=base64.b64encode(p.session.document_digest).decode(),
        expires_at=p.session.expires_at,
    )


@router.post("/{doc_id}/signatures/complete")
def complete(
    doc_id: str, body: CompleteRequest, services: ServicesDep, key: SignKey
) -> DocumentPublic:
    """Embed the external signature after checking signer, data and turn."""
    record = complete_signature(
        services, key, doc_id, body.session_id,
        cms_der=_b64(body.cms, "cms"), signature=_b64(body.signature, "signature"),
    )  # fmt: skip
    return to_public(services, record)


@router.post("/{doc_id}/signing-links", status_code=201)
def create_link(
    doc_id: str, body: SigningLinkCreate, services: ServicesDep, key: SignKey
) -> SigningLinkPublic:
    """A one-time link to the signing page for one required signer."""
    record = document_for(services, key, doc_id)
    registry = signing_registry(services)
    pending = [
        r for r in registry.required_signers(record.id)
        if r.signer_id == body.signer_id and r.signed_at is None
    ]  # fmt: skip
    if not pending:
        raise Conflict(
            "this signer has nothing to sign on the document",
            [ErrorDetail("signer_id", "signer_not_required", "not a pending required signer")],
        )
    ttl = timedelta(minutes=services.settings.signing_link_minutes)
    token = registry.create_link(record.id, pending[0].id, ttl)
    base = services.settings.public_base_url.rstrip("/")
    return SigningLinkPublic(
        url=f"{base}/sign/{record.id}?token={token}", expires_at=services.clock() + ttl
    )


@router.post("/{doc_id}/derived")
def derive(doc_id: str, services: ServicesDep, key: IssueKey) -> list[DocumentPublic]:
    """Issue (again, idempotently) the extracts and certificates of a signed protocol."""
    from api.derived import derive_from_protocol

    record = document_for(services, key, doc_id)
    made = derive_from_protocol(services, key, record)
    signing_registry(services).mark_derived(record.id)
    return [to_public(services, r) for r in made]
