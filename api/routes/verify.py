"""``/v1/verify``: the registry's word on an id, and a check of an uploaded PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.errors import ApiError
from api.schemas import VerificationPublic
from api.services import Services
from api.verification import public_view, view_of
from forms.errors import ErrorDetail
from verify import validate_pdf

router = APIRouter(prefix="/v1/verify", tags=["verify"])


@router.get("/{doc_id}")
def verify_id(doc_id: str, services: ServicesDep) -> VerificationPublic:
    """Status (valid, expired, revoked, awaiting-signatures, unknown) and public facts."""
    return public_view(services, doc_id)


async def _read_pdf(request: Request, limit: int) -> bytes:
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
    """Every signature's state, whether anything was appended, and the registry's match."""
    report = validate_pdf(data, services.trust_roots, max_bytes=services.settings.max_upload_bytes)
    record = services.registry.by_sha256(report.sha256)
    identical = record is not None and record.sha256 == report.sha256
    return {
        "sha256": report.sha256,
        "signatures_ok": report.ok,
        "modified_after_signing": report.modified_after_signing,
        "byte_identical_to_issued": identical,
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
        "document": view_of(services, record).model_dump(mode="json") if record else None,
        "verdict": "genuine" if report.ok and identical else "not-genuine",
    }


@router.post("")
async def verify_upload(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Upload a PDF (``application/pdf`` body or multipart ``file``) and get a report."""
    data = await _read_pdf(request, services.settings.max_upload_bytes)
    return await run_in_threadpool(upload_report, services, data)
