"""``/v1/documents``: issue, read, download and revoke documents."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from api.deps import ApiKeyDep, ContextDep, require_scope
from api.responses import to_public
from api.schemas import DocumentCreate, DocumentPublic, RevokeRequest
from api.schemas.listing import DocumentPage
from registry.records import ApiKeyRecord
from workflow import Actor, IssueRequest, document_for, issue
from workflow import documents as flows
from workflow.docx_cache import docx_of
from workflow.listing import DocumentQuery, list_organisation_documents

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]
RevokeKey = Annotated[ApiKeyRecord, Depends(require_scope("revoke"))]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post(
    "",
    status_code=201,
    responses={
        200: {
            "model": DocumentPublic,
            "description": "Replayed: the document first issued under this Idempotency-Key",
        }
    },
)
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
    done = issue(ctx, Actor.of(key), request)
    if not done.created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/v1/documents/{done.record.id}"
    return to_public(ctx, done.record, done.level)


@router.get("")
def list_documents(
    ctx: ContextDep,
    key: ApiKeyDep,
    form: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    holder_iin: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None,
    registration_number: Annotated[str | None, Query(max_length=200)] = None,
    protocol_id: Annotated[str | None, Query(max_length=32)] = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DocumentPage:
    """Your organisation's documents, oldest first, filtered; follow ``next_cursor``."""
    query = DocumentQuery(
        form, status, holder_iin, registration_number, protocol_id,
        created_from, created_to, cursor, limit,
    )  # fmt: skip
    page = list_organisation_documents(ctx, Actor.of(key), query)
    return DocumentPage(items=[to_public(ctx, r) for r in page.items], next_cursor=page.next_cursor)


def _not_modified(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or ``*``)."""
    wanted = request.headers.get("if-none-match")
    if not wanted:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return "*" in tags or etag in tags


@router.get(
    "/{doc_id}",
    response_model=DocumentPublic,
    responses={304: {"description": "Not modified (`If-None-Match` matched the `ETag`)"}},
)
def read_document(doc_id: str, request: Request, ctx: ContextDep, key: ApiKeyDep) -> Response:
    """Metadata, status and signatures of one of your organisation's documents, with an
    ``ETag`` (``If-None-Match`` → 304)."""
    body = to_public(ctx, document_for(ctx, Actor.of(key), doc_id)).model_dump_json().encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/{doc_id}/pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The signed PDF",
        },
        304: {"description": "Not modified (`If-None-Match` matched the `ETag`)"},
    },
)
def download_pdf(doc_id: str, request: Request, ctx: ContextDep, key: ApiKeyDep) -> Response:
    """The signed PDF with every signature so far; its ``ETag`` is its SHA-256."""
    record = document_for(ctx, Actor.of(key), doc_id)
    etag = f'"{record.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Content-Disposition": f'attachment; filename="{record.form}-{record.id}.pdf"',
    }
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(ctx.registry.pdf(record), media_type="application/pdf", headers=headers)


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
