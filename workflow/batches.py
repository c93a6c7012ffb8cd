"""Issuing a batch's items, a chunk at a time, whatever runs the chunks (``api/`` owns the
runners: a local process pool, or procrastinate jobs run by ``qujat worker``).

An item is issued through :func:`workflow.documents.issue_document` under the
deterministic Idempotency-Key ``qujat-batch:{batch}:{index}``, so running a chunk again
after a crash returns the document already registered instead of issuing a second one.
"""

from __future__ import annotations

import logging
from typing import Any

from forms.errors import ErrorDetail, QujatError, error_shape
from registry.batches import BatchStore
from workflow.context import Actor, Context
from workflow.documents import IssueRequest, issue_document
from workflow.events import batch_events
from workflow.metrics import ERRORS

__all__ = ["item_key", "run_chunk"]

log = logging.getLogger("qujat.batches")


def _failure(code: str, message: str, details: list[ErrorDetail] | None = None) -> dict[str, Any]:
    """A failed item's error, in the API's error shape (and counted like an answered one)."""
    ERRORS.labels(code).inc()
    return error_shape(code, message, details)


def item_key(batch_id: str, index: int) -> str:
    """The Idempotency-Key an item is issued under: the same on every attempt."""
    return f"qujat-batch:{batch_id}:{index}"


def run_chunk(ctx: Context, store: BatchStore, batch_id: str, start: int, end: int) -> int:
    """Issue the pending items ``start <= index < end`` of a batch; returns how many settled.

    An item the API would refuse (4xx: invalid data, unknown form, conflict) is settled with
    that error; an unavailable registry (5xx) raises, so the chunk runs again later.
    """
    batch = store.get(batch_id)
    key = store.api_key(batch.api_key_id)
    settled = 0
    for index, item in store.pending(batch_id, start, end):
        if key is None:
            store.settle(batch_id, index, error=_failure("unauthenticated",
                         "The batch's API key no longer exists"))  # fmt: skip
            continue
        request = IssueRequest(
            item.form, item.lang, item.data, item.protocol_id, item_key(batch_id, index)
        )
        try:
            record, _created = issue_document(ctx, Actor.of(key), request)
        except QujatError as exc:
            if exc.http_status >= 500:
                raise
            store.settle(batch_id, index, error=_failure(exc.code, exc.message, exc.details))
        except Exception:  # a bug will not go away on a retry: record it, go on
            log.exception("batch %s item %d failed", batch_id, index)
            error = _failure("internal_error", "Something went wrong on our side")
            store.settle(batch_id, index, error=error)
        else:
            store.settle(batch_id, index, document_id=record.id)
        settled += 1
    store.finish_if_settled(batch_id, batch_events(ctx))
    return settled
