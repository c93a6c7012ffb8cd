"""The validation pool under the two attacks on its scheduling: a kill at the time bound must
not leave waiting requests without a worker, and one client must not hold every worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from asn1crypto import x509

from forms.errors import VerificationError
from tests.verify import hostile
from verify.errors import PdfTooComplex, VerifierBusy
from verify.isolation import IsolationLimits, ValidatorPool, examine_bounded

PLAIN = hostile._pdf(
    [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
)
SLOW = hostile.huge_xref(150_000)  # ~0.8 s of parsing on an idle core


class Outcome:
    """What a request in a thread ended with, and when."""

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.done_at = 0.0

    def run(self, pool: ValidatorPool, data: bytes, client: str) -> threading.Thread:
        def target() -> None:
            try:
                pool.validate(data, client)
            except BaseException as exc:  # recorded, judged by the test
                self.error = exc
            self.done_at = time.monotonic()

        thread = threading.Thread(target=target)
        thread.start()
        return thread


def _warm(pool: ValidatorPool, n: int) -> None:
    """Start ``n`` workers outside the timed part (each client may start one)."""
    threads = [Outcome().run(pool, PLAIN, f"warm-{i}") for i in range(n)]
    for thread in threads:
        thread.join()


@pytest.fixture
def single(roots: tuple[x509.Certificate, ...]) -> Iterator[ValidatorPool]:
    pool = ValidatorPool(roots, IsolationLimits(workers=1, timeout=0.2, queue_wait=30))
    _warm(pool, 1)
    yield pool
    pool.close()


def test_a_request_waiting_while_a_worker_is_killed_gets_the_new_one(
    single: ValidatorPool,
) -> None:
    slow, waiting = Outcome(), Outcome()
    threads = [slow.run(single, SLOW, "a")]
    time.sleep(0.05)  # the slow one holds the only worker
    started = time.monotonic()
    threads.append(waiting.run(single, PLAIN, "b"))
    for thread in threads:
        thread.join()
    assert isinstance(slow.error, PdfTooComplex)
    assert waiting.error is None  # before: VerifierBusy once queue_wait ran out
    assert waiting.done_at - started < 15  # a worker start, not the 30 s queue wait


def test_busy_is_still_said_when_no_worker_frees_in_time(
    roots: tuple[x509.Certificate, ...],
) -> None:
    pool = ValidatorPool(roots, IsolationLimits(workers=1, timeout=5, queue_wait=0.2))
    try:
        _warm(pool, 1)
        slow, late = Outcome(), Outcome()
        threads = [slow.run(pool, SLOW, "a")]
        time.sleep(0.05)
        threads.append(late.run(pool, PLAIN, "b"))
        for thread in threads:
            thread.join()
        assert isinstance(late.error, VerifierBusy) and slow.error is None
    finally:
        pool.close()


def test_one_client_with_six_slow_uploads_does_not_starve_another(
    roots: tuple[x509.Certificate, ...],
) -> None:
    pool = ValidatorPool(roots, IsolationLimits(workers=2, timeout=20, queue_wait=60))
    try:
        _warm(pool, 2)
        hog = [Outcome() for _ in range(6)]
        threads = [o.run(pool, SLOW, "hog") for o in hog]
        time.sleep(0.1)
        other = Outcome()
        started = time.monotonic()
        threads.append(other.run(pool, PLAIN, "other"))
        for thread in threads:
            thread.join()
        assert other.error is None and all(o.error is None for o in hog)
        # the hog holds one worker at a time, so the other client's request went first
        # through the free one: done before even the hog's second upload
        assert other.done_at < sorted(o.done_at for o in hog)[1]
        assert other.done_at - started < 5
    finally:
        pool.close()


def test_the_share_is_half_the_workers_and_at_least_one() -> None:
    assert IsolationLimits(workers=1).client_share == 1
    assert IsolationLimits(workers=2).client_share == 1
    assert IsolationLimits(workers=6).client_share == 3
    assert IsolationLimits(workers=6, per_client=6).client_share == 6


def test_the_bounded_entry_point_has_the_servers_bounds(
    roots: tuple[x509.Certificate, ...],
) -> None:
    """``qujat verify``'s way in: a worker of its own, killed at the time bound."""
    started = time.monotonic()
    with pytest.raises(PdfTooComplex):
        examine_bounded(SLOW, roots, (), IsolationLimits(workers=1, timeout=0.2))
    assert time.monotonic() - started < 15
    with pytest.raises(PdfTooComplex):
        examine_bounded(hostile.xref_stream_index(), roots, ())
    with pytest.raises(VerificationError) as caught:
        examine_bounded(b"%PDF-1.7\n%%EOF", roots, ())
    assert caught.value.code == "unreadable_pdf"
