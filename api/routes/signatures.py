"""Countersignatures of a document: with a server-held key, or prepared and completed
by a key held elsewhere; one-time links to the signing page; the documents that follow."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ContextDep, require_scope
from api.routes.documents import to_public
from api.schemas import (
    CompleteRequest,
    DocumentPublic,
    PreparePublic,
    SigningLinkCreate,
    SigningLinkPublic,
    SignRequest,
)
from registry.records import ApiKeyRecord
from signing.errors import refused
from workflow import (
    Actor,
    Prepared,
    complete_signature,
    derive_from_protocol,
    document_for,
    prepare_signature,
    sign_with_server_key,
)
from workflow import countersign as flows

router = APIRouter(prefix="/v1/documents", tags=["signatures"])

SignKey = Annotated[ApiKeyRecord, Depends(require_scope("sign"))]
IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]


def b64_field(value: str | None, field: str) -> bytes | None:
    """A base64 body field's bytes; a 422 ``signature_refused`` if it is not base64."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refused("base64", f"{field} is not base64", field) from None


@router.post("/{doc_id}/signatures")
def sign(doc_id: str, body: SignRequest, ctx: ContextDep, key: SignKey) -> DocumentPublic:
    """Countersign with the key the server holds for the signer."""
    return to_public(ctx, sign_with_server_key(ctx, Actor.of(key), doc_id, body.signer_id))


@router.post("/{doc_id}/signatures/prepare")
def prepare(doc_id: str, body: SignRequest, ctx: ContextDep, key: SignKey) -> PreparePublic:
    """Prepare the signer's field; sign ``data_to_sign`` (raw) or ``document_digest`` (CMS)."""
    return prepare_public(prepare_signature(ctx, Actor.of(key), doc_id, body.signer_id))


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
def complete(doc_id: str, body: CompleteRequest, ctx: ContextDep, key: SignKey) -> DocumentPublic:
    """Embed the external signature after checking signer, data and turn."""
    record = complete_signature(
        ctx, Actor.of(key), doc_id, body.session_id,
        cms_der=b64_field(body.cms, "cms"), signature=b64_field(body.signature, "signature"),
    )  # fmt: skip
    return to_public(ctx, record)


@router.post("/{doc_id}/signing-links", status_code=201)
def create_link(
    doc_id: str, body: SigningLinkCreate, ctx: ContextDep, key: SignKey
) -> SigningLinkPublic:
    """A one-time link to the signing page for one required signer."""
    link = flows.create_link(ctx, Actor.of(key), doc_id, body.signer_id)
    return SigningLinkPublic(url=link.url, expires_at=link.expires_at)


@router.post("/{doc_id}/derived")
def derive(doc_id: str, ctx: ContextDep, key: IssueKey) -> list[DocumentPublic]:
    """Issue (again, idempotently) the extracts and certificates of a signed protocol."""
    actor = Actor.of(key)
    made = derive_from_protocol(ctx, actor, document_for(ctx, actor, doc_id))
    ctx.signing.mark_derived(doc_id)
    return [to_public(ctx, r) for r in made]
