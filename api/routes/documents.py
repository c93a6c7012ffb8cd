"""``/v1/documents``: issue, read, download and revoke documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.countersigning import required_public
from api.deps import ApiKeyDep, ServicesDep, require_scope
from api.issuing import IssueRequest, document_for, issue_document, verify_url
from api.schemas import DocumentCreate, DocumentPublic, Links, RevokeRequest, SignaturePublic
from api.services import Services
from api.webhooks import revoked_events
from forms import get_form
from generator import DocumentMeta, render_docx
from registry import DocumentRecord
from registry.records import ApiKeyRecord

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]
RevokeKey = Annotated[ApiKeyRecord, Depends(require_scope("revoke"))]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def to_public(services: Services, record: DocumentRecord) -> DocumentPublic:
    return DocumentPublic(
        id=record.id,
        form=record.form,
        lang=record.lang,
        status=record.status,
        sha256=record.sha256,
        verify_url=verify_url(services, record.id),
        holder_name=record.holder_name,
        valid_until=record.valid_until,
        protocol_id=record.protocol_id,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
        signatures=[SignaturePublic(**s) for s in record.signatures],
        required_signers=required_public(services, record),
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
    services: ServicesDep,
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
    record, created = issue_document(services, key, request)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/v1/documents/{record.id}"
    return to_public(services, record)


@router.get("/{doc_id}")
def read_document(doc_id: str, services: ServicesDep, key: ApiKeyDep) -> DocumentPublic:
    """Metadata, status and signatures of one of your organisation's documents."""
    return to_public(services, document_for(services, key, doc_id))


@router.get("/{doc_id}/pdf", response_class=Response)
def download_pdf(doc_id: str, services: ServicesDep, key: ApiKeyDep) -> Response:
    """The signed PDF with every signature so far."""
    record = document_for(services, key, doc_id)
    return Response(
        services.registry.pdf(record),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{record.form}-{record.id}.pdf"'},
    )


@router.get("/{doc_id}/docx", response_class=Response)
def download_docx(doc_id: str, services: ServicesDep, key: ApiKeyDep) -> Response:
    """An editable, unsigned DOCX copy, rendered again from the stored case data."""
    record = document_for(services, key, doc_id)
    spec = get_form(record.form)
    case = spec.validate(record.case_data)
    meta = DocumentMeta(
        id=record.id,
        verify_url=verify_url(services, record.id),
        issuer=services.issuer.subject_name,
        issued_on=getattr(case, "issue_date", None) or record.created_at.date(),
    )
    return Response(
        render_docx(services.renderer, spec, record.lang, case, meta),
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{record.form}-{record.id}.docx"'},
    )


@router.post("/{doc_id}/revoke")
def revoke_document(
    doc_id: str, body: RevokeRequest, services: ServicesDep, key: RevokeKey
) -> DocumentPublic:
    """Mark the document revoked (the PDF is kept; the public page says revoked)."""
    document_for(services, key, doc_id)
    events = revoked_events(services)  # webhook document.revoked, in the same transaction
    return to_public(services, services.registry.revoke(doc_id, body.reason, key.id, events))
