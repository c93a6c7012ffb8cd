"""The registry on a real SQLite database and a real file store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import LocalFileStore, NewDocument, Registry, new_id
from registry.errors import Conflict, NotFound
from tests.support.databases import fresh_database_url, sqlite_bytes


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry.open(fresh_database_url(tmp_path), tmp_path / "files")
    yield registry
    registry.close()


def doc(**kw: object) -> NewDocument:
    base: dict[str, object] = dict(
        id=new_id(), form="qualification-certificate", lang="kk", status="issued",
        case_data={"a": 1}, summary={}, signatures=[], holder_name="Әлия", valid_until=None,
        organisation="Org", api_key_id=None,
    )  # fmt: skip
    base.update(kw)
    return NewDocument(**base)  # type: ignore[arg-type]


def files_in(registry: Registry) -> list[Path]:
    assert isinstance(registry.files, LocalFileStore)
    return [p for p in registry.files.root.rglob("*") if p.is_file()]


def test_register_stores_row_and_file(registry: Registry) -> None:
    record = registry.register(doc(), b"%PDF-1.7 one")
    assert record.sha256 == hashlib.sha256(b"%PDF-1.7 one").hexdigest()
    assert registry.pdf(registry.get(record.id)) == b"%PDF-1.7 one"
    assert registry.by_sha256(record.sha256) == record
    assert registry.get(record.id).created_at.tzinfo is not None


def test_a_failed_insert_leaves_no_file(registry: Registry) -> None:
    first = registry.register(doc(), b"%PDF-1.7 first")
    with pytest.raises(Conflict):
        registry.register(doc(id=first.id), b"%PDF-1.7 second, never registered")
    assert [p.name for p in files_in(registry)] == [first.sha256]


def test_a_failed_insert_keeps_a_file_another_row_uses(registry: Registry) -> None:
    first = registry.register(doc(), b"%PDF-1.7 shared")
    with pytest.raises(Conflict):
        registry.register(doc(id=first.id), b"%PDF-1.7 shared")
    assert registry.pdf(first) == b"%PDF-1.7 shared"


def test_idempotency_key_is_unique_per_organisation(registry: Registry) -> None:
    registry.register(doc(idempotency_key="k1"), b"%PDF a")
    registry.register(doc(idempotency_key="k1", organisation="Other"), b"%PDF b")
    with pytest.raises(Conflict):
        registry.register(doc(idempotency_key="k1"), b"%PDF c")
    assert registry.by_idempotency_key("Org", "k1") is not None


def test_ids_are_160_bit_base32() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 for i in ids)


def test_revoke_and_unknown(registry: Registry) -> None:
    record = registry.register(doc(), b"%PDF r")
    revoked = registry.revoke(record.id, "issued in error")
    assert revoked.status == "revoked" and revoked.revocation_reason == "issued in error"
    with pytest.raises(Conflict):
        registry.revoke(record.id, "again")
    with pytest.raises(NotFound):
        registry.get("nope")


def test_api_keys_are_stored_hashed(registry: Registry, tmp_path: Path) -> None:
    record, secret = registry.create_api_key("Org", {"issue"})
    assert registry.api_key_for(secret) == record
    for path in tmp_path.glob("registry-*.db"):
        assert secret.encode() not in sqlite_bytes(path)
    with registry.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT secret_sha256 FROM api_keys").scalars().all()
    assert secret not in stored and all(len(s) == 64 for s in stored)
    registry.revoke_api_key(record.id)
    assert registry.api_key_for(secret) is None


def test_insert_rows_writes_what_the_unit_of_work_would(registry: Registry) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from registry.inserts import insert_rows
    from registry.models_webhooks import WebhookEventRow
    from registry.revisions import DocumentRevisionRow, next_revision_row
    from registry.webhooks import event_row

    record = registry.register(doc(), b"%PDF-1.7 rows")
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    # an event without fanned_out set takes the column default; seq comes from the database
    bare = WebhookEventRow(id="msg_bare", organisation="Org", type="t", subject="s",
                           payload={"ü": [1]}, created_at=now)  # fmt: skip
    with registry.sessions() as s, s.begin():
        rows: list[object] = [event_row("Org", "document.signed", record.id, {"n": 1}, now), bare]
        rows.insert(1, next_revision_row(s, record.id, "ab" * 32, level="B-T",
                                         reason="countersigned", now=now))  # fmt: skip
        insert_rows(s, rows)
    with registry.sessions() as s:
        events = s.scalars(select(WebhookEventRow).order_by(WebhookEventRow.seq)).all()
        revisions = s.scalars(select(DocumentRevisionRow).where(
            DocumentRevisionRow.document_id == record.id)).all()  # fmt: skip
    assert [(e.type, e.payload, e.created_at, e.fanned_out) for e in events] == [
        ("document.signed", {"n": 1}, now, False), ("t", {"ü": [1]}, now, False)]  # fmt: skip
    assert events[0].seq < events[1].seq
    assert [(r.revision, r.sha256, r.reason, r.created_at) for r in revisions] == [
        (1, "ab" * 32, "countersigned", now)]  # fmt: skip


def test_a_plain_read_of_a_broken_database_is_a_registry_error(tmp_path: Path) -> None:
    from registry.errors import RegistryError
    from registry.revisions import revisions

    url = f"sqlite:///{tmp_path / 'gone.db'}"
    registry = Registry.open(url, tmp_path / "files")
    record = registry.register(doc(), b"%PDF-1.7 gone")
    registry.close()
    (tmp_path / "gone.db").unlink()  # the next connection opens an empty database
    try:
        for read in (lambda: registry.api_key_for("qj_x"), lambda: revisions(registry, record.id),
                     lambda: registry.pick_status_index()):  # fmt: skip
            with pytest.raises(RegistryError, match="registry unavailable"):
                read()
    finally:
        registry.close()
