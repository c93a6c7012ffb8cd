"""The audit log: every change appended, the chain recomputed, tampering caught."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from registry import NewDocument, Registry, new_id
from registry.audit import verify_chain
from registry.errors import Conflict
from tests.support.databases import fresh_database_url


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry.open(fresh_database_url(tmp_path), tmp_path / "files")
    yield registry
    registry.close()


def doc(**kw: object) -> NewDocument:
    base: dict[str, object] = dict(
        id=new_id(), form="course-certificate", lang="kk", status="issued", case_data={},
        summary={}, signatures=[], holder_name="Әлия", valid_until=None, organisation="Org",
        api_key_id="k1",
    )  # fmt: skip
    base.update(kw)
    return NewDocument(**base)  # type: ignore[arg-type]


def actions(registry: Registry) -> list[tuple[int, str, str]]:
    with registry.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, action, subject FROM audit_log ORDER BY seq"))
        return [(int(a), str(b), str(c)) for a, b, c in rows]


def test_every_change_is_appended_and_chained(registry: Registry) -> None:
    key, _ = registry.create_api_key("Org", {"issue"})
    d = registry.register(doc(), b"%PDF a")
    registry.revoke(d.id, "error", actor=key.id)
    registry.revoke_api_key(key.id)
    assert actions(registry) == [
        (1, "api_key.created", key.id),
        (2, "document.issued", d.id),
        (3, "document.revoked", d.id),
        (4, "api_key.revoked", key.id),
    ]
    assert verify_chain(registry.engine) is None


def test_a_failed_issuance_appends_nothing(registry: Registry) -> None:
    first = registry.register(doc(), b"%PDF a")
    with pytest.raises(Conflict):
        registry.register(doc(id=first.id), b"%PDF b")
    assert [a for _, a, _ in actions(registry)] == ["document.issued"]
    assert verify_chain(registry.engine) is None


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_log SET subject = 'forged' WHERE seq = 2",
        'UPDATE audit_log SET details = \'{"form": "x"}\' WHERE seq = 2',
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 3",
    ],
)
def test_tampering_is_caught_at_the_first_broken_entry(registry: Registry, tamper: str) -> None:
    for _ in range(3):
        registry.register(doc(), new_id().encode())
    with registry.engine.begin() as conn:
        conn.execute(text(tamper))
    assert verify_chain(registry.engine) in (2, 3)
    assert verify_chain(registry.engine) == (3 if "seq = 3" in tamper else 2)


def test_concurrent_appends_keep_one_chain(registry: Registry) -> None:
    def issue() -> None:
        for _ in range(10):
            registry.register(doc(), new_id().encode())

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [seq for seq, _, _ in actions(registry)] == list(range(1, 41))
    assert verify_chain(registry.engine) is None


def test_cli_audit_verify(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = [sys.executable, "-m", "api.cli"]
    subprocess.run([*run, "keys", "create", "--org", "X", "--data-dir", str(data)], check=True,
                   capture_output=True)  # fmt: skip
    ok = subprocess.run([*run, "audit", "verify", "--data-dir", str(data)], capture_output=True,
                        text=True)  # fmt: skip
    assert ok.returncode == 0 and "intact" in ok.stdout
    import sqlite3

    with sqlite3.connect(data / "qujat.db") as conn:
        conn.execute("UPDATE audit_log SET organisation = 'Y' WHERE seq = 1")
    bad = subprocess.run([*run, "audit", "verify", "--data-dir", str(data)], capture_output=True,
                         text=True)  # fmt: skip
    assert bad.returncode == 1 and "entry 1" in bad.stdout
