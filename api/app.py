"""The FastAPI application, built by a factory (never at import time)."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.limits import BodyLimit
from api.ratelimit import Bucket, RateLimit
from api.routes import applications, documents, forms, health, offline, pages, verify
from api.services import Services, build_services
from api.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """An app over ``services`` (built from ``settings`` when not given)."""
    services = services or build_services(settings or Settings())
    app = FastAPI(
        title="Qujat",
        version="0.1.0",
        description="Signed, verifiable documents of Kazakhstan's teacher attestation.",
    )
    app.state.services = services
    install_error_handlers(app)
    for module in (forms, documents, applications, verify, offline, pages, health):
        app.include_router(module.router)
    app.add_middleware(
        BodyLimit,
        default=services.settings.max_body_bytes,
        uploads=services.settings.max_upload_bytes,
        upload_paths=("/v1/verify", "/v/check"),
    )
    settings = services.settings
    if settings.rate_limit_enabled:  # outermost: refuse before reading a body
        app.add_middleware(
            RateLimit,
            buckets={
                "lookup": Bucket(settings.lookup_rate_per_minute / 60, settings.lookup_burst),
                "upload": Bucket(settings.upload_rate_per_minute / 60, settings.upload_burst),
            },
        )
    return app
