"""Running batches behind one interface, :class:`BatchRunner`, with two implementations.

* :class:`ProcrastinateRunner` (PostgreSQL deployments): the batch rows and one
  procrastinate job per chunk of items are committed in one transaction, so a batch is never
  accepted without its work queued. ``qujat worker`` (any number, on any machine reaching the
  database) runs the jobs; a worker that dies mid-chunk stops sending heartbeats, and the
  other workers put its job back in the queue (:func:`requeue_stalled`).
* :class:`LocalRunner` (the embedded SQLite default): a local process pool in the API
  process; unfinished batches are resubmitted when the process starts again.

Either way a chunk runs :func:`workflow.batches.run_chunk`, the same flow.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from api.memory import trim
from api.services import Services, build_services
from api.settings import Settings
from registry import new_id
from registry.batches import BatchItem, BatchRecord, BatchStore, chunks
from registry.queue import conninfo, ensure_queue_schema
from workflow.batches import item_key, run_chunk

if TYPE_CHECKING:
    import procrastinate

__all__ = [
    "QUEUE",
    "BatchRunner",
    "LocalRunner",
    "ProcrastinateRunner",
    "build_runner",
    "ensure_queue_schema",
    "item_key",
    "procrastinate_app",
    "requeue_stalled",
    "run_chunk",
    "runner_kind",
]

log = logging.getLogger("qujat.batches")

QUEUE = "qujat-batches"
TASK = "qujat.batch_chunk"


class BatchRunner(Protocol):
    """Accepts batches and gets their items issued, by whatever engine."""

    store: BatchStore

    def submit(self, organisation: str, api_key_id: str, items: list[BatchItem]) -> BatchRecord:
        """Store a new batch and queue its work; returns it (every item pending)."""
        ...

    def resume(self) -> int:
        """Queue again the work of unfinished batches this engine would otherwise lose."""
        ...

    def close(self) -> None:
        """Release pools and connections."""
        ...


# The services of a worker process (local pool or ``qujat worker``): built once per process.
_worker: tuple[Services, BatchStore] | None = None


def init_worker(settings: Settings) -> tuple[Services, BatchStore]:
    """Build this process's services (keys loaded, templates warm) for running chunks."""
    global _worker
    if _worker is None:
        services = build_services(settings)
        _worker = services, BatchStore(services.registry.engine)
        trim()  # the long-lived start-up objects out of every later collection
    return _worker


def _chunk_in_worker(batch_id: str, start: int, end: int) -> int:
    if _worker is None:
        raise RuntimeError("worker services not initialised")
    services, store = _worker
    return run_chunk(services.context, store, batch_id, start, end)


class LocalRunner:
    """A process pool in this process: the embedded default (SQLite, one machine).

    The chunks wait in a queue of this runner's own, not the pool's: at most one chunk per
    pool process is handed over at a time, and the next is the one whose place among its
    organisation's queued chunks is lowest — round-robin across organisations, so a
    10-item batch does not wait behind another organisation's 10,000.
    """

    def __init__(self, settings: Settings, store: BatchStore) -> None:
        self.settings, self.store = settings, store
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()  # a done-callback may run inside _dispatch
        self._idle = threading.Condition(self._lock)
        self._queue: list[tuple[int, int, str, str, int, int]] = []
        """A heap of (place in its organisation, order, organisation, batch, start, end)."""
        self._queued: dict[str, int] = {}
        self._order = 0
        self._running = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.settings.batch_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(self.settings,),
            )
        return self._pool

    def submit(self, organisation: str, api_key_id: str, items: list[BatchItem]) -> BatchRecord:
        record = self.store.create(new_id(), organisation, api_key_id, items)
        self._schedule(organisation, record.id, record.total)
        return record

    def _schedule(self, organisation: str, batch_id: str, total: int) -> None:
        with self._lock:
            ahead = self._queued.get(organisation, 0)
            for place, (start, end) in enumerate(chunks(total, self.settings.batch_chunk_size)):
                self._order += 1
                entry = (ahead + place, self._order, organisation, batch_id, start, end)
                heapq.heappush(self._queue, entry)
                self._queued[organisation] = self._queued.get(organisation, 0) + 1
            self._dispatch()

    def _dispatch(self) -> None:
        """Hand the pool the next chunks, up to one per process (the lock is held)."""
        while self._queue and self._running < self.settings.batch_workers:
            _place, _order, organisation, batch_id, start, end = heapq.heappop(self._queue)
            self._queued[organisation] -= 1
            try:
                future = self._executor().submit(_chunk_in_worker, batch_id, start, end)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
                self._pool = None
                future = self._executor().submit(_chunk_in_worker, batch_id, start, end)
            self._running += 1
            future.add_done_callback(self._done)

    def _done(self, future: Future[int]) -> None:
        _log_failure(future)
        with self._lock:
            self._running -= 1
            if self._pool is not None:
                self._dispatch()
            self._idle.notify_all()

    def resume(self) -> int:
        unfinished = self.store.unfinished()
        for batch_id, total in unfinished:
            self._schedule(self.store.get(batch_id).organisation, batch_id, total)
        return len(unfinished)

    def wait(self) -> None:
        """Finish every queued chunk (the command line's ``qujat batch``)."""
        with self._lock:
            while self._queue or self._running:
                self._idle.wait(1.0)
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._queue.clear()
            self._queued.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _log_failure(future: Future[int]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("a batch chunk failed (resumed at next start): %s", future.exception())


def procrastinate_app(db_url: str) -> procrastinate.App:
    """The procrastinate app over the registry's PostgreSQL database, with the chunk task."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(db_url)))
    app.task(
        name=TASK,
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(max_attempts=20, wait=5),
    )(_chunk_in_worker)
    return app


class ProcrastinateRunner:
    """Procrastinate jobs in PostgreSQL, run by ``qujat worker`` processes anywhere."""

    def __init__(self, settings: Settings, store: BatchStore) -> None:
        self.settings, self.store = settings, store
        ensure_queue_schema(store.engine)
        self.app = procrastinate_app(settings.db_url)

    def submit(self, organisation: str, api_key_id: str, items: list[BatchItem]) -> BatchRecord:
        batch_id = new_id()
        size = self.settings.batch_chunk_size
        # round-robin across organisations: a chunk's priority (higher runs first) is minus
        # its place among its organisation's queued chunks
        ahead = self.store.load(organisation, datetime.now(UTC))[0] // size
        task = self.app.tasks[TASK]
        jobs = [
            task.configure(priority=-(ahead + place)).make_new_job(
                batch_id=batch_id, start=start, end=end
            )
            for place, (start, end) in enumerate(chunks(len(items), size))
        ]
        with self.store.engine.begin() as conn:  # the batch and its jobs, or neither
            self.store.insert(conn, batch_id, organisation, api_key_id, items)
            raw = conn.connection.driver_connection
            self.app.job_manager.batch_defer_jobs(jobs=jobs, connection=raw)
        return self.store.get(batch_id)

    def resume(self) -> int:
        return 0  # the jobs are in PostgreSQL; workers requeue stalled ones

    def close(self) -> None:
        pass


async def requeue_stalled(app: procrastinate.App, stalled_seconds: float) -> int:
    """Put back in the queue the jobs of workers silent for ``stalled_seconds``."""
    jobs = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=stalled_seconds
    )
    count = 0
    for job in jobs:
        log.warning("requeueing batch job %s of a stalled worker", job.id)
        await app.job_manager.retry_job(job)
        count += 1
    return count


async def watch_stalled(app: procrastinate.App, stalled_seconds: float) -> None:
    """Requeue stalled jobs every half ``stalled_seconds``, until cancelled."""
    while True:
        try:
            await requeue_stalled(app, stalled_seconds)
        except Exception:
            log.exception("could not requeue stalled jobs")
        await asyncio.sleep(max(0.5, stalled_seconds / 2))


def runner_kind(settings: Settings) -> str:
    """``local`` or ``procrastinate``: ``settings.batch_runner``, ``auto`` resolved."""
    if settings.batch_runner != "auto":
        return settings.batch_runner
    return "procrastinate" if settings.db_url.startswith("postgresql") else "local"


def build_runner(settings: Settings, store: BatchStore) -> BatchRunner:
    """The runner ``settings.batch_runner`` names (``auto``: procrastinate on PostgreSQL)."""
    if runner_kind(settings) == "procrastinate":
        return ProcrastinateRunner(settings, store)
    return LocalRunner(settings, store)
