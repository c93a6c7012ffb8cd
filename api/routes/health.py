"""``/healthz``: liveness and a cheap readiness check of the registry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(services: ServicesDep) -> dict[str, Any]:
    """Alive, and the registry answers."""
    services.registry.ping()
    return {"status": "ok", "issuer": services.issuer.subject_name}
