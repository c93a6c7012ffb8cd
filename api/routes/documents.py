"""``/v1/documents``: issue, read, download and revoke documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.deps import ApiKeyDep, ContextDep, require_scope
from api.responses import to_public
from api.schemas import DocumentCreate, DocumentPublic, RevokeRequest
from registry.records import ApiKeyRecord
from workflow import Actor, IssueRequest, document_for, issue_document
from workflow import documents as flows
from workflow.docx_cache import docx_of

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]
RevokeKey = Annotated[ApiKeyRecord, Depends(require_scope("revoke"))]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("", status_code=201)
def create_document(
    body: DocumentCreate,
    ctx: ContextDep,
    key: IssueKey,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> DocumentPublic:
    """Validate, render, sign and register a document; the same Idempotency-Key and body
    return the same document (200 with ``Idempotent-Replayed: true``)."""
    request = IssueRequest(
        body.form,
        body.lang,
        body.data,
        body.protocol_id,
        idempotency_key,
        signers=body.signers.model_dump(exclude_defaults=True) if body.signers else None,
        follow_up=body.follow_up.model_dump(mode="json") if body.follow_up else None,
    )
    record, created = issue_document(ctx, Actor.of(key), request)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/v1/documents/{record.id}"
    return to_public(ctx, record)


@router.get("/{doc_id}")
def read_document(doc_id: str, ctx: ContextDep, key: ApiKeyDep) -> DocumentPublic:
    """Metadata, status and signatures of one of your organisation's documents."""
    return to_public(ctx, document_for(ctx, Actor.of(key), doc_id))


@router.get("/{doc_id}/pdf", response_class=Response)
def download_pdf(doc_id: str, ctx: ContextDep, key: ApiKeyDep) -> Response:
    """The signed PDF with every signature so far."""
    record = document_for(ctx, Actor.of(key), doc_id)
    return Response(
        ctx.registry.pdf(record),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{record.form}-{record.id}.pdf"'},
    )


@router.get("/{doc_id}/docx", response_class=Response)
def download_docx(doc_id: str, ctx: ContextDep, key: ApiKeyDep) -> Response:
    """An editable, unsigned DOCX copy, rendered once from the stored case data and kept."""
    record = document_for(ctx, Actor.of(key), doc_id)
    return Response(
        docx_of(ctx, record),
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{record.form}-{record.id}.docx"'},
    )


@router.post("/{doc_id}/revoke")
def revoke_document(
    doc_id: str, body: RevokeRequest, ctx: ContextDep, key: RevokeKey
) -> DocumentPublic:
    """Mark the document revoked (the PDF is kept; the public page says revoked)."""
    return to_public(ctx, flows.revoke_document(ctx, Actor.of(key), doc_id, body.reason))
