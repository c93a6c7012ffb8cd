"""Batches: many cases submitted at once, with progress and a result per item.

A batch and its items are rows (migration 0005), so progress survives any process: whoever
runs the work (a local process pool or procrastinate workers on other machines) reads the
pending items here and records each item's document id or error here. Nothing about a
batch lives in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from forms.types import Clock
from registry.errors import NotFound
from registry.models import ApiKeyRow, DocumentRow
from registry.models_batches import BatchItemRow, BatchRow
from registry.records import ApiKeyRecord
from registry.store import is_id

__all__ = [
    "BatchFinished",
    "BatchItem",
    "BatchItemResult",
    "BatchItemRow",
    "BatchRecord",
    "BatchRow",
    "BatchStore",
]


_INSERT_CHUNK = 1000


@dataclass(frozen=True)
class BatchItem:
    """A case as submitted in a batch."""

    form: str
    """Form id."""
    lang: str
    """``kk`` or ``ru``."""
    data: dict[str, Any]
    """The case data, validated only when the item is issued."""
    protocol_id: str | None = None
    """The protocol the document rests on, if any."""


@dataclass(frozen=True)
class BatchItemResult:
    """An item's state: ``pending``, ``issued`` (with its document), ``failed`` (why) or
    ``cancelled`` (why: the batch was cancelled, or its API key revoked)."""

    index: int
    form: str
    lang: str
    status: str
    document_id: str | None
    error: dict[str, Any] | None
    """The error's ``{"code", "message", "details"}``, as the API would have answered."""


@dataclass(frozen=True)
class BatchRecord:
    """A batch and its progress."""

    id: str
    organisation: str
    api_key_id: str
    status: str
    """``running`` until every item is issued or failed, then ``done``; ``cancelled``
    (``DELETE /v1/batches/{id}``, or its API key revoked) once its pending items are."""
    total: int
    pending: int
    issued: int
    failed: int
    created_at: datetime
    finished_at: datetime | None
    cancelled: int = 0


class BatchStore:
    """Batches and their items in the registry database."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(UTC))

    def create(
        self, batch_id: str, organisation: str, api_key_id: str, items: list[BatchItem]
    ) -> BatchRecord:
        """Store a new batch with every item pending."""
        now = self._clock()
        with self.engine.begin() as conn:
            self.insert(conn, batch_id, organisation, api_key_id, items, now)
        return self.get(batch_id)

    def insert(
        self,
        conn: Any,
        batch_id: str,
        organisation: str,
        api_key_id: str,
        items: list[BatchItem],
        now: datetime | None = None,
    ) -> None:
        """Insert the batch on ``conn`` (the caller's transaction; jobs may join it)."""
        now = now or self._clock()
        conn.execute(
            insert(BatchRow).values(
                id=batch_id,
                organisation=organisation,
                api_key_id=api_key_id,
                status="running",
                total=len(items),
                created_at=now,
            )
        )
        rows = [
            {
                "batch_id": batch_id,
                "idx": i,
                "form": item.form,
                "lang": item.lang,
                "data": item.data,
                "protocol_id": item.protocol_id,
                "status": "pending",
            }
            for i, item in enumerate(items)
        ]
        for start in range(0, len(rows), _INSERT_CHUNK):
            conn.execute(insert(BatchItemRow), rows[start : start + _INSERT_CHUNK])

    def get(self, batch_id: str) -> BatchRecord:
        """The batch with its counts; :class:`NotFound` if there is none."""
        with self.engine.connect() as conn:
            found = select(BatchRow).where(BatchRow.id == batch_id)
            row = conn.execute(found).first() if is_id(batch_id) else None
            if row is None:
                raise NotFound(f"no batch {batch_id[:40]!r}")
            counts = dict(
                conn.execute(
                    select(BatchItemRow.status, func.count())
                    .where(BatchItemRow.batch_id == batch_id)
                    .group_by(BatchItemRow.status)
                ).all()
            )
        return BatchRecord(
            id=row.id,
            organisation=row.organisation,
            api_key_id=row.api_key_id,
            status=row.status,
            total=row.total,
            pending=int(counts.get("pending", 0)),
            issued=int(counts.get("issued", 0)),
            failed=int(counts.get("failed", 0)),
            cancelled=int(counts.get("cancelled", 0)),
            created_at=row.created_at,
            finished_at=row.finished_at,
        )

    def items(self, batch_id: str, offset: int = 0, limit: int = 10_000) -> list[BatchItemResult]:
        """Items ``offset`` … ``offset + limit - 1`` in submission order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    BatchItemRow.idx,
                    BatchItemRow.form,
                    BatchItemRow.lang,
                    BatchItemRow.status,
                    BatchItemRow.document_id,
                    BatchItemRow.error,
                )
                .where(BatchItemRow.batch_id == batch_id)
                .order_by(BatchItemRow.idx)
                .offset(offset)
                .limit(limit)
            ).all()
        return [BatchItemResult(*row) for row in rows]

    def pending(self, batch_id: str, start: int, end: int) -> list[tuple[int, BatchItem]]:
        """The still-pending items with ``start <= index < end``."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    BatchItemRow.idx,
                    BatchItemRow.form,
                    BatchItemRow.lang,
                    BatchItemRow.data,
                    BatchItemRow.protocol_id,
                )
                .where(
                    BatchItemRow.batch_id == batch_id,
                    BatchItemRow.status == "pending",
                    BatchItemRow.idx >= start,
                    BatchItemRow.idx < end,
                )
                .order_by(BatchItemRow.idx)
            ).all()
        return [(r.idx, BatchItem(r.form, r.lang, r.data, r.protocol_id)) for r in rows]

    def settle(
        self,
        batch_id: str,
        index: int,
        document_id: str | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        """Record an item's outcome: its document, or its error."""
        self.settle_many(batch_id, [(index, document_id, error)])

    def settle_many(
        self, batch_id: str, outcomes: Sequence[tuple[int, str | None, dict[str, Any] | None]]
    ) -> None:
        """Record several items' outcomes ``(index, document_id, error)`` in one transaction.

        An error settles only a still-pending item; a document settles a pending or a
        cancelled one — a document registered while the batch was being cancelled exists,
        so its item says so (issued ones stay)."""
        if not outcomes:
            return
        now = self._clock()
        with self.engine.begin() as conn:
            for index, document_id, error in outcomes:
                allowed = ("pending", "cancelled") if document_id else ("pending",)
                conn.execute(
                    update(BatchItemRow)
                    .where(
                        BatchItemRow.batch_id == batch_id,
                        BatchItemRow.idx == index,
                        BatchItemRow.status.in_(allowed),
                    )
                    .values(
                        status="issued" if document_id else "failed",
                        document_id=document_id,
                        error=error,
                        settled_at=now,
                    )
                )

    def cancel(self, batch_id: str, error: dict[str, Any]) -> int:
        """Cancel a running batch: every pending item becomes ``cancelled`` with ``error``
        and the batch ``cancelled``, in one transaction; items issued stay issued. Returns
        how many items were cancelled (0 for a batch already done or cancelled)."""
        now = self._clock()
        with self.engine.begin() as conn:
            moved = conn.execute(
                update(BatchRow)
                .where(BatchRow.id == batch_id, BatchRow.status == "running")
                .values(status="cancelled", finished_at=now)
            )
            if moved.rowcount != 1:
                return 0
            cancelled = conn.execute(
                update(BatchItemRow)
                .where(BatchItemRow.batch_id == batch_id, BatchItemRow.status == "pending")
                .values(status="cancelled", error=error, settled_at=now)
            )
            return int(cancelled.rowcount)

    def status(self, batch_id: str) -> str | None:
        """The batch's status alone (``running``, ``done``, ``cancelled``), no counts: what
        a worker checks before registering each group of items."""
        with self.engine.connect() as conn:
            value = conn.scalar(select(BatchRow.status).where(BatchRow.id == batch_id))
        return None if value is None else str(value)

    def load(self, organisation: str, since: datetime) -> tuple[int, int]:
        """``(items pending, items submitted since since)`` of an organisation's batches:
        what its quotas are measured against."""
        with self.engine.connect() as conn:
            pending = conn.scalar(
                select(func.count())
                .select_from(BatchItemRow)
                .join(BatchRow, BatchRow.id == BatchItemRow.batch_id)
                .where(
                    BatchRow.organisation == organisation,
                    BatchRow.status == "running",
                    BatchItemRow.status == "pending",
                )
            )
            recent = conn.scalar(
                select(func.coalesce(func.sum(BatchRow.total), 0)).where(
                    BatchRow.organisation == organisation, BatchRow.created_at >= since
                )
            )
        return int(pending or 0), int(recent or 0)

    def finish_if_settled(
        self, batch_id: str, also: Callable[[BatchFinished], Sequence[object]] | None = None
    ) -> bool:
        """Mark the batch ``done`` once no item is pending; True if it is done. ``also``
        makes rows added in the same transaction when this call finished it (the webhook
        event: once per batch)."""
        with self.engine.begin() as conn:
            left = conn.scalar(
                select(func.count()).where(
                    BatchItemRow.batch_id == batch_id, BatchItemRow.status == "pending"
                )
            )
            if left:
                return False
            now = self._clock()
            moved = conn.execute(
                update(BatchRow)
                .where(BatchRow.id == batch_id, BatchRow.status == "running")
                .values(status="done", finished_at=now)
            )
            if also is not None and moved.rowcount == 1:
                _add_rows(conn, also(_finished(conn, batch_id, now)))
        return True

    def issued_under(self, organisation: str, keys: Sequence[str]) -> dict[str, str]:
        """``{Idempotency-Key: document id}`` of the documents already registered under any
        of ``keys``: one query for a chunk's replays instead of one per item."""
        if not keys:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(DocumentRow.idempotency_key, DocumentRow.id).where(
                    DocumentRow.organisation == organisation,
                    DocumentRow.idempotency_key.in_(list(keys)),
                )
            ).all()
        return {str(k): str(i) for k, i in rows}

    def unfinished(self) -> list[tuple[str, int]]:
        """``(id, total)`` of every batch not yet done, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(BatchRow.id, BatchRow.total)
                .where(BatchRow.status == "running")
                .order_by(BatchRow.created_at)
            ).all()
        return [(r.id, r.total) for r in rows]

    def api_key(self, key_id: str) -> ApiKeyRecord | None:
        """The key a batch was submitted with (even if revoked since: the batch was accepted)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(ApiKeyRow).where(ApiKeyRow.id == key_id)).first()
        if row is None:
            return None
        return ApiKeyRecord(
            id=row.id,
            organisation=row.organisation,
            scopes=frozenset(s for s in row.scopes.split(",") if s),
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )


def chunks(total: int, size: int) -> Iterable[tuple[int, int]]:
    """``[start, end)`` ranges of at most ``size`` items covering ``0 … total - 1``."""
    return ((s, min(s + size, total)) for s in range(0, total, size))


@dataclass(frozen=True)
class BatchFinished:
    """A batch as it becomes ``done``, for the event written in that transaction."""

    id: str
    organisation: str
    total: int
    issued: int
    failed: int
    finished_at: datetime


def _finished(conn: Connection, batch_id: str, now: datetime) -> BatchFinished:
    batch = conn.execute(
        select(BatchRow.organisation, BatchRow.total).where(BatchRow.id == batch_id)
    ).one()
    issued = conn.scalar(
        select(func.count()).where(
            BatchItemRow.batch_id == batch_id, BatchItemRow.document_id.is_not(None)
        )
    )
    done = int(issued or 0)
    return BatchFinished(batch_id, batch.organisation, batch.total, done, batch.total - done, now)


def _add_rows(conn: Connection, rows: Sequence[object]) -> None:
    """ORM rows inserted on ``conn``, inside its transaction."""
    with Session(bind=conn) as s:
        s.add_all(rows)
        s.flush()
