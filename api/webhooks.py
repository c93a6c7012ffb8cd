"""The webhooks of the API process: their context built from settings, and the dispatcher
thread that runs beside the server on the embedded default."""

from __future__ import annotations

from api.services import Services
from api.settings import Settings
from registry.webhooks import sessions_of
from workflow.outbound import OutboundPolicy
from workflow.webhook_dispatch import Dispatcher
from workflow.webhooks import (
    WebhookConfig,
    Webhooks,
)

__all__ = [
    "build_webhooks",
    "start_dispatcher",
    "webhook_config",
]


def webhook_config(settings: Settings) -> WebhookConfig:
    """The ``QUJAT_WEBHOOK_*`` settings as the flows take them."""
    policy = OutboundPolicy(
        # plain http to loopback is a development convenience, never a production one
        allow_http_loopback=settings.webhook_allow_http_loopback and settings.env != "production",
        allow_private=settings.webhook_allow_private_addresses,
        timeout_seconds=settings.webhook_timeout_seconds,
        max_response_bytes=settings.webhook_max_response_bytes,
    )
    return WebhookConfig(
        policy=policy,
        retry_base_seconds=settings.webhook_retry_base_seconds,
        retry_max_interval_seconds=settings.webhook_retry_max_interval_seconds,
        retry_horizon_seconds=settings.webhook_retry_horizon_seconds,
        secret_overlap_seconds=settings.webhook_secret_overlap_seconds,
        workers=settings.webhook_workers,
        per_endpoint=settings.webhook_per_endpoint,
        poll_seconds=settings.webhook_poll_seconds,
    )


def build_webhooks(services: Services) -> Webhooks:
    """The webhook flows' context over the registry's database."""
    return Webhooks(
        sessions=sessions_of(services.registry.engine),
        clock=services.clock,
        config=webhook_config(services.settings),
    )


def start_dispatcher(services: Services, hooks: Webhooks) -> Dispatcher | None:
    """The in-process dispatcher, started, unless another process delivers."""
    if services.settings.webhook_dispatcher != "in-process":
        return None
    dispatcher = Dispatcher(hooks)
    dispatcher.start()
    return dispatcher
