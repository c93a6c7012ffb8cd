"""``/v1/webhooks``: an organisation's endpoints, their secrets and their deliveries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.deps import require_scope
from api.schemas_webhooks import (
    AttemptPublic,
    DeliveriesPublic,
    DeliveryPublic,
    RotateSecret,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhooksPublic,
)
from registry.records import ApiKeyRecord
from registry.webhooks import DeliveryRecord, EndpointRecord
from workflow import webhooks as flows
from workflow.webhooks import Webhooks

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

AdminKey = Annotated[ApiKeyRecord, Depends(require_scope("admin"))]


async def get_webhooks(request: Request) -> Webhooks:
    hooks: Webhooks = request.app.state.webhooks
    return hooks


WebhooksDep = Annotated[Webhooks, Depends(get_webhooks)]


def _public(record: EndpointRecord) -> WebhookPublic:
    return WebhookPublic(
        id=record.id,
        url=record.url,
        events=list(record.events),
        created_at=record.created_at,
        previous_secret_until=record.previous_until,
    )


def _delivery(record: DeliveryRecord) -> DeliveryPublic:
    return DeliveryPublic(
        id=record.id,
        event_id=record.event_id,
        event_type=record.event_type,
        subject=record.subject,
        status=record.status,
        next_attempt_at=record.next_attempt_at,
        created_at=record.created_at,
        finished_at=record.finished_at,
        attempts=[AttemptPublic(**vars(a)) for a in record.attempts],
    )


@router.post("", status_code=201)
def create_webhook(
    body: WebhookCreate, hooks: WebhooksDep, key: AdminKey, response: Response
) -> WebhookCreated:
    """Register an endpoint for events; the signing secret is in this answer only."""
    record, secret = flows.register_endpoint(hooks, key.organisation, body.url, body.events)
    response.headers["Location"] = f"/v1/webhooks/{record.id}"
    return WebhookCreated(**_public(record).model_dump(), secret=secret)


@router.get("")
def list_webhooks(hooks: WebhooksDep, key: AdminKey) -> WebhooksPublic:
    """Your organisation's endpoints."""
    return WebhooksPublic(items=[_public(r) for r in flows.list_endpoints(hooks, key.organisation)])


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: str, hooks: WebhooksDep, key: AdminKey) -> Response:
    """Stop sending to an endpoint; its pending deliveries are cancelled."""
    flows.delete_endpoint(hooks, key.organisation, webhook_id)
    return Response(status_code=204)


@router.post("/{webhook_id}/rotate-secret")
def rotate_secret(
    webhook_id: str, hooks: WebhooksDep, key: AdminKey, body: RotateSecret | None = None
) -> WebhookCreated:
    """A new signing secret; the old one also signs during the overlap."""
    overlap = body.overlap_seconds if body else None
    record, secret = flows.rotate_secret(hooks, key.organisation, webhook_id, overlap)
    return WebhookCreated(**_public(record).model_dump(), secret=secret)


@router.get("/{webhook_id}/deliveries")
def list_deliveries(webhook_id: str, hooks: WebhooksDep, key: AdminKey) -> DeliveriesPublic:
    """The endpoint's latest 100 deliveries, newest first, with every attempt."""
    items = flows.deliveries(hooks, key.organisation, webhook_id)
    return DeliveriesPublic(items=[_delivery(d) for d in items])


@router.post("/{webhook_id}/deliveries/{delivery_id}/retry", status_code=202)
def retry_delivery(
    webhook_id: str, delivery_id: str, hooks: WebhooksDep, key: AdminKey
) -> Response:
    """Send a failed delivery again (409 if it is not failed)."""
    flows.retry_delivery(hooks, key.organisation, webhook_id, delivery_id)
    return Response(status_code=202)
