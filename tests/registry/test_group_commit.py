"""Group commit on a real registry: concurrent issuances share transactions, and none of
them loses what a transaction of its own guaranteed (its row, its file, its audit entry,
its own error when it breaks a constraint)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry import DocumentRecord, NewDocument, Registry
from registry.audit import verify_chain
from registry.errors import Conflict, StatusIndexTaken
from registry.models import AuditEntryRow, DocumentRow
from registry.revisions import DocumentRevisionRow, first_revision_row
from tests.registry.test_store import doc, files_in
from tests.support.databases import fresh_database_url

THREADS = 24


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry.open(fresh_database_url(tmp_path), tmp_path / "files")
    yield registry
    registry.close()


def _together(registry: Registry, jobs: list[tuple[NewDocument, bytes]]) -> list[object]:
    """Run every registration at once (a barrier), each in its own thread."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def one(i: int) -> None:
        new, pdf = jobs[i]
        now = datetime.now(UTC)
        also = [first_revision_row(new.id, pdf, level="B-T", reason="issued", now=now)]
        barrier.wait()
        try:
            outcomes[i] = registry.register(new, pdf, also)
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_issuances_share_transactions_and_keep_every_guarantee(
    registry: Registry,
) -> None:
    jobs = [(doc(status_index=1000 + i), f"%PDF-1.7 {i}".encode()) for i in range(THREADS)]
    # one twin under the same Idempotency-Key and one on a taken status index, in the crowd
    jobs[5] = (doc(idempotency_key="k-1"), b"%PDF-1.7 twin a")
    jobs[6] = (doc(idempotency_key="k-1"), b"%PDF-1.7 twin b")
    jobs[7] = (doc(status_index=1000), b"%PDF-1.7 same index")
    before = registry._group.transactions
    outcomes = _together(registry, jobs)
    records = [o for o in outcomes if isinstance(o, DocumentRecord)]
    errors = [o for o in outcomes if not isinstance(o, DocumentRecord)]
    assert len(records) == THREADS - 2, errors
    assert sorted(type(e).__name__ for e in errors) == ["Conflict", "StatusIndexTaken"]
    assert all(isinstance(e, Conflict | StatusIndexTaken) for e in errors)
    # fewer transactions than issuances: they were shared
    assert registry._group.transactions - before < THREADS
    with registry.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(DocumentRow)) == THREADS - 2
        assert conn.scalar(select(func.count()).select_from(DocumentRevisionRow)) == THREADS - 2
        assert conn.scalar(select(func.count()).select_from(AuditEntryRow)) == THREADS - 2
    assert verify_chain(registry.engine) is None
    # every stored document has its file; the refused ones left none behind
    stored = {p.name for p in files_in(registry)}
    assert stored == {r.sha256 for r in records}
    for record in records:
        assert registry.pdf(record).startswith(b"%PDF-1.7")


def test_one_thread_alone_commits_at_once(registry: Registry) -> None:
    before = registry._group.transactions
    for i in range(3):
        registry.register(doc(), f"%PDF-1.7 alone {i}".encode())
    assert registry._group.transactions - before == 3
    assert verify_chain(registry.engine) is None


def test_a_group_with_a_twin_commits_the_others_one_by_one_with_their_rows(
    registry: Registry,
) -> None:
    """A batch's one transaction fails on the twin; then each entry commits alone. The
    others' revision rows, written by Core statements, go in with them, and each record
    handed back is what the registry reads back (defaults and all)."""
    from registry.models_webhooks import WebhookEventRow
    from registry.webhooks import event_row

    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    first = registry.register(doc(idempotency_key="k-2"), b"%PDF-1.7 first")
    news = [doc(status_index=2000), doc(idempotency_key="k-2"), doc(rulebook_id="r-2")]
    entries = []
    for i, new in enumerate(news):
        pdf = f"%PDF-1.7 group {i}".encode()
        also = [
            first_revision_row(new.id, pdf, level="B-T", reason="issued", now=now),
            event_row("Org", "document.issued", new.id, {"i": i}, now),
        ]
        entries.append((new, pdf, also))
    outcomes = registry.register_many(entries)
    assert isinstance(outcomes[1], Conflict)
    kept = [outcomes[0], outcomes[2]]
    assert all(isinstance(o, DocumentRecord) for o in kept)
    for record in kept:
        assert isinstance(record, DocumentRecord)
        assert registry.get(record.id) == record
    assert [r.rulebook_id for r in kept if isinstance(r, DocumentRecord)] == [
        "kz-attestation-pilot-2024", "r-2"]  # fmt: skip
    with registry.engine.connect() as conn:
        ids = {first.id, news[0].id, news[2].id}
        assert set(conn.scalars(select(DocumentRow.id))) == ids
        revised = conn.execute(
            select(DocumentRevisionRow.document_id, DocumentRevisionRow.revision)
        )
        assert sorted(revised) == sorted([(news[0].id, 1), (news[2].id, 1)])
        events = conn.execute(select(WebhookEventRow.subject, WebhookEventRow.payload))
        assert sorted(events, key=str) == sorted(
            [(news[0].id, {"i": 0}), (news[2].id, {"i": 2})], key=str)  # fmt: skip
    assert verify_chain(registry.engine) is None
