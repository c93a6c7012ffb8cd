"""``/v1/documents``: issue, read, download and revoke documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from api.deps import ApiKeyDep, ContextDep, require_scope
from api.schemas import DocumentCreate, DocumentPublic, Links, RevokeRequest, SignaturePublic
from forms import get_form
from generator import render_docx
from registry import DocumentRecord
from registry.records import ApiKeyRecord
from workflow import Actor, Context, IssueRequest, document_for, document_meta, issue_document
from workflow.documents import stated_issue_date

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]
RevokeKey = Annotated[ApiKeyRecord, Depends(require_scope("revoke"))]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def required_public(ctx: Context, record: DocumentRecord) -> list[dict[str, Any]]:
    """What ``GET /v1/documents/{id}`` lists as required signers."""
    if not get_form(record.form).signature_roles:
        return []  # certificates and the like: no query on their path
    return [
        {"role": r.role, "name": r.name, "signer_id": r.signer_id, "field": r.field_name,
         "signed": r.signed_at is not None, "signed_at": r.signed_at}
        for r in ctx.signing.required_signers(record.id)
    ]  # fmt: skip


def to_public(ctx: Context, record: DocumentRecord) -> DocumentPublic:
    """A document as its issuer sees it."""
    return DocumentPublic(
        id=record.id,
        form=record.form,
        lang=record.lang,
        status=record.status,
        sha256=record.sha256,
        verify_url=ctx.policy.verify_url(record.id),
        holder_name=record.holder_name,
        valid_until=record.valid_until,
        protocol_id=record.protocol_id,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
        signatures=[SignaturePublic(**s) for s in record.signatures],
        required_signers=required_public(ctx, record),
        computed={k: v for k, v in record.summary.items() if k != "iin"},
        links=Links(
            self=f"/v1/documents/{record.id}",
            pdf=f"/v1/documents/{record.id}/pdf",
            docx=f"/v1/documents/{record.id}/docx",
            verify=f"/v1/verify/{record.id}",
        ),
    )


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
    """An editable, unsigned DOCX copy, rendered again from the stored case data."""
    record = document_for(ctx, Actor.of(key), doc_id)
    spec = get_form(record.form)
    case = spec.validate(record.case_data)
    meta = document_meta(ctx, record.id, stated_issue_date(case) or record.created_at.date())
    return Response(
        render_docx(ctx.renderer, spec, record.lang, case, meta),
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{record.form}-{record.id}.docx"'},
    )


@router.post("/{doc_id}/revoke")
def revoke_document(
    doc_id: str, body: RevokeRequest, ctx: ContextDep, key: RevokeKey
) -> DocumentPublic:
    """Mark the document revoked (the PDF is kept; the public page says revoked)."""
    document_for(ctx, Actor.of(key), doc_id)
    return to_public(ctx, ctx.registry.revoke(doc_id, body.reason, actor=key.id))
