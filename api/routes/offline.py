"""Public inputs of offline verification: ``/.well-known/qujat/keys`` and the status list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from workflow import key_set, status_list

router = APIRouter(tags=["verify"])


@router.get("/.well-known/qujat/keys")
def keys(services: ServicesDep) -> JSONResponse:
    """The public keys (JWK set, ES256) that sign QR tokens and the status list."""
    body: dict[str, Any] = key_set(services.context)
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/v1/status-list", response_class=Response)
def revocation_status_list(request: Request, services: ServicesDep) -> Response:
    """The revocation list: a compact JWS (``vc+jwt``) over a W3C Bitstring Status List
    credential; bit ``status_index`` set = revoked. Cache it; revalidate with the ETag."""
    doc = status_list(services.context)
    headers = {
        "ETag": doc.etag,
        "Cache-Control": f"public, max-age={services.settings.status_list_max_age}",
    }
    if doc.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(doc.jws, media_type="application/vc+jwt", headers=headers)
