"""The FastAPI application, built by a factory (never at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from api.deps import refuse_nul
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.limits import BodyLimit
from api.logs import install_log_escaping
from api.ltv import start_session_sweeper, start_upgrader
from api.memory import limit_arenas, trim
from api.metrics import RequestMetrics
from api.openapi import install_openapi
from api.public_cache import PublicCache
from api.public_fastpath import PublicLookups
from api.ratelimit import Bucket, RateLimit, TrustedProxies
from api.routes import (
    applications,
    batches,
    documents,
    forms,
    health,
    metrics,
    offline,
    pages,
    rulebooks,
    signatures,
    signers,
    signing_page,
    verify,
    verify_revisions,
    webhooks,
)
from api.services import Services, build_services
from api.settings import Settings
from api.webhooks import build_webhooks, start_dispatcher
from workflow import resume_derivations
from workflow.lookup import backfill_lookups

__all__ = ["create_app", "create_app_from_env"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    batches.resume_local_batches(app)  # the embedded pool's unfinished work, after a restart
    await run_in_threadpool(backfill_lookups, app.state.services.context)  # rows before 0012
    if app.state.services.settings.derived_documents == "auto":
        await run_in_threadpool(resume_derivations, app.state.services.context)
    dispatcher = start_dispatcher(app.state.services, app.state.webhooks)
    upgrader = start_upgrader(app.state.services)  # B-T files to B-LTA, archive renewal
    sweeper = start_session_sweeper(app.state.services)  # expired prepared sessions' files
    trim()  # the start-up's garbage (imports, migrations, backfills) back to the system
    yield
    if sweeper is not None:
        await run_in_threadpool(sweeper.close)
    if upgrader is not None:
        await run_in_threadpool(upgrader.close)
    if dispatcher is not None:
        await run_in_threadpool(dispatcher.close)
    runner = getattr(app.state, "batch_runner", None)
    if runner is not None:
        runner.close()


def create_app_from_env() -> FastAPI:
    """An app over settings read from the environment (``uvicorn --factory`` workers)."""
    return create_app(Settings())


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """An app over ``services`` (built from ``settings`` when not given)."""
    install_log_escaping()
    limit_arenas()  # before the thread pool's threads exist (api/memory.py)
    services = services or build_services(settings or Settings())
    app = FastAPI(
        title="Qujat",
        version="0.1.0",
        description="Signed, verifiable documents of Kazakhstan's teacher attestation.",
        lifespan=_lifespan,
        responses=ERROR_RESPONSES,
        dependencies=[Depends(refuse_nul)],  # no NUL in a query or JSON body (PostgreSQL text)
    )
    app.state.services = services
    # the public answers, per worker; the middleware below sends the current ones
    app.state.public_cache = cache = PublicCache(services.context, services.writes)
    app.state.webhooks = build_webhooks(services)
    install_error_handlers(app)
    install_openapi(app)  # data per form in POST /v1/documents and /v1/batches
    for module in (forms, documents, applications, verify, offline, pages, health, batches):
        app.include_router(module.router)
    app.include_router(signatures.router)  # countersignatures (issue 5)
    app.include_router(signers.router)
    app.include_router(signing_page.router)
    app.include_router(webhooks.router)
    app.include_router(rulebooks.router)
    app.include_router(verify_revisions.router)  # any issued revision, for qujat verify
    if services.settings.metrics_enabled:
        app.include_router(metrics.router)
    app.add_middleware(
        BodyLimit,
        default=services.settings.max_body_bytes,
        uploads=services.settings.max_upload_bytes,
        upload_paths=("/v1/verify", "/v/check"),
        path_limits={"/v1/batches": services.settings.max_batch_bytes},
    )
    app.add_middleware(PublicLookups, cache=cache)  # inside the metrics and the rate limit
    if services.settings.metrics_enabled:
        app.add_middleware(RequestMetrics)
    settings = services.settings
    if settings.rate_limit_enabled:  # outermost: refuse before reading a body
        app.add_middleware(
            RateLimit,
            buckets={
                "lookup": Bucket(settings.lookup_rate_per_minute / 60, settings.lookup_burst),
                "upload": Bucket(settings.upload_rate_per_minute / 60, settings.upload_burst),
                "sign": Bucket(settings.sign_rate_per_minute / 60, settings.sign_burst),
            },
            proxies=TrustedProxies.parse(settings.forwarded_allow_ips),
        )
    return app
