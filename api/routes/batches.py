"""``/v1/batches``: many cases in one request, issued in the background, with progress."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.batches import BatchRunner, build_runner, runner_kind
from api.deps import ApiKeyDep, ServicesDep, require_scope
from api.schemas import DocumentCreate
from registry.batches import BatchItem, BatchRecord, BatchStore
from registry.errors import NotFound
from registry.records import ApiKeyRecord
from workflow.batches import cancel_batch, check_quota

router = APIRouter(prefix="/v1/batches", tags=["batches"])

MAX_ITEMS = 10_000

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]


class BatchCreate(BaseModel):
    """``POST /v1/batches``: up to 10,000 cases, of any forms."""

    model_config = ConfigDict(extra="forbid")

    items: list[DocumentCreate] = Field(min_length=1, max_length=MAX_ITEMS)


class BatchItemPublic(BaseModel):
    """One item: ``pending``, ``issued`` (``document_id``) or ``failed`` (``error``)."""

    index: int
    form: str
    lang: str
    status: str
    document_id: str | None = None
    error: dict[str, Any] | None = None


class BatchPublic(BaseModel):
    """A batch, its progress, and (on GET) its items' results."""

    id: str
    status: str
    total: int
    pending: int
    issued: int
    failed: int
    created_at: datetime
    finished_at: datetime | None
    cancelled: int = 0
    """Items cancelled (``DELETE``, or the batch's API key revoked) before they were issued."""
    links: dict[str, str]
    items: list[BatchItemPublic] | None = None


_runner_lock = threading.Lock()


def get_runner(request: Request, services: ServicesDep) -> BatchRunner:
    """This app's batch runner, built on first use (no pool or queue until then)."""
    state = request.app.state
    with _runner_lock:
        if getattr(state, "batch_runner", None) is None:
            store = BatchStore(services.registry.engine, services.clock)
            state.batch_runner = build_runner(services.settings, store)
        runner: BatchRunner = state.batch_runner
        return runner


RunnerDep = Annotated[BatchRunner, Depends(get_runner)]


def _public(batch: BatchRecord, items: list[BatchItemPublic] | None = None) -> BatchPublic:
    return BatchPublic(
        id=batch.id,
        status=batch.status,
        total=batch.total,
        pending=batch.pending,
        issued=batch.issued,
        failed=batch.failed,
        created_at=batch.created_at,
        finished_at=batch.finished_at,
        cancelled=batch.cancelled,
        links={"self": f"/v1/batches/{batch.id}"},
        items=items,
    )


@router.post("", status_code=202)
def create_batch(
    body: BatchCreate, runner: RunnerDep, key: IssueKey, services: ServicesDep
) -> BatchPublic:
    """Accept the cases and queue their issuance; poll ``links.self`` for progress.

    Each item is validated when it is issued: an invalid one fails alone, with the error
    ``POST /v1/documents`` would have answered.
    """
    items = [BatchItem(i.form, i.lang, i.data, i.protocol_id) for i in body.items]
    settings = services.settings
    check_quota(runner.store, key.organisation, len(items), settings.batch_max_pending,
                settings.batch_max_per_hour, services.clock())  # fmt: skip
    return _public(runner.submit(key.organisation, key.id, items))


@router.delete("/{batch_id}")
def cancel(batch_id: str, runner: RunnerDep, key: IssueKey) -> BatchPublic:
    """Cancel the batch: its items not yet issued become ``cancelled``, the issued ones
    stay; the batch shows ``cancelled``. A batch already finished is answered as it is."""
    batch = _own(runner.store, batch_id, key)
    cancel_batch(runner.store, batch.id)
    return _public(runner.store.get(batch.id))


def _own(store: BatchStore, batch_id: str, key: ApiKeyRecord) -> BatchRecord:
    """The batch if it is the key's organisation's; otherwise it does not exist."""
    batch = store.get(batch_id[:40])
    if batch.organisation != key.organisation:
        raise NotFound(f"no batch {batch_id[:40]!r}")
    return batch


@router.get("/{batch_id}")
def read_batch(
    batch_id: str,
    runner: RunnerDep,
    key: ApiKeyDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ITEMS)] = 0,
    limit: Annotated[int, Query(ge=0, le=MAX_ITEMS)] = MAX_ITEMS,
) -> BatchPublic:
    """Progress and per-item results (``offset``/``limit`` page through the items)."""
    batch = _own(runner.store, batch_id, key)
    items = [
        BatchItemPublic(
            index=r.index,
            form=r.form,
            lang=r.lang,
            status=r.status,
            document_id=r.document_id,
            error=r.error,
        )
        for r in runner.store.items(batch.id, offset, limit)
    ]
    return _public(batch, items)


def resume_local_batches(app: Any) -> None:
    """Queue again the unfinished batches of the embedded pool (called at start-up)."""
    services = app.state.services
    if runner_kind(services.settings) != "local":
        return  # procrastinate's jobs are in PostgreSQL: its workers resume them
    store = BatchStore(services.registry.engine, services.clock)
    if store.unfinished():
        with _runner_lock:
            if getattr(app.state, "batch_runner", None) is None:
                app.state.batch_runner = build_runner(services.settings, store)
        app.state.batch_runner.resume()
