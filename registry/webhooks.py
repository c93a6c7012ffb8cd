"""The webhook outbox and its deliveries: storage only, no policy.

When to retry and when to give up is decided by ``workflow/webhooks``; this module stores
what it decides. Claiming is safe across processes: a claim is a compare-and-set of the
lease (``UPDATE … WHERE lease is free``), and on PostgreSQL the candidates are read
``FOR UPDATE SKIP LOCKED`` so two dispatchers do not even wait on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from registry.errors import Conflict, NotFound
from registry.models_webhooks import (
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
    WebhookEventRow,
)
from registry.store import is_id, new_id

DbSession = Session
"""One open transaction of the registry's database (what the store functions take)."""
Sessions = sessionmaker[Session]
"""What opens such transactions (``registry.store.transaction(sessions)``)."""


def sessions_of(engine: Any) -> Sessions:
    """The webhook store's transactions over a registry's engine."""
    return sessionmaker(engine, expire_on_commit=False)


__all__ = [
    "Attempt",
    "Claim",
    "DbSession",
    "DeliveryRecord",
    "EndpointRecord",
    "Sessions",
    "claim",
    "create_endpoint",
    "delete_endpoint",
    "deliveries",
    "endpoint",
    "endpoints",
    "event_row",
    "fan_out",
    "finish",
    "retry_delivery",
    "rotate_secret",
    "sessions_of",
]

PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"


@dataclass(frozen=True)
class EndpointRecord:
    """A registered receiver (its secrets are never part of the record)."""

    id: str
    organisation: str
    url: str
    events: tuple[str, ...]
    created_at: datetime
    previous_until: datetime | None
    """While set and in the future, the previous secret still signs."""


@dataclass(frozen=True)
class Attempt:
    """One HTTP request of a delivery."""

    started_at: datetime
    duration_ms: int
    status_code: int | None
    response_body: str | None
    error: str | None


@dataclass(frozen=True)
class DeliveryRecord:
    """One event to one endpoint, with every attempt so far."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    subject: str
    status: str
    attempts: tuple[Attempt, ...]
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Claim:
    """A delivery a dispatcher holds the lease of: everything needed to send it."""

    delivery_id: str
    endpoint_id: str
    url: str
    secrets: tuple[str, ...]
    event_id: str
    event_type: str
    event_created_at: datetime
    payload: dict[str, Any]
    attempts: int
    give_up_at: datetime


def _endpoint_record(row: WebhookEndpointRow) -> EndpointRecord:
    return EndpointRecord(
        row.id, row.organisation, row.url, tuple(row.events), row.created_at, row.previous_until
    )


def _live_endpoint(s: Session, organisation: str, endpoint_id: str) -> WebhookEndpointRow:
    row = s.get(WebhookEndpointRow, endpoint_id) if is_id(endpoint_id) else None
    if row is None or row.organisation != organisation or row.deleted_at is not None:
        raise NotFound(f"no webhook {endpoint_id[:40]!r}")
    return row


def create_endpoint(
    s: Session, organisation: str, url: str, events: list[str], secret: str, now: datetime
) -> EndpointRecord:
    """Register a receiver of ``events`` for ``organisation``."""
    row = WebhookEndpointRow(
        id=new_id(),
        organisation=organisation,
        url=url,
        events=sorted(set(events)),
        secret=secret,
        created_at=now,
    )
    s.add(row)
    s.flush()
    return _endpoint_record(row)


def endpoints(s: Session, organisation: str) -> list[EndpointRecord]:
    """The organisation's live endpoints, oldest first."""
    rows = s.scalars(
        select(WebhookEndpointRow)
        .where(
            WebhookEndpointRow.organisation == organisation,
            WebhookEndpointRow.deleted_at.is_(None),
        )
        .order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.id)
    )
    return [_endpoint_record(r) for r in rows]


def endpoint(s: Session, organisation: str, endpoint_id: str) -> EndpointRecord:
    """One live endpoint of the organisation; :class:`NotFound` otherwise (also for
    another organisation's, which must not be told apart from none)."""
    return _endpoint_record(_live_endpoint(s, organisation, endpoint_id))


def delete_endpoint(s: Session, organisation: str, endpoint_id: str, now: datetime) -> None:
    """Stop sending to an endpoint: its pending deliveries are cancelled; history stays."""
    row = _live_endpoint(s, organisation, endpoint_id)
    row.deleted_at = now
    s.execute(
        update(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.endpoint_id == row.id, WebhookDeliveryRow.status == PENDING)
        .values(status=CANCELLED, finished_at=now, lease_owner=None, lease_until=None)
    )


def rotate_secret(
    s: Session, organisation: str, endpoint_id: str, secret: str, old_signs_until: datetime
) -> EndpointRecord:
    """Make ``secret`` the current one; the old one keeps signing until ``old_signs_until``."""
    row = _live_endpoint(s, organisation, endpoint_id)
    row.previous_secret, row.previous_until, row.secret = row.secret, old_signs_until, secret
    s.flush()
    return _endpoint_record(row)


def event_row(
    organisation: str, type_: str, subject: str, payload: dict[str, Any], now: datetime
) -> WebhookEventRow:
    """An outbox row, to be added to the session of the change it reports."""
    return WebhookEventRow(
        id=f"msg_{new_id()}",
        organisation=organisation,
        type=type_,
        subject=subject[:64],
        payload=payload,
        created_at=now,
        fanned_out=False,
    )


def fan_out(s: Session, now: datetime, horizon: Callable[[datetime], datetime]) -> int:
    """Turn new events into one delivery per live endpoint subscribed to them.

    The events are taken by one compare-and-set of ``fanned_out`` over the whole page
    (``UPDATE … WHERE fanned_out = false RETURNING seq``), so with several dispatchers
    every event is fanned out exactly once; each organisation's endpoints are read once
    per page. Returns the deliveries made.
    """
    t = WebhookEventRow
    events = s.execute(
        select(t.seq, t.organisation, t.type, t.subject, t.created_at)
        .where(t.fanned_out.is_(False))
        .order_by(t.seq)
        .limit(500)
    ).all()
    if not events:
        return 0
    taken = set(
        s.scalars(
            update(WebhookEventRow)
            .where(
                WebhookEventRow.seq.in_([event.seq for event in events]),
                WebhookEventRow.fanned_out.is_(False),
            )
            .values(fanned_out=True)
            .returning(WebhookEventRow.seq)
            .execution_options(synchronize_session=False)
        )
    )
    subscribed: dict[str, list[EndpointRecord]] = {}
    made = 0
    for event in events:
        if event.seq not in taken:
            continue  # another dispatcher took it
        if event.organisation not in subscribed:
            subscribed[event.organisation] = endpoints(s, event.organisation)
        for ep in subscribed[event.organisation]:
            if event.type in ep.events:
                s.add(
                    WebhookDeliveryRow(
                        id=new_id(),
                        event_seq=event.seq,
                        endpoint_id=ep.id,
                        subject=event.subject,
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=event.created_at,
                        give_up_at=horizon(event.created_at),
                        created_at=now,
                    )
                )
                made += 1
    s.flush()
    return made


def _secrets(row: WebhookEndpointRow, now: datetime) -> tuple[str, ...]:
    if row.previous_secret and row.previous_until and row.previous_until > now:
        return (row.secret, row.previous_secret)
    return (row.secret,)


def claim(
    s: Session,
    owner: str,
    now: datetime,
    lease_until: datetime,
    room: Callable[[str], int],
    limit: int,
) -> list[Claim]:
    """Take the lease of up to ``limit`` due deliveries, at most ``room(endpoint)`` each.

    A delivery is due only when no earlier delivery of the same subject to the same
    endpoint is still pending: order per document holds even across retries.
    """
    d = WebhookDeliveryRow
    earlier = aliased(WebhookDeliveryRow)
    blocked = exists().where(
        earlier.endpoint_id == d.endpoint_id,
        earlier.subject == d.subject,
        earlier.event_seq < d.event_seq,
        earlier.status == PENDING,
    )
    query = (
        select(d.id, d.endpoint_id)
        .where(
            d.status == PENDING,
            d.next_attempt_at <= now,
            or_(d.lease_until.is_(None), d.lease_until < now),
            ~blocked,
        )
        .order_by(d.event_seq)
        .limit(limit * 4)
    )
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=d)
    taken: dict[str, int] = {}
    claims: list[Claim] = []
    for delivery_id, endpoint_id in s.execute(query).all():
        if len(claims) >= limit or taken.get(endpoint_id, 0) >= room(endpoint_id):
            continue
        won = s.execute(
            update(d)
            .where(
                d.id == delivery_id,
                d.status == PENDING,
                or_(d.lease_until.is_(None), d.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        if getattr(won, "rowcount", 0) != 1:
            continue  # another dispatcher was quicker
        taken[endpoint_id] = taken.get(endpoint_id, 0) + 1
        row, ep, event = s.execute(
            select(d, WebhookEndpointRow, WebhookEventRow)
            .join(WebhookEndpointRow, WebhookEndpointRow.id == d.endpoint_id)
            .join(WebhookEventRow, WebhookEventRow.seq == d.event_seq)
            .where(d.id == delivery_id)
        ).one()
        claims.append(
            Claim(
                delivery_id=row.id,
                endpoint_id=ep.id,
                url=ep.url,
                secrets=_secrets(ep, now),
                event_id=event.id,
                event_type=event.type,
                event_created_at=event.created_at,
                payload=event.payload,
                attempts=row.attempts,
                give_up_at=row.give_up_at,
            )
        )
    return claims


def finish(
    s: Session, claim_: Claim, owner: str, attempt: Attempt, status: str, next_at: datetime
) -> bool:
    """Record an attempt and the delivery's new state (``pending`` again with ``next_at``,
    ``succeeded`` or ``failed``). Returns ``False`` if the lease was lost meanwhile (the
    attempt is still recorded; the new owner decides the state)."""
    s.add(WebhookAttemptRow(delivery_id=claim_.delivery_id, **vars(attempt)))
    d = WebhookDeliveryRow
    values: dict[str, Any] = {
        "status": status,
        "attempts": claim_.attempts + 1,
        "lease_owner": None,
        "lease_until": None,
        "next_attempt_at": next_at,
    }
    if status != PENDING:
        values["finished_at"] = attempt.started_at
    done = s.execute(
        update(d)
        .where(d.id == claim_.delivery_id, d.lease_owner == owner, d.status == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return getattr(done, "rowcount", 0) == 1


def deliveries(
    s: Session, organisation: str, endpoint_id: str, limit: int = 100
) -> list[DeliveryRecord]:
    """The endpoint's latest deliveries, newest first, each with its attempts."""
    ep = _live_endpoint(s, organisation, endpoint_id)
    d = WebhookDeliveryRow
    rows = s.execute(
        select(d, WebhookEventRow)
        .join(WebhookEventRow, WebhookEventRow.seq == d.event_seq)
        .where(d.endpoint_id == ep.id)
        .order_by(d.event_seq.desc())
        .limit(limit)
    ).all()
    ids = [r.id for r, _ in rows]
    attempts: dict[str, list[Attempt]] = {i: [] for i in ids}
    if ids:
        for a in s.scalars(
            select(WebhookAttemptRow)
            .where(WebhookAttemptRow.delivery_id.in_(ids))
            .order_by(WebhookAttemptRow.id)
        ):
            attempts[a.delivery_id].append(
                Attempt(a.started_at, a.duration_ms, a.status_code, a.response_body, a.error)
            )
    return [
        DeliveryRecord(
            id=r.id,
            endpoint_id=r.endpoint_id,
            event_id=e.id,
            event_type=e.type,
            subject=r.subject,
            status=r.status,
            attempts=tuple(attempts[r.id]),
            next_attempt_at=r.next_attempt_at if r.status == PENDING else None,
            created_at=r.created_at,
            finished_at=r.finished_at,
        )
        for r, e in rows
    ]


def retry_delivery(
    s: Session,
    organisation: str,
    endpoint_id: str,
    delivery_id: str,
    now: datetime,
    give_up_at: datetime,
) -> None:
    """Send a failed delivery again (a new retry horizon from now); only failed ones."""
    ep = _live_endpoint(s, organisation, endpoint_id)
    d = WebhookDeliveryRow
    row = s.get(d, delivery_id) if is_id(delivery_id) else None
    if row is None or row.endpoint_id != ep.id:
        raise NotFound(f"no delivery {delivery_id[:40]!r}")
    again = s.execute(
        update(d)
        .where(and_(d.id == row.id, d.status == FAILED))
        .values(status=PENDING, next_attempt_at=now, give_up_at=give_up_at, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(again, "rowcount", 0) != 1:
        raise Conflict(f"the delivery is {row.status}, not failed: nothing to re-send")
