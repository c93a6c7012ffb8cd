"""The validation workers: a time limit that kills, an address-space limit, replacement."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.services import Services
from forms.errors import VerificationError
from tests.verify import hostile
from verify.errors import PdfTooComplex
from verify.isolation import IsolationLimits, ValidatorPool

PLAIN = hostile._pdf(
    [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
)


@pytest.fixture
def pool(services: Services) -> Iterator[ValidatorPool]:
    limits = IsolationLimits(workers=1, timeout=0.05, memory_bytes=512 << 20)
    p = ValidatorPool(services.trust_roots, limits)
    p.validate(PLAIN)  # start the worker outside the timed part
    yield p
    p.close()


def test_overrunning_validation_is_killed_and_the_worker_replaced(pool: ValidatorPool) -> None:
    [worker] = list(pool._idle.queue)
    started = time.monotonic()
    with pytest.raises(PdfTooComplex, match="within"):
        pool.validate(hostile.huge_xref(150_000))  # ~0.8 s of parsing
    assert time.monotonic() - started < 2
    assert not worker.process.is_alive()
    assert pool.validate(PLAIN).signatures == ()  # a fresh worker answers


def test_workers_run_under_an_address_space_limit(pool: ValidatorPool) -> None:
    [worker] = list(pool._idle.queue)
    limits = Path(f"/proc/{worker.process.pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert str(512 << 20) in line


def test_unreadable_stays_unreadable(pool: ValidatorPool) -> None:
    with pytest.raises(VerificationError) as caught:
        pool.validate(b"%PDF-1.7\n%%EOF")
    assert caught.value.code == "unreadable_pdf"
