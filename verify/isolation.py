"""Validation of untrusted PDFs in worker processes bounded in time and memory.

pyHanko parses whatever it is given. A hostile upload can nest objects until the parser
recurses out of stack, declare a billion cross-reference entries, or hide a gigabyte behind a
small FlateDecode stream. None of that may take the server down, so each validation runs in
a long-lived worker process (``spawn``, so no locks are inherited from the server's threads)
whose address space is capped with ``RLIMIT_AS``. The parent waits at most ``timeout``
seconds; a worker that overruns is killed (SIGKILL) and replaced, and one that dies or runs
out of memory is reported as :class:`PdfTooComplex`. A job has its worker to itself, so
killing one never disturbs another request.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from asn1crypto import x509

from forms.errors import VerificationError
from verify.errors import PdfTooComplex, VerifierBusy
from verify.pdf import MAX_BYTES, PdfReport

__all__ = ["IsolationLimits", "ValidatorPool"]

log = logging.getLogger("qujat.verify")

_STARTUP_SECONDS = 60.0
_TOO_COMPLEX = "The PDF could not be checked"


@dataclass(frozen=True)
class IsolationLimits:
    """How far one validation may go."""

    workers: int = 2
    """Worker processes (at most this many validations at once)."""
    timeout: float = 10.0
    """Seconds a validation may take before its worker is killed."""
    memory_bytes: int = 768 * 1024 * 1024
    """Address space of a worker (``RLIMIT_AS``), interpreter and libraries included."""
    max_bytes: int = MAX_BYTES
    """Largest PDF accepted."""
    queue_wait: float = 15.0
    """Seconds a request waits for a free worker before :class:`VerifierBusy`."""


def _worker(conn: Connection, roots_der: list[bytes], memory_bytes: int, max_bytes: int) -> None:
    """Worker loop: limits first, then validate whatever comes until the pipe closes."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from verify.pdf import validate_pdf

    roots = [x509.Certificate.load(der) for der in roots_der]
    conn.send(("ready",))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            result: tuple[Any, ...] = ("ok", validate_pdf(data, roots, max_bytes=max_bytes))
        except PdfTooComplex as exc:
            result = ("too_complex", exc.message)
        except VerificationError as exc:
            result = ("unreadable", exc.message)
        except MemoryError:
            result = ("too_complex", f"{_TOO_COMPLEX}: it needs more memory than allowed")
        except RecursionError:
            result = ("too_complex", f"{_TOO_COMPLEX}: its objects are nested too deeply")
        except Exception as exc:  # hostile input may trip any parser path: still a 4xx
            result = ("unreadable", f"The PDF cannot be read ({type(exc).__name__})")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("too_complex", f"{_TOO_COMPLEX}: the report needs too much memory"))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ValidatorPool:
    """Validate PDFs in isolated worker processes (started on first use, replaced on death)."""

    def __init__(
        self, trust_roots: Sequence[x509.Certificate], limits: IsolationLimits | None = None
    ) -> None:
        self.limits = limits or IsolationLimits()
        self._roots_der = [cert.dump() for cert in trust_roots]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._count = 0
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker,
            args=(child, self._roots_der, self.limits.memory_bytes, self.limits.max_bytes),
            name="qujat-verify",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        try:
            ready = parent.poll(_STARTUP_SECONDS) and parent.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            worker.kill()
            raise VerificationError("The validation worker could not start")
        return worker

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            spawn = self._count < self.limits.workers
            if spawn:
                self._count += 1
        if spawn:
            try:
                return self._start()
            except BaseException:
                with self._lock:
                    self._count -= 1
                raise
        try:
            return self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise VerifierBusy("Every validation worker is busy; try again shortly") from None

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._count -= 1

    def validate(self, data: bytes) -> PdfReport:
        """:func:`verify.validate_pdf` in a worker; :class:`PdfTooComplex` past the limits."""
        if len(data) > self.limits.max_bytes:
            raise VerificationError(f"The file is larger than {self.limits.max_bytes} bytes")
        worker = self._acquire()
        started = time.monotonic()
        try:
            worker.conn.send_bytes(data)
            if not worker.conn.poll(self.limits.timeout):
                self._discard(worker)
                raise PdfTooComplex(f"{_TOO_COMPLEX} within {self.limits.timeout:g} s")
            result = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            log.warning("validation worker died after %.0f ms", _ms(started))
            raise PdfTooComplex(f"{_TOO_COMPLEX}: it exhausted the checker") from None
        self._idle.put(worker)
        kind = result[0]
        if kind == "ok":
            report: PdfReport = result[1]
            return report
        if kind == "too_complex":
            raise PdfTooComplex(str(result[1]))
        raise VerificationError(str(result[1]))

    def close(self) -> None:
        """Stop every idle worker (busy ones are stopped when their job returns)."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._discard(worker)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
