"""Tables of the webhooks: endpoints, the outbox of events, deliveries and their attempts.

An event row is written in the transaction of the change it reports (the outbox); the
dispatcher later fans it out into one delivery per subscribed endpoint, and every try of a
delivery leaves an attempt row (migration 0006).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.models import Base, UTCDateTime

__all__ = ["WebhookAttemptRow", "WebhookDeliveryRow", "WebhookEndpointRow", "WebhookEventRow"]


class WebhookEndpointRow(Base):
    """A receiver an organisation registered, with the events it wants and its secret(s)."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_organisation", "organisation"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(100))
    """The current signing secret (``whsec_…``); kept in clear, since HMAC needs it."""
    previous_secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    """The secret before the last rotation; it still signs until ``previous_until``."""
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookEventRow(Base):
    """One event of the outbox. ``seq`` orders events; ``subject`` is the document (or
    batch, application) the event is about: deliveries keep order per subject."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_pending", "fanned_out", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    """The ``webhook-id`` receivers deduplicate by (the same for every retry)."""
    organisation: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fanned_out: Mapped[bool] = mapped_column(Boolean, default=False)


class WebhookDeliveryRow(Base):
    """One event to one endpoint: pending until it succeeds, fails for good or is cancelled.

    A dispatcher claims a pending delivery by writing its lease; a lease that runs out
    (the process died) lets another dispatcher take it over.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_order", "endpoint_id", "subject", "event_seq"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_seq: Mapped[int] = mapped_column(ForeignKey("webhook_events.seq"))
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    subject: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookAttemptRow(Base):
    """One HTTP request of a delivery and what came back (or why nothing did)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The first bytes of the response (truncated), for the operator's eyes."""
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
