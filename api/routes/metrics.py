"""``GET /metrics``: Prometheus text format (restrict it to the scraper at the proxy)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.metrics import CONTENT_TYPE_LATEST, exposition

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, include_in_schema=False)
def metrics() -> Response:
    """Documents issued per form, render and sign latency, lookups, errors by code."""
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
