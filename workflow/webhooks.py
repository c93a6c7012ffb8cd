"""Webhooks: the events, what each carries, and the flows an organisation drives.

A change emits its event with :func:`emit` (or :func:`outbox_row`) inside the change's own
transaction, so an event exists exactly when the change does; the dispatcher
(:mod:`workflow.webhook_dispatch`) delivers it later, at least once. Payloads carry a
document's public facts and links — the facts its public verification page shows — and
never an IIN: the builders take no IIN, and :func:`_mask_iins` masks any twelve-digit run
that slips into free text (a revocation reason, say).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from forms.errors import ErrorDetail, FormDataInvalid
from registry import webhooks as store
from registry.store import transaction
from registry.webhooks import DbSession, Sessions
from signing.webhooks import new_secret
from workflow.outbound import OutboundPolicy, check_url

__all__ = [
    "EVENT_TYPES",
    "EventPayload",
    "WebhookConfig",
    "Webhooks",
    "application_decided",
    "batch_completed",
    "delete_endpoint",
    "deliveries",
    "derived_documents_created",
    "document_issued",
    "document_revoked",
    "emit",
    "event_body",
    "list_endpoints",
    "outbox_row",
    "protocol_completed",
    "protocol_signature_added",
    "register_endpoint",
    "retry_delivery",
    "rotate_secret",
]

EVENT_TYPES = (
    "document.issued",
    "document.revoked",
    "protocol.signature_added",
    "protocol.completed",
    "derived_documents.created",
    "batch.completed",
    "application.decided",
)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class WebhookConfig:
    """How deliveries are made and retried (built from ``QUJAT_WEBHOOK_*`` by ``api/``)."""

    policy: OutboundPolicy = field(default_factory=OutboundPolicy)
    """What outbound requests may do."""
    retry_base_seconds: float = 5.0
    """The first retry waits this long; each next one twice as long."""
    retry_max_interval_seconds: float = 3600.0
    """No wait between two attempts is longer than this."""
    retry_horizon_seconds: float = 3 * 86400.0
    """A delivery not through this long after its event is marked failed."""
    secret_overlap_seconds: float = 86400.0
    """After a rotation, the old secret keeps signing this long (both sign)."""
    workers: int = 8
    """Threads sending deliveries, shared by all endpoints."""
    per_endpoint: int = 2
    """At most this many requests in flight to one endpoint."""
    poll_seconds: float = 0.25
    """How often the dispatcher looks for new events and due retries."""

    @property
    def lease_seconds(self) -> float:
        """How long a claimed delivery stays ours: longer than any one request can take
        (the request is cut at its timeout; recording the attempt takes the rest)."""
        return 2 * self.policy.timeout_seconds + 5


@dataclass(frozen=True)
class Webhooks:
    """What the webhook flows need: the registry's sessions, the clock, the config."""

    sessions: Sessions
    clock: Clock
    config: WebhookConfig


@dataclass(frozen=True)
class EventPayload:
    """An event's data and what it is about (deliveries keep order per ``subject``)."""

    subject: str
    """The document (protocol, batch, application) id."""
    data: dict[str, Any]


# Payloads


_IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _mask_iins(value: Any) -> Any:
    """Any twelve-digit run becomes ``********1234``: a full IIN never leaves."""
    if isinstance(value, str):
        return _IIN.sub(lambda m: "********" + m.group()[-4:], value)
    if isinstance(value, dict):
        return {k: _mask_iins(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_iins(v) for v in value]
    return value


def _links(base_url: str, doc_id: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {
        "self": f"{base}/v1/documents/{doc_id}",
        "pdf": f"{base}/v1/documents/{doc_id}/pdf",
        "verify": f"{base}/v1/verify/{doc_id}",
        "verify_page": f"{base}/v/{doc_id}",
    }


def _document(
    base_url: str,
    *,
    id: str,
    form: str,
    status: str,
    holder_name: str | None,
    valid_until: date | None,
    protocol_id: str | None,
    lang: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "form": form,
        "lang": lang,
        "status": status,
        "holder_name": holder_name,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "protocol_id": protocol_id,
        "links": _links(base_url, id),
    }


def document_issued(
    base_url: str,
    *,
    id: str,
    form: str,
    lang: str,
    status: str,
    holder_name: str | None,
    valid_until: date | None,
    protocol_id: str | None,
) -> EventPayload:
    """``document.issued``: a document was registered (a protocol: awaiting signatures)."""
    facts = _document(
        base_url,
        id=id,
        form=form,
        lang=lang,
        status=status,
        holder_name=holder_name,
        valid_until=valid_until,
        protocol_id=protocol_id,
    )
    return EventPayload(id, {"document": facts})


def document_revoked(
    base_url: str,
    *,
    id: str,
    form: str,
    holder_name: str | None,
    valid_until: date | None,
    protocol_id: str | None,
    revoked_at: datetime,
    reason: str,
) -> EventPayload:
    """``document.revoked``: a document was revoked (its PDF is kept)."""
    facts = _document(
        base_url,
        id=id,
        form=form,
        status="revoked",
        holder_name=holder_name,
        valid_until=valid_until,
        protocol_id=protocol_id,
    )
    data = {"document": facts, "revoked_at": revoked_at.isoformat(), "reason": reason}
    return EventPayload(id, data)


def protocol_signature_added(
    base_url: str,
    *,
    protocol_id: str,
    form: str,
    role: str,
    signer_name: str,
    signed_at: datetime,
    signed: int,
    required: int,
) -> EventPayload:
    """``protocol.signature_added``: one commission member countersigned a protocol."""
    data = {
        "protocol": {"id": protocol_id, "form": form, "links": _links(base_url, protocol_id)},
        "signature": {"role": role, "signer": signer_name, "signed_at": signed_at.isoformat()},
        "signatures": {"signed": signed, "required": required},
    }
    return EventPayload(protocol_id, data)


def protocol_completed(
    base_url: str, *, protocol_id: str, form: str, signatures: int, completed_at: datetime
) -> EventPayload:
    """``protocol.completed``: the last required signature is in; the protocol is final."""
    data = {
        "protocol": {"id": protocol_id, "form": form, "links": _links(base_url, protocol_id)},
        "signatures": signatures,
        "completed_at": completed_at.isoformat(),
    }
    return EventPayload(protocol_id, data)


def derived_documents_created(
    base_url: str, *, protocol_id: str, documents: Sequence[tuple[str, str, str | None]]
) -> EventPayload:
    """``derived_documents.created``: extracts/certificates of a protocol, as
    ``(id, form, holder_name)``."""
    data = {
        "protocol": {"id": protocol_id, "links": _links(base_url, protocol_id)},
        "documents": [
            {"id": i, "form": f, "holder_name": h, "links": _links(base_url, i)}
            for i, f, h in documents
        ],
    }
    return EventPayload(protocol_id, data)


def batch_completed(
    base_url: str, *, batch_id: str, total: int, issued: int, failed: int, finished_at: datetime
) -> EventPayload:
    """``batch.completed``: every item of a batch is settled (issued or failed)."""
    base = base_url.rstrip("/")
    data = {
        "batch": {
            "id": batch_id,
            "total": total,
            "issued": issued,
            "failed": failed,
            "finished_at": finished_at.isoformat(),
            "links": {"self": f"{base}/v1/batches/{batch_id}"},
        }
    }
    return EventPayload(batch_id, data)


def application_decided(
    base_url: str,
    *,
    application_id: str | None,
    accepted: bool,
    notice_id: str,
    notice_form: str,
    registered_on: date,
) -> EventPayload:
    """``application.decided``: an application was accepted or rejected; the notice (and
    the accepted application) are documents."""
    data = {
        "decision": "accepted" if accepted else "rejected",
        "registered_on": registered_on.isoformat(),
        "application": (
            {"id": application_id, "links": _links(base_url, application_id)}
            if application_id
            else None
        ),
        "notice": {"id": notice_id, "form": notice_form, "links": _links(base_url, notice_id)},
    }
    return EventPayload(application_id or notice_id, data)


def event_body(event_id: str, type_: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    """The JSON a receiver gets (Standard Webhooks' ``type``/``timestamp``/``data``)."""
    body = {"id": event_id, "type": type_, "timestamp": created_at.isoformat(), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


# Emitting, inside the caller's transaction


def outbox_row(
    organisation: str, type_: str, payload: EventPayload, at: datetime | None = None
) -> object:
    """The outbox row of an event, for a caller that hands rows to its own transaction
    (``Registry.register(..., also=[...])``)."""
    if type_ not in EVENT_TYPES:
        raise FormDataInvalid([ErrorDetail("type", "webhook_event", f"unknown event {type_}")])
    now = at or datetime.now(UTC)
    return store.event_row(organisation, type_, payload.subject, _mask_iins(payload.data), now)


def emit(
    session: DbSession,
    organisation: str,
    type_: str,
    payload: EventPayload,
    at: datetime | None = None,
) -> None:
    """Put an event in the outbox within ``session``'s transaction: it is delivered if and
    only if that transaction commits."""
    session.add(outbox_row(organisation, type_, payload, at))


# Flows of the organisation


def _check_events(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown or not events:
        message = f"unknown events {unknown}" if unknown else "name at least one event"
        raise FormDataInvalid(
            [ErrorDetail("events", "webhook_events", f"{message}; one of {list(EVENT_TYPES)}")]
        )
    return list(events)


def register_endpoint(
    hooks: Webhooks, organisation: str, url: str, events: Sequence[str]
) -> tuple[store.EndpointRecord, str]:
    """Register a receiver; returns it and its signing secret (shown this once)."""
    wanted = _check_events(events)
    check_url(url, hooks.config.policy)
    secret = new_secret()
    with transaction(hooks.sessions) as s:
        record = store.create_endpoint(s, organisation, url, wanted, secret, hooks.clock())
    return record, secret


def list_endpoints(hooks: Webhooks, organisation: str) -> list[store.EndpointRecord]:
    """The organisation's endpoints."""
    with transaction(hooks.sessions) as s:
        return store.endpoints(s, organisation)


def delete_endpoint(hooks: Webhooks, organisation: str, endpoint_id: str) -> None:
    """Stop sending to an endpoint (pending deliveries cancelled)."""
    with transaction(hooks.sessions) as s:
        store.delete_endpoint(s, organisation, endpoint_id, hooks.clock())


def rotate_secret(
    hooks: Webhooks, organisation: str, endpoint_id: str, overlap_seconds: float | None = None
) -> tuple[store.EndpointRecord, str]:
    """A new secret; the old one also signs for ``overlap_seconds`` (default: config)."""
    overlap = hooks.config.secret_overlap_seconds if overlap_seconds is None else overlap_seconds
    until = hooks.clock() + timedelta(seconds=overlap)
    secret = new_secret()
    with transaction(hooks.sessions) as s:
        record = store.rotate_secret(s, organisation, endpoint_id, secret, until)
    return record, secret


def deliveries(
    hooks: Webhooks, organisation: str, endpoint_id: str, limit: int = 100
) -> list[store.DeliveryRecord]:
    """An endpoint's latest deliveries and their attempts."""
    with transaction(hooks.sessions) as s:
        return store.deliveries(s, organisation, endpoint_id, limit)


def retry_delivery(hooks: Webhooks, organisation: str, endpoint_id: str, delivery_id: str) -> None:
    """Send a failed delivery again, with a fresh retry horizon."""
    now = hooks.clock()
    give_up = now + timedelta(seconds=hooks.config.retry_horizon_seconds)
    with transaction(hooks.sessions) as s:
        store.retry_delivery(s, organisation, endpoint_id, delivery_id, now, give_up)
