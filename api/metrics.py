"""Prometheus metrics: what was issued, how long rendering and signing took, lookups, errors.

With several worker processes (``qujat serve --workers N``, ``qujat worker``) each process
keeps its own values; set ``PROMETHEUS_MULTIPROC_DIR`` to a directory shared by the processes
of one machine (``qujat serve --workers N`` does so itself) and ``GET /metrics`` adds them up.
Processes on other machines are scraped separately.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "CONTENT_TYPE_LATEST",
    "DOCUMENTS_ISSUED",
    "ERRORS",
    "HTTP_SECONDS",
    "RENDER_SECONDS",
    "SIGN_SECONDS",
    "VERIFICATION_LOOKUPS",
    "RequestMetrics",
    "exposition",
    "lookup_kind",
]

from workflow.metrics import (
    _LATENCY,
    DOCUMENTS_ISSUED,
    ERRORS,
    RENDER_SECONDS,
    SIGN_SECONDS,
    VERIFICATION_LOOKUPS,
)

HTTP_SECONDS = Histogram(
    "qujat_http_request_seconds", "Time to answer a request", ["method", "route"], buckets=_LATENCY
)


def lookup_kind(method: str, path: str) -> str | None:
    """Which public verification a request is, or ``None``."""
    if path.startswith("/v1/verify/") and method in ("GET", "HEAD"):
        return "json"
    if method == "POST" and path in ("/v1/verify", "/v/check"):
        return "upload"
    if path.startswith("/v/") and method in ("GET", "HEAD"):
        return "page"
    if path == "/v1/status-list":
        return "status_list"
    if path.startswith("/.well-known/qujat/"):
        return "keys"
    return None


class RequestMetrics:
    """ASGI middleware: request latency by route template, and verification lookups."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_SECONDS.labels(scope["method"], template).observe(time.perf_counter() - started)
            kind = lookup_kind(scope["method"], scope["path"])
            if kind is not None:
                VERIFICATION_LOOKUPS.labels(kind).inc()


def exposition() -> bytes:
    """The metrics in Prometheus text format, summed over this machine's processes."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)
