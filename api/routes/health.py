"""``/healthz``: liveness and a cheap readiness check of the registry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(services: ServicesDep) -> dict[str, Any]:
    with services.registry.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "issuer": services.issuer.subject_name}
