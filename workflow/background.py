"""A flow run on a timer in a daemon thread of the API process (or in the foreground by
``qujat worker``): the LTV upgrader and the signing-session sweeper are two of them."""

from __future__ import annotations

import logging
import threading

__all__ = ["Periodic"]

log = logging.getLogger("qujat.background")


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
