"""The dispatcher: fans out new events, claims due deliveries, sends them, retries.

Runs as a background thread of the API process (the embedded default) or in any other
process (:func:`run_dispatcher`); several at once are safe, since every delivery is
claimed with a lease in the database. Sends go through a bounded pool of threads, at
most ``per_endpoint`` of them to one endpoint, so a slow receiver holds only its own share
and the others' deliveries keep going.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from time import monotonic

from registry import webhooks as store
from registry.store import new_id, transaction
from signing.webhooks import signed_headers
from workflow.outbound import UrlRefused, post
from workflow.webhooks import Webhooks, event_body

__all__ = ["Dispatcher", "deliver", "next_attempt", "run_dispatcher"]

log = logging.getLogger("qujat.webhooks")

_STORED_BODY_CHARS = 1024
_JITTER = random.SystemRandom()  # the OS's randomness: no shared generator state touched


def next_attempt(
    hooks: Webhooks, attempts: int, now: datetime, give_up_at: datetime
) -> tuple[str, datetime]:
    """After the ``attempts``-th failed try: ``pending`` again after an exponential,
    jittered wait, or ``failed`` once the wait would end past the horizon."""
    cfg = hooks.config
    wait = min(cfg.retry_base_seconds * 2 ** (attempts - 1), cfg.retry_max_interval_seconds)
    wait *= _JITTER.uniform(0.8, 1.0)  # receivers coming back are not hit all at once
    at = now + timedelta(seconds=wait)
    return (store.FAILED, now) if at > give_up_at else (store.PENDING, at)


def deliver(hooks: Webhooks, claim: store.Claim, owner: str) -> bool:
    """Send one claimed delivery and record the attempt; True if the receiver took it."""
    now = hooks.clock()
    body = event_body(claim.event_id, claim.event_type, claim.event_created_at, claim.payload)
    headers = signed_headers(claim.secrets, claim.event_id, int(now.timestamp()), body)
    started = monotonic()
    status_code: int | None = None
    text: str | None = None
    error: str | None = None
    try:
        answer = post(claim.url, body, headers, hooks.config.policy)
        status_code = answer.status
        text = answer.body.decode("utf-8", "replace")[:_STORED_BODY_CHARS]
        if answer.truncated or len(answer.body) > _STORED_BODY_CHARS:
            text += "…"
    except UrlRefused as exc:
        error = f"refused: {exc.details[0].message}"[:300]
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    attempt = store.Attempt(now, int((monotonic() - started) * 1000), status_code, text, error)
    ok = status_code is not None and 200 <= status_code < 300
    if ok:
        state, at = store.SUCCEEDED, now
    else:
        state, at = next_attempt(hooks, claim.attempts + 1, hooks.clock(), claim.give_up_at)
    with transaction(hooks.sessions) as s:
        store.finish(s, claim, owner, attempt, state, at)
    return ok


class Dispatcher:
    """Delivers the outbox; :meth:`start` runs it in a thread, :meth:`poll` is one pass."""

    def __init__(self, hooks: Webhooks, owner: str | None = None) -> None:
        self.hooks = hooks
        self.owner = owner or f"{socket.gethostname()[:20]}:{os.getpid()}:{new_id(40)}"
        self._pool = ThreadPoolExecutor(hooks.config.workers, thread_name_prefix="qujat-webhook")
        self._lock = threading.Lock()
        self._busy: dict[str, int] = {}
        self._in_flight = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _room(self, endpoint_id: str) -> int:
        return self.hooks.config.per_endpoint - self._busy.get(endpoint_id, 0)

    def poll(self) -> int:
        """Fan out new events, then hand as many due deliveries to the senders as there is
        room for; returns how many were handed over."""
        cfg = self.hooks.config
        now = self.hooks.clock()
        horizon = timedelta(seconds=cfg.retry_horizon_seconds)
        with transaction(self.hooks.sessions) as s:
            store.fan_out(s, now, lambda at: at + horizon)
        with self._lock:
            free = cfg.workers - self._in_flight
            if free <= 0:
                return 0
            lease = now + timedelta(seconds=cfg.lease_seconds)
            with transaction(self.hooks.sessions) as s:
                claims = store.claim(s, self.owner, now, lease, self._room, free)
            for c in claims:
                self._busy[c.endpoint_id] = self._busy.get(c.endpoint_id, 0) + 1
                self._in_flight += 1
        for c in claims:
            self._pool.submit(self._send, c)
        return len(claims)

    def _send(self, claim: store.Claim) -> None:
        try:
            deliver(self.hooks, claim, self.owner)
        except Exception:  # the lease runs out and the delivery is tried again
            log.exception("webhook delivery %s failed to complete", claim.delivery_id)
        finally:
            with self._lock:
                self._busy[claim.endpoint_id] -= 1
                if not self._busy[claim.endpoint_id]:
                    del self._busy[claim.endpoint_id]
                self._in_flight -= 1
            self._wake.set()  # the next event of that document may be due now

    def wake(self) -> None:
        """Look for work now rather than at the next poll (e.g. after a commit)."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set."""
        while not stop.is_set() and not self._stop.is_set():
            try:
                handed = self.poll()
            except Exception:  # the database may be away a moment; try again later
                log.exception("webhook dispatcher pass failed")
                handed = 0
            if not handed:
                self._wake.wait(self.hooks.config.poll_seconds)
                self._wake.clear()

    def start(self) -> None:
        """Run in a daemon thread of this process."""
        self._thread = threading.Thread(
            target=self.run, args=(self._stop,), name="qujat-webhook-dispatcher", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop polling and wait for the requests in flight (bounded by their timeout)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)


def run_dispatcher(hooks: Webhooks, stop: threading.Event) -> None:
    """Deliver webhooks in this process until ``stop`` is set (for ``qujat worker``)."""
    dispatcher = Dispatcher(hooks)
    try:
        dispatcher.run(stop)
    finally:
        dispatcher.close()
