"""A flow run on a timer in a daemon thread of the API process (or in the foreground by
``qujat worker``): the LTV upgrader and the signing-session sweeper are two of them."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

__all__ = ["Activity", "Periodic"]

log = logging.getLogger("qujat.background")


class Activity:
    """How busy this process's hot path is (issuing, countersigning), so that background
    work can give way to it.

    The B-LTA upgrade of a file costs ≈ 50 ms of CPU, twice an issuance: run beside a burst
    of issuances it halved their rate. The upgrader now waits, before each file, until no
    hot-path call has run for ``quiet`` seconds, yet never longer than ``longest``, so
    under a load that never stops the upgrades still advance (one per ``longest``) and
    catch up once it ends. A B-T file is valid meanwhile; only its B-LTA comes later.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._ended = float("-inf")
        self._changed = threading.Condition(self._lock)

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark a hot-path call for as long as it runs."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._ended = time.monotonic()
                self._changed.notify_all()

    def idle_for(self) -> float:
        """Seconds since the last hot-path call ended; 0 while one runs."""
        with self._lock:
            return 0.0 if self._running else time.monotonic() - self._ended

    def wait_quiet(self, quiet: float, longest: float, stop: threading.Event) -> None:
        """Return once the hot path has been idle for ``quiet`` seconds, after ``longest``
        seconds at most, or at once when ``stop`` is set."""
        deadline = time.monotonic() + longest
        while not stop.is_set():
            now = time.monotonic()
            idle = self.idle_for()
            if idle >= quiet or now >= deadline:
                return
            with self._lock:
                self._changed.wait(min(quiet - idle, deadline - now, 0.25))


def lower_thread_priority(niceness: int = 10) -> None:
    """Make the calling thread a low-priority one for the kernel (Linux: a thread has its
    own nice value), so that across the server's worker processes a background pass yields
    the cores to requests. Best effort: elsewhere, or when refused, nothing changes."""
    with suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class Periodic:
    """Calls :meth:`tick` at once, then every ``every_seconds``, until :meth:`close`. A failed
    pass is logged (its exception's type only) and the next one runs as planned."""

    name = "qujat-periodic"
    """The thread's name (and the log's word for what failed)."""

    def __init__(self, every_seconds: float) -> None:
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)

    def tick(self) -> object:
        """One pass of the work."""
        raise NotImplementedError

    def start(self) -> None:
        """Run in the background until :meth:`close`."""
        self._thread.start()

    def close(self) -> None:
        """Stop after the current pass."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def run(self) -> None:
        """The loop (also callable in the foreground)."""
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # a registry hiccup or a lost race must not end the thread
                log.warning("%s pass failed: %s", self.name, type(exc).__name__)
            self._stop.wait(self.every_seconds)
