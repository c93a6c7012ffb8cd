"""``/v1/verify``: the registry's word on an id, and a check of an uploaded PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ContextDep, ServicesDep
from api.errors import ApiError
from api.schemas import VerificationPublic
from api.services import Services
from forms.errors import ErrorDetail
from workflow import PublicView, check_upload, logged_lookup

router = APIRouter(prefix="/v1/verify", tags=["verify"])


@router.get("/{doc_id}")
def verify_id(doc_id: str, ctx: ContextDep) -> VerificationPublic:
    """Status (valid, expired, revoked, awaiting-signatures, unknown) and public facts."""
    view = logged_lookup(ctx, doc_id, "json")
    return VerificationPublic.model_validate(view, from_attributes=True)


async def read_pdf(request: Request, limit: int) -> bytes:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=1, max_part_size=limit) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(
                    422, "validation_failed", "Send the PDF as the 'file' part",
                    [ErrorDetail("file", "missing", "no file part")],
                )  # fmt: skip
            data = await upload.read(limit + 1)
    else:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                break
            chunks.append(chunk)
        data = b"".join(chunks) if size <= limit else b"x" * (limit + 1)
    if len(data) > limit:
        raise ApiError(
            413, "payload_too_large", f"The PDF is larger than {limit} bytes",
            [ErrorDetail("file", "max_size", f"at most {limit} bytes")],
        )  # fmt: skip
    if not data:
        raise ApiError(
            422, "validation_failed", "The upload is empty",
            [ErrorDetail("file", "missing", "send a PDF")],
        )  # fmt: skip
    return data


def upload_report(services: Services, data: bytes) -> dict[str, Any]:
    """Every signature's state, whether anything was appended, and the registry's match.

    The PDF is validated in an isolated worker (bounded time and memory): a hostile file
    gets ``unreadable_pdf`` or ``pdf_too_complex``, never a crash of the server.
    """
    check = check_upload(services.context, services.validator.validate, data)
    report = check.report
    return {
        "sha256": report.sha256,
        "signatures_ok": report.ok,
        "modified_after_signing": report.modified_after_signing,
        "byte_identical_to_issued": check.byte_identical_to_issued,
        "signatures": [
            {
                "field": s.field_name,
                "signer": s.signer_name,
                "organisation": s.signer_organisation,
                "signed_at": s.signed_at,
                "certification": s.certification,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "bottom_line": s.bottom_line,
            }
            for s in report.signatures
        ],
        "document": public_json(check.document) if check.document else None,
        "verdict": str(check.verdict),
    }


def public_json(view: PublicView) -> dict[str, Any]:
    """The public view in the API's shape, as JSON values."""
    return VerificationPublic.model_validate(view, from_attributes=True).model_dump(mode="json")


@router.post("")
async def verify_upload(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Upload a PDF (``application/pdf`` body or multipart ``file``) and get a report."""
    data = await read_pdf(request, services.settings.max_upload_bytes)
    return await run_in_threadpool(upload_report, services, data)
