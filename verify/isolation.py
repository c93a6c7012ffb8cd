"""Validation of untrusted PDFs in worker processes bounded in time and memory.

pyHanko parses whatever it is given. A hostile upload can nest objects until the parser
recurses out of stack, declare a billion cross-reference entries, or hide a gigabyte behind a
small FlateDecode stream. None of that may take the server down, so each validation runs in
a long-lived worker process (``spawn``, so no locks are inherited from the server's threads)
whose address space is capped with ``RLIMIT_AS``. The parent waits at most ``timeout``
seconds; a worker that overruns is killed (SIGKILL) and replaced, and one that dies or runs
out of memory is reported as :class:`PdfTooComplex`. A job has its worker to itself, so
killing one never disturbs another request.

Workers are handed out in arrival order, one condition variable for every change (a worker
freed, killed, or a slot to start a new one), so a request already waiting gets the slot a
killed worker leaves. One client (the id the caller passes: an address, an API key) holds at
most ``per_client`` workers at once; its further requests wait while other clients' pass
them, so six slow uploads from one client cannot starve everyone else. (A request with no
client id is held to no share: pass one from every public entry point.)

:func:`examine_bounded` gives a one-off caller (``qujat verify``) the same bounds.
"""

from __future__ import annotations

import hashlib
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
from signing.settle import settled
from verify.errors import PdfTooComplex, VerifierBusy
from verify.inspection import Inspection
from verify.pdf import MAX_BYTES, PdfReport

__all__ = ["Examination", "IsolationLimits", "ValidatorPool", "examine_bounded"]

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
    per_client: int | None = None
    """Workers one client may hold at once; ``None``: half the workers, at least one."""

    @property
    def client_share(self) -> int:
        """The per-client cap in effect."""
        return self.per_client if self.per_client is not None else max(1, self.workers // 2)


@dataclass(frozen=True)
class Examination:
    """Both readings of one file, made in one worker."""

    report: PdfReport
    """What each signature says (pyHanko's validation)."""
    inspection: Inspection
    """Whose signatures they are and what followed them."""


def _worker(
    conn: Connection,
    roots_der: list[bytes],
    issuers: list[str],
    memory_bytes: int,
    max_bytes: int,
) -> None:
    """Worker loop: limits first, then check whatever comes until the pipe closes."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import logging

    from verify.inspection import inspect_pdf
    from verify.pdf import validate_pdf
    from verify.structure import check_structure

    # pyHanko and its validator log certificate subjects (names, IINs) of uploaded files:
    # nothing of an upload's contents goes to the log
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    roots = [settled(x509.Certificate.load(der)) for der in roots_der]
    pinned = frozenset(issuers)
    conn.send(("ready",))
    while True:
        try:
            kind = conn.recv()
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            # the cross-reference sections first: their size bounds everything after
            check_structure(data)
            report = validate_pdf(data, roots, max_bytes=max_bytes)
            value: Any = report
            if kind == "examine":
                value = Examination(report, inspect_pdf(data, pinned))
            result: tuple[Any, ...] = ("ok", value)
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
        self,
        trust_roots: Sequence[x509.Certificate],
        limits: IsolationLimits | None = None,
        issuer_certificates: Sequence[x509.Certificate] = (),
    ) -> None:
        self.limits = limits or IsolationLimits()
        self._roots_der = [cert.dump() for cert in trust_roots]
        self._issuers = [hashlib.sha256(c.dump()).hexdigest() for c in issuer_certificates]
        self._idle: queue.Queue[_Worker] = queue.Queue()  # touched under _changed only
        self._count = 0  # workers alive or being started
        self._busy: dict[str | None, int] = {}  # client -> workers it holds
        self._waiting: list[tuple[object, str | None]] = []  # arrival order
        self._changed = threading.Condition()
        self._closed = False
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker,
            args=(
                child,
                self._roots_der,
                self._issuers,
                self.limits.memory_bytes,
                self.limits.max_bytes,
            ),
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

    def _first_eligible(self) -> object | None:
        """The earliest waiting request whose client is under its share."""
        share = self.limits.client_share
        for ticket, client in self._waiting:
            if client is None or self._busy.get(client, 0) < share:
                return ticket
        return None

    def _acquire(self, client: str | None) -> _Worker:
        deadline = time.monotonic() + self.limits.queue_wait
        ticket = object()
        with self._changed:
            self._waiting.append((ticket, client))
            try:
                while True:
                    if self._first_eligible() is ticket:
                        if not self._idle.empty():
                            self._busy[client] = self._busy.get(client, 0) + 1
                            return self._idle.get_nowait()
                        if self._count < self.limits.workers:
                            self._count += 1
                            self._busy[client] = self._busy.get(client, 0) + 1
                            break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise VerifierBusy("Every validation worker is busy; try again shortly")
                    self._changed.wait(remaining)
            finally:
                self._waiting.remove((ticket, client))
                self._changed.notify_all()  # the next in line may now be eligible
        try:
            return self._start()
        except BaseException:
            self._release(client, None)
            raise

    def _release(self, client: str | None, worker: _Worker | None) -> None:
        """Give the worker back (``None``: it is gone) and wake whoever waits."""
        keep = worker is not None and not self._closed
        if worker is not None and not keep:
            worker.kill()
        with self._changed:
            self._busy[client] -= 1
            if not self._busy[client]:
                del self._busy[client]
            if keep:
                assert worker is not None
                self._idle.put(worker)
            else:
                self._count -= 1
            self._changed.notify_all()

    def _discard(self, worker: _Worker, client: str | None) -> None:
        worker.kill()  # outside the lock: joining a killed process takes a moment
        self._release(client, None)

    def _run(self, kind: str, data: bytes, client: str | None) -> Any:
        if len(data) > self.limits.max_bytes:
            raise VerificationError(f"The file is larger than {self.limits.max_bytes} bytes")
        worker = self._acquire(client)
        started = time.monotonic()
        try:
            worker.conn.send(kind)
            worker.conn.send_bytes(data)
            if not worker.conn.poll(self.limits.timeout):
                self._discard(worker, client)
                raise PdfTooComplex(f"{_TOO_COMPLEX} within {self.limits.timeout:g} s")
            result = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker, client)
            log.warning("validation worker died after %.0f ms", _ms(started))
            raise PdfTooComplex(f"{_TOO_COMPLEX}: it exhausted the checker") from None
        except PdfTooComplex:
            raise
        except Exception as exc:  # an answer that cannot be unpickled: the worker is suspect
            self._discard(worker, client)
            raise VerificationError(f"The PDF cannot be read ({type(exc).__name__})") from None
        self._release(client, worker)
        if result[0] == "ok":
            return result[1]
        if result[0] == "too_complex":
            raise PdfTooComplex(str(result[1]))
        raise VerificationError(str(result[1]))

    def validate(self, data: bytes, client: str | None = None) -> PdfReport:
        """:func:`verify.validate_pdf` in a worker; :class:`PdfTooComplex` past the limits.

        ``client`` identifies who asks (an address, an API key id), for the per-client
        share; ``None`` (a caller that knows no client) is held to no share.
        """
        report: PdfReport = self._run("validate", data, client)
        return report

    def examine(self, data: bytes, client: str | None = None) -> Examination:
        """Validation and :func:`verify.inspection.inspect_pdf` of ``data`` in one worker.

        Every failure is a :class:`~forms.errors.VerificationError` (``unreadable_pdf``,
        ``pdf_too_complex``, ``verification_busy``); no parser exception escapes.
        """
        examination: Examination = self._run("examine", data, client)
        return examination

    def close(self) -> None:
        """Stop every idle worker (busy ones are stopped when their job returns)."""
        with self._changed:
            self._closed = True
            idle = []
            while not self._idle.empty():
                idle.append(self._idle.get_nowait())
            self._count -= len(idle)
            self._changed.notify_all()
        for worker in idle:
            worker.kill()


def examine_bounded(
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    issuer_certificates: Sequence[x509.Certificate],
    limits: IsolationLimits | None = None,
) -> Examination:
    """:meth:`ValidatorPool.examine` in a worker of its own, stopped afterwards.

    For ``qujat verify``: the same time and memory bounds as the server's uploads, so a
    crafted file costs the command line no more than it costs the API.
    """
    pool = ValidatorPool(trust_roots, limits or IsolationLimits(workers=1), issuer_certificates)
    try:
        return pool.examine(data)
    finally:
        pool.close()


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
