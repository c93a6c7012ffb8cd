"""Issuing a batch's items, a chunk at a time, whatever runs the chunks (``api/`` owns the
runners: a local process pool, or procrastinate jobs run by ``qujat worker``).

An item is issued under the deterministic Idempotency-Key ``qujat-batch:{batch}:{index}``,
so running a chunk again after a crash returns the document already registered instead of
issuing a second one. A chunk's items are rendered and certified one by one, then
registered a group at a time in one transaction (group commit: one write lock and one
commit per group, the files fsynced side by side) and settled in one more. Before each
group the batch is checked: cancelled, or its API key revoked, and nothing more of it is
issued.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from forms.errors import ErrorDetail, QujatError, error_shape
from registry import DocumentRecord
from registry.batches import BatchStore
from registry.records import ApiKeyRecord
from workflow.context import Actor, Context
from workflow.documents import IssueRequest, PreparedIssue, issue_document, prepare_issue
from workflow.errors import BatchQuotaExceeded
from workflow.events import batch_events
from workflow.metrics import DOCUMENTS_ISSUED, ERRORS

__all__ = ["GROUP", "cancel_batch", "check_quota", "item_key", "run_chunk"]

log = logging.getLogger("qujat.batches")

GROUP = 10
"""Items registered per transaction: large enough that the commit and the head of the
audit chain are paid once for many, small enough that progress shows and a cancel or a
revoked key stops the batch within a few items."""

Outcome = tuple[int, str | None, dict[str, Any] | None]


def _failure(code: str, message: str, details: list[ErrorDetail] | None = None) -> dict[str, Any]:
    """A failed item's error, in the API's error shape (and counted like an answered one)."""
    ERRORS.labels(code).inc()
    return error_shape(code, message, details)


def item_key(batch_id: str, index: int) -> str:
    """The Idempotency-Key an item is issued under: the same on every attempt."""
    return f"qujat-batch:{batch_id}:{index}"


def cancel_batch(store: BatchStore, batch_id: str, reason: str = "cancelled") -> int:
    """Cancel the batch's pending items (issued ones stay); returns how many. ``reason``:
    ``cancelled`` (asked for) or ``api_key_revoked``."""
    if reason == "api_key_revoked":
        error = _failure("api_key_revoked", "The batch's API key was revoked")
    else:
        error = _failure("cancelled", "The batch was cancelled")
    return store.cancel(batch_id, error)


def check_quota(
    store: BatchStore,
    organisation: str,
    count: int,
    max_pending: int,
    max_per_hour: int,
    now: datetime,
) -> None:
    """Refuse a batch of ``count`` items that would take the organisation past its quotas:
    items accepted and not yet issued (``max_pending``), items submitted in the last hour
    (``max_per_hour``). Raises :class:`BatchQuotaExceeded` (429), nothing is stored."""
    pending, recent = store.load(organisation, now - timedelta(hours=1))
    if pending + count > max_pending:
        raise BatchQuotaExceeded(
            f"The organisation has {pending} batch items pending; at most {max_pending}",
            [ErrorDetail("items", "max_pending", "wait for the running batches, or cancel one")],
        )
    if recent + count > max_per_hour:
        raise BatchQuotaExceeded(
            f"The organisation submitted {recent} batch items in the last hour; at most "
            f"{max_per_hour}",
            [ErrorDetail("items", "max_per_hour", "submit the rest later")],
        )  # fmt: skip


def _stopped(store: BatchStore, batch_id: str, key_id: str) -> bool:
    """Is the batch no longer to be worked on? A revoked (or removed) key cancels it."""
    if store.status(batch_id) != "running":
        return True
    key = store.api_key(key_id)
    if key is None or key.revoked_at is not None:
        cancel_batch(store, batch_id, "api_key_revoked")
        return True
    return False


def _register(
    ctx: Context, actor: Actor, group: list[tuple[int, IssueRequest, PreparedIssue]]
) -> list[Outcome]:
    """Register a group in one transaction; an entry that met a constraint (a status
    index taken meanwhile, a twin under its key) is issued again alone, as the API would."""
    results = ctx.registry.register_many([(p.new, p.pdf, p.also) for _i, _r, p in group])
    outcomes: list[Outcome] = []
    for (index, request, prepared), result in zip(group, results, strict=True):
        if isinstance(result, DocumentRecord):
            DOCUMENTS_ISSUED.labels(prepared.form).inc()
            outcomes.append((index, result.id, None))
            continue
        try:
            record, _created = issue_document(ctx, actor, request)
        except QujatError as exc:
            if exc.http_status >= 500:
                raise
            outcomes.append((index, None, _failure(exc.code, exc.message, exc.details)))
        else:
            outcomes.append((index, record.id, None))
    return outcomes


def _prepare(
    ctx: Context, actor: Actor, request: IssueRequest, index: int, outcomes: list[Outcome]
) -> PreparedIssue | None:
    """Render and certify one item; an item the API would refuse (4xx) is settled with that
    error, an unavailable registry or signer (5xx) raises, so the chunk runs again."""
    try:
        return prepare_issue(ctx, actor, request)
    except QujatError as exc:
        if exc.http_status >= 500:
            raise
        outcomes.append((index, None, _failure(exc.code, exc.message, exc.details)))
    except Exception:  # a bug will not go away on a retry: record it, go on
        log.exception("batch item %d failed", index)
        outcomes.append((index, None, _failure("internal_error", "Something went wrong")))
    return None


def run_chunk(ctx: Context, store: BatchStore, batch_id: str, start: int, end: int) -> int:
    """Issue the pending items ``start <= index < end`` of a batch; returns how many settled.

    An item the API would refuse (4xx: invalid data, unknown form, conflict) is settled with
    that error; an unavailable registry (5xx) raises, so the chunk runs again later. A
    cancelled batch, or one whose key is revoked, has nothing more issued.
    """
    batch = store.get(batch_id)
    if _stopped(store, batch_id, batch.api_key_id):
        return 0
    key: ApiKeyRecord | None = store.api_key(batch.api_key_id)
    assert key is not None  # _stopped checked it
    actor = Actor.of(key)
    pending = store.pending(batch_id, start, end)
    replayed = store.issued_under(key.organisation, [item_key(batch_id, i) for i, _ in pending])
    settled = 0
    for first in range(0, len(pending), GROUP):
        outcomes: list[Outcome] = []
        group: list[tuple[int, IssueRequest, PreparedIssue]] = []
        for index, item in pending[first : first + GROUP]:
            request = IssueRequest(
                item.form, item.lang, item.data, item.protocol_id, item_key(batch_id, index)
            )
            if request.idempotency_key in replayed:  # registered before a crash: settle it
                outcomes.append((index, replayed[request.idempotency_key], None))
                continue
            prepared = _prepare(ctx, actor, request, index, outcomes)
            if prepared is not None:
                group.append((index, request, prepared))
        if group and _stopped(store, batch_id, key.id):
            break  # cancelled or revoked meanwhile: what is rendered is not registered
        outcomes += _register(ctx, actor, group) if group else []
        store.settle_many(batch_id, outcomes)
        settled += len(outcomes)
    store.finish_if_settled(batch_id, batch_events(ctx))
    return settled
