"""``/v1/verify``: the registry's word on an id, and a check of an uploaded PDF."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.errors import ApiError
from api.schemas import VerificationPublic
from api.services import Services
from api.verification import logged_lookup, view_of
from forms.errors import ErrorDetail, QujatError

router = APIRouter(prefix="/v1/verify", tags=["verify"])
log = logging.getLogger("qujat.verify")


@router.get("/{doc_id}")
def verify_id(doc_id: str, services: ServicesDep) -> VerificationPublic:
    """Status (valid, expired, revoked, awaiting-signatures, unknown) and public facts."""
    return logged_lookup(services, doc_id, "json")


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
    started = time.perf_counter()
    try:
        report = services.validator.validate(data)
    except QujatError as exc:
        log.info("upload rejected code=%s bytes=%d ms=%.1f", exc.code, len(data), _ms(started))
        raise
    record = services.registry.by_sha256(report.sha256)
    identical = record is not None and record.sha256 == report.sha256
    result: dict[str, Any] = {
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
    log.info(
        "upload id=%s status=%s verdict=%s ms=%.1f",
        record.id if record else "-",
        result["document"]["status"] if result["document"] else "unknown",
        result["verdict"],
        _ms(started),
    )
    return result


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


@router.post("")
async def verify_upload(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Upload a PDF (``application/pdf`` body or multipart ``file``) and get a report."""
    data = await read_pdf(request, services.settings.max_upload_bytes)
    return await run_in_threadpool(upload_report, services, data)
