"""What comes in and goes out of ``/v1/webhooks``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AttemptPublic",
    "DeliveriesPublic",
    "DeliveryPublic",
    "RotateSecret",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookPublic",
    "WebhooksPublic",
]

EventType = Literal[
    "document.issued",
    "document.revoked",
    "protocol.signature_added",
    "protocol.completed",
    "derived_documents.created",
    "batch.completed",
    "application.decided",
]


class WebhookCreate(BaseModel):
    """``POST /v1/webhooks``."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, examples=["https://platform.example.kz/qujat/events"])
    events: list[EventType] = Field(min_length=1, max_length=20)


class WebhookPublic(BaseModel):
    """A registered endpoint (never its secret)."""

    id: str
    url: str
    events: list[str]
    created_at: datetime
    previous_secret_until: datetime | None = Field(
        description="While in the future, the secret before the last rotation also signs"
    )


class WebhookCreated(WebhookPublic):
    """The endpoint and its signing secret, shown this once."""

    secret: str = Field(description="Standard Webhooks signing secret (whsec_…)")


class WebhooksPublic(BaseModel):
    items: list[WebhookPublic]


class RotateSecret(BaseModel):
    """``POST /v1/webhooks/{id}/rotate-secret``."""

    model_config = ConfigDict(extra="forbid")

    overlap_seconds: float | None = Field(
        default=None, ge=0, le=30 * 86400, description="How long the old secret also signs"
    )


class AttemptPublic(BaseModel):
    started_at: datetime
    duration_ms: int
    status_code: int | None
    response_body: str | None = Field(description="The start of the answer (truncated)")
    error: str | None


class DeliveryPublic(BaseModel):
    id: str
    event_id: str = Field(description="The webhook-id header (the same on every retry)")
    event_type: str
    subject: str
    status: Literal["pending", "succeeded", "failed", "cancelled"]
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    attempts: list[AttemptPublic]


class DeliveriesPublic(BaseModel):
    items: list[DeliveryPublic]
