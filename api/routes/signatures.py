"""Countersignatures of a document: with a server-held key, or prepared and completed
by a key held elsewhere; one-time links to the signing page; the documents that follow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ContextDep, require_scope
from api.responses import b64_field, prepare_public, to_public
from api.schemas import (
    CompleteRequest,
    DocumentPublic,
    PreparePublic,
    SigningLinkCreate,
    SigningLinkPublic,
    SignRequest,
)
from registry.records import ApiKeyRecord
from workflow import (
    Actor,
    complete_signature,
    derive_from_protocol,
    document_for,
    prepare_signature,
    sign_with_server_key,
)
from workflow import countersign as flows
from workflow.events import derived_events

router = APIRouter(prefix="/v1/documents", tags=["signatures"])

SignKey = Annotated[ApiKeyRecord, Depends(require_scope("sign"))]
IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]


@router.post("/{doc_id}/signatures")
def sign(doc_id: str, body: SignRequest, ctx: ContextDep, key: SignKey) -> DocumentPublic:
    """Countersign with the key the server holds for the signer."""
    return to_public(ctx, sign_with_server_key(ctx, Actor.of(key), doc_id, body.signer_id))


@router.post("/{doc_id}/signatures/prepare")
def prepare(doc_id: str, body: SignRequest, ctx: ContextDep, key: SignKey) -> PreparePublic:
    """Prepare the signer's field; sign ``data_to_sign`` (raw) or ``document_digest`` (CMS)."""
    return prepare_public(prepare_signature(ctx, Actor.of(key), doc_id, body.signer_id))


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
    protocol = document_for(ctx, actor, doc_id)
    made = derive_from_protocol(ctx, actor, protocol)
    ctx.signing.mark_derived(doc_id, derived_events(ctx, protocol, made))  # the event, once
    return [to_public(ctx, r) for r in made]
