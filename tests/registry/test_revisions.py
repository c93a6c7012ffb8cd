"""Document revisions and the archive renewal run, on a real SQLite registry, with the
calendar PKI of tests/signing/timepki.py (renewal happens months after issuance)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import NewDocument, Registry, new_id
from registry.renewal import RenewalCounts, renew_registry
from registry.revisions import current_pdf, find_revision, record_revision, revisions
from signing import certify
from signing.ltv import RenewalPolicy, secure
from tests.signing.timepki import TimePki, at, time_pki
from tests.support.databases import fresh_database_url
from tests.support.pdfa import compile_pdfa
from verify import validate_pdf

T0, T_RENEW, LATER = at("2026-03-01"), at("2026-11-15"), at("2029-06-01")


@pytest.fixture(scope="module")
def cal(tmp_path_factory: pytest.TempPathFactory) -> TimePki:
    return time_pki(tmp_path_factory.mktemp("calendar"))


@pytest.fixture(scope="module")
def issued(cal: TimePki) -> bytes:
    ts = cal.timestamper("tsa1", T0)
    signed = certify(compile_pdfa(), cal.issuer("old"), timestamper=ts, now=T0)
    return asyncio.run(secure(signed, ts, cal.context(T0)))


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry.open(fresh_database_url(tmp_path), tmp_path / "files")
    yield registry
    registry.close()


def doc(status: str = "issued") -> NewDocument:
    return NewDocument(
        id=new_id(), form="qualification-certificate", lang="kk", status=status,
        case_data={}, summary={}, signatures=[], holder_name=None, valid_until=None,
        organisation="Org", api_key_id=None,
    )  # fmt: skip


def run(registry: Registry, cal: TimePki, **kw: object) -> RenewalCounts:
    return renew_registry(
        registry, cal.timestamper("tsa2", T_RENEW), lambda: cal.context(T_RENEW),
        now=lambda: T_RENEW, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_revisions_are_numbered_idempotent_and_found_by_hash(registry: Registry) -> None:
    record = registry.register(doc(), b"%PDF-1.7 v1")
    first = record_revision(registry, record.id, b"%PDF-1.7 v1", level="B-LTA", reason="issued")
    second = record_revision(registry, record.id, b"%PDF-1.7 v2", level="B-LTA", reason="renewed")
    again = record_revision(registry, record.id, b"%PDF-1.7 v2", level="B-LTA", reason="renewed")
    assert (first.revision, second.revision) == (1, 2) and again == second
    found = find_revision(registry, hashlib.sha256(b"%PDF-1.7 v1").hexdigest())
    assert found is not None and found.document_id == record.id and found.revision == 1
    assert find_revision(registry, hashlib.sha256(b"%PDF-1.7 other").hexdigest()) is None
    assert [r.reason for r in revisions(registry, record.id)] == ["issued", "renewed"]
    assert current_pdf(registry, record) == b"%PDF-1.7 v2"


def test_renewal_run_renews_what_needs_it_once(
    registry: Registry, cal: TimePki, issued: bytes
) -> None:
    good = [registry.register(doc(), issued) for _ in range(3)]
    revoked = registry.register(doc(), issued)
    registry.revoke(revoked.id, "test")
    broken = registry.register(doc(), b"%PDF-1.7 not a signed document")
    seen: list[int] = []
    counts = run(registry, cal, progress=lambda c: seen.append(c.seen))
    assert (counts.renewed, counts.skipped, counts.failed, counts.seen) == (3, 1, 1, 5)
    assert seen == [1, 2, 3, 4, 5]
    assert current_pdf(registry, broken) == b"%PDF-1.7 not a signed document"
    for record in good:
        pdf = current_pdf(registry, record)
        assert pdf != issued and validate_pdf(pdf, [cal.root], moment=LATER).ok
        assert [(r.revision, r.reason) for r in revisions(registry, record.id)] == [
            (1, "issued"), (2, "renewed")
        ]  # fmt: skip
        latest = revisions(registry, record.id)[-1]
        assert latest.level == "B-LTA" and latest.archive_timestamp_at == T_RENEW
    old = find_revision(registry, hashlib.sha256(issued).hexdigest())
    assert old is not None and old.revision == 1
    again = run(registry, cal)
    assert (again.renewed, again.current) == (0, 3)
    # an algorithm policy change: the files are read again and renewed
    weak = RenewalPolicy(weak_digests=frozenset({"sha256"}))
    assert run(registry, cal, policy=weak).renewed == 0  # the registry says current
    assert run(registry, cal, policy=weak, recheck=True).renewed == 3


def test_renewal_run_resumes_after_the_last_document(
    registry: Registry, cal: TimePki, issued: bytes
) -> None:
    for _ in range(4):
        registry.register(doc(), issued)
    part = run(registry, cal, limit=3)
    assert part.seen == 3 and part.renewed == 3
    rest = run(registry, cal, after=part.last_id)
    assert rest.seen == 1 and rest.renewed == 1
    assert run(registry, cal).renewed == 0


def test_lapsed_documents_are_counted_not_renewed(
    registry: Registry, cal: TimePki, issued: bytes
) -> None:
    registry.register(doc(), issued)
    counts = renew_registry(
        registry, cal.timestamper("tsa2", LATER), lambda: cal.context(LATER), now=lambda: LATER
    )
    assert (counts.lapsed, counts.renewed) == (1, 0)
