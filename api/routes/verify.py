"""``/v1/verify``: the registry's word on an id, and a check of an uploaded PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import ContextDep, ServicesDep
from api.public_cache import public_cache, respond
from api.responses import upload_report, verification_public
from api.schemas import VerificationPublic
from api.schemas.listing import LookupRequest
from api.uploads import client_of, read_pdf
from workflow.lookup import check_by_number

router = APIRouter(prefix="/v1/verify", tags=["verify"])


@router.post("/lookup", responses={404: {"description": "No document with this number and IIN"}})
def verify_lookup(body: LookupRequest, ctx: ContextDep) -> VerificationPublic:
    """The check by number and IIN: a document's registration number (or id) and the
    holder's IIN give the same verdict and facts as its QR; any mismatch is 404."""
    return verification_public(check_by_number(ctx, body.registration_number, body.iin))


@router.get("/{doc_id}", response_model=VerificationPublic)
def verify_id(doc_id: str, request: Request) -> Response:
    """Status (valid, expired, revoked, awaiting-signatures, unknown) and public facts.
    ``ETag`` and ``Cache-Control: public, max-age=1``; ``If-None-Match`` → 304. Served
    from the worker's memory while current (:mod:`api.public_cache`)."""
    return respond(public_cache(request).json(doc_id), request)


@router.post("")
async def verify_upload(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Upload a PDF (``application/pdf`` body or multipart ``file``) and get a report."""
    data = await read_pdf(request, services.settings.max_upload_bytes)
    return await run_in_threadpool(
        upload_report, services, data, client_of(request, services.settings)
    )
