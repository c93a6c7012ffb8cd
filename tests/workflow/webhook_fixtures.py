"""A webhook context over a fresh, migrated SQLite registry, and a way to emit events."""

from __future__ import annotations

from dataclasses import replace

from registry.store import transaction
from workflow.outbound import OutboundPolicy
from workflow.webhooks import EventPayload, WebhookConfig, Webhooks, emit

FAST = WebhookConfig(
    policy=OutboundPolicy(allow_http_loopback=True, timeout_seconds=1.0),
    retry_base_seconds=0.1,
    retry_max_interval_seconds=0.4,
    retry_horizon_seconds=30.0,
    poll_seconds=0.05,
)


def with_config(hooks: Webhooks, **changes: object) -> Webhooks:
    return replace(hooks, config=replace(hooks.config, **changes))  # type: ignore[arg-type]


def emit_now(hooks: Webhooks, organisation: str, type_: str, subject: str, n: int) -> None:
    """Commit one event (the n-th of ``subject``) the way a flow would."""
    with transaction(hooks.sessions) as s:
        emit(s, organisation, type_, EventPayload(subject, {"document": {"id": subject, "n": n}}))
