"""Prepared signing sessions are swept by the server's own timer: a burst of prepares and
then silence leaves no prepared PDF behind once the sessions expire (no further prepare
needed), and only the sweeper removes them (switched off, the files stay)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api import Settings, create_app
from api.services import Services, build_services
from signing import ensure_dev_pki
from tests.support.commission import CHAIR, PRESENT_MEMBERS, SECRETARY, make_member, protocol_data
from tests.support.databases import fresh_database_url

SESSION_MINUTES = 0.05  # 3 s


def _services(tmp_path: Path, sweep_seconds: float) -> Services:
    return build_services(
        Settings(
            data_dir=tmp_path / "data",
            database_url=fresh_database_url(tmp_path),
            public_base_url="http://testserver",
            verify_workers=1,
            ltv_upgrader="worker",
            signing_session_minutes=SESSION_MINUTES,
            session_sweep_seconds=sweep_seconds,
        )
    )


def _prepared_files(services: Services) -> list[str]:
    with services.registry.engine.connect() as conn:
        rows = conn.execute(text("SELECT prepared_sha256 FROM signing_sessions"))
        return [r[0] for r in rows if r[0]]


def _prepare_burst(client: TestClient, services: Services, folder: Path, n: int) -> list[str]:
    """A protocol, a member's signing link, ``n`` prepares through it; the prepared files."""
    _, secret = services.registry.create_api_key("Sweep org", {"issue", "sign", "admin"})
    headers = {"Authorization": f"Bearer {secret}"}
    pki = ensure_dev_pki(services.settings.keys_dir)
    ids: dict[str, str] = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        member = make_member(pki, folder, name, server_held=False)
        r = client.post("/v1/signers", json={"certificate": member.certificate_pem},
                        headers=headers)  # fmt: skip
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    body: dict[str, Any] = {
        "form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
        "signers": {"chair": ids[CHAIR], "secretary": ids[SECRETARY],
                    "members": [ids[n] for n in PRESENT_MEMBERS]},
    }  # fmt: skip
    r = client.post("/v1/documents", json=body, headers=headers)
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    r = client.post(f"/v1/documents/{doc_id}/signing-links",
                    json={"signer_id": ids[PRESENT_MEMBERS[0]]}, headers=headers)  # fmt: skip
    assert r.status_code == 201, r.text
    token = str(r.json()["url"]).split("token=")[1]
    for _ in range(n):
        assert client.post(f"/sign/{doc_id}/prepare", json={"token": token}).status_code == 200
    files = _prepared_files(services)
    assert len(files) == n and all(services.registry.files.exists(f) for f in files)
    return files


@pytest.fixture
def swept(tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    services = _services(tmp_path, sweep_seconds=0.2)
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services
    finally:
        services.registry.close()


@pytest.fixture
def unswept(tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    services = _services(tmp_path, sweep_seconds=0)
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services
    finally:
        services.registry.close()


def test_expired_sessions_files_are_swept_without_another_prepare(
    swept: tuple[TestClient, Services], tmp_path: Path
) -> None:
    client, services = swept
    files = _prepare_burst(client, services, tmp_path, 3)
    deadline = time.monotonic() + SESSION_MINUTES * 60 + 15
    while time.monotonic() < deadline and any(services.registry.files.exists(f) for f in files):
        time.sleep(0.2)
    assert not any(services.registry.files.exists(f) for f in files)
    assert _prepared_files(services) == []
    with services.registry.engine.connect() as conn:  # the document itself is untouched
        (sha,) = conn.execute(text("SELECT sha256 FROM documents")).one()
    assert services.registry.files.exists(sha)


def test_without_the_sweeper_the_expired_files_stay(
    unswept: tuple[TestClient, Services], tmp_path: Path
) -> None:
    client, services = unswept
    files = _prepare_burst(client, services, tmp_path, 2)
    time.sleep(SESSION_MINUTES * 60 + 1)
    assert all(services.registry.files.exists(f) for f in files)
