"""Signing links and sessions as an attacker uses them: one member's link completing
another's session, a link reused after its signature or the document's revocation, and
prepared sessions piling up. Plus the upload verdicts a revoked or unfinished protocol gets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.services import Services
from registry.countersign import SigningRegistry
from signing import ensure_dev_pki
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    Member,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.fixtures import MakeOrg, Org


def _protocol(
    client: TestClient, org: Org, services: Services, folder: Path
) -> tuple[str, dict[str, Member]]:
    pki = ensure_dev_pki(services.settings.keys_dir)
    people = {n: make_member(pki, folder, n, server_held=True)
              for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY]}  # fmt: skip
    for m in people.values():
        r = client.post("/v1/signers", json={"certificate": m.certificate_pem}, headers=org.headers)
        assert r.status_code == 201, r.text
        m.signer_id = r.json()["id"]
    first = people[PRESENT_MEMBERS[0]]
    hold_key(services.settings, first.signer_id, f"pkcs12:{first.p12}")
    body: dict[str, Any] = {
        "form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
        "signers": {"chair": people[CHAIR].signer_id, "secretary": people[SECRETARY].signer_id,
                    "members": [people[n].signer_id for n in PRESENT_MEMBERS]},
    }  # fmt: skip
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"]), people


def _link(client: TestClient, org: Org, doc_id: str, signer_id: str) -> str:
    r = client.post(f"/v1/documents/{doc_id}/signing-links", json={"signer_id": signer_id},
                    headers=org.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["url"]).split("token=")[1]


def test_a_link_cannot_complete_another_members_session(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin", "revoke")
    doc_id, people = _protocol(client, org, services, tmp_path)
    a, b = (people[n].signer_id for n in PRESENT_MEMBERS[1:3])
    token_a, token_b = _link(client, org, doc_id, a), _link(client, org, doc_id, b)
    r = client.post(f"/sign/{doc_id}/prepare", json={"token": token_b})
    assert r.status_code == 200, r.text
    session_b = r.json()["session_id"]
    r = client.post(f"/sign/{doc_id}/complete",
                    json={"token": token_a, "session_id": session_b, "cms": "AAAA"})  # fmt: skip
    assert r.status_code == 404, r.text
    assert client.get(f"/sign/{doc_id}", params={"token": token_a}).status_code == 200


def test_a_link_dies_with_its_signature_and_with_revocation(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin", "revoke")
    doc_id, people = _protocol(client, org, services, tmp_path)
    held = people[PRESENT_MEMBERS[0]].signer_id
    other = people[PRESENT_MEMBERS[1]].signer_id
    token, token_other = _link(client, org, doc_id, held), _link(client, org, doc_id, other)
    assert client.get(f"/sign/{doc_id}/pdf", params={"token": token}).status_code == 200
    # the member signs another way (the server's key): the link must not stay a way in
    r = client.post(f"/v1/documents/{doc_id}/signatures", json={"signer_id": held},
                    headers=org.headers)  # fmt: skip
    assert r.status_code in (200, 201), r.text
    for path in (f"/sign/{doc_id}", f"/sign/{doc_id}/pdf"):
        assert client.get(path, params={"token": token}).status_code == 410
    assert client.get(f"/sign/{doc_id}/pdf", params={"token": token_other}).status_code == 200
    client.post(f"/v1/documents/{doc_id}/revoke", json={"reason": "x"}, headers=org.headers)
    assert client.get(f"/sign/{doc_id}/pdf", params={"token": token_other}).status_code == 410


def _prepared(services: Services, doc_id: str) -> list[str]:
    with services.registry.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT prepared_sha256 FROM signing_sessions WHERE document_id = :d"),
            {"d": doc_id},
        )
        return [r[0] for r in rows if r[0]]


def test_expired_sessions_and_their_files_are_swept(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    doc_id, people = _protocol(client, org, services, tmp_path)
    token = _link(client, org, doc_id, people[PRESENT_MEMBERS[1]].signer_id)
    for _ in range(3):  # the attack: prepare, prepare, prepare … each a copy of the PDF
        assert client.post(f"/sign/{doc_id}/prepare", json={"token": token}).status_code == 200
    files = _prepared(services, doc_id)
    assert files and all(services.registry.files.exists(f) for f in files)
    later = services.clock() + services.context.policy.signing_session + timedelta(seconds=1)
    signing = SigningRegistry(services.registry.engine, services.registry.files, lambda: later)
    assert signing.sweep_sessions() >= 1
    assert _prepared(services, doc_id) == []
    assert not any(services.registry.files.exists(f) for f in files)
    assert services.registry.pdf(services.registry.find(doc_id))  # type: ignore[arg-type]


def test_uploads_of_a_revoked_or_unfinished_protocol_are_not_genuine(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin", "revoke")
    doc_id, _people = _protocol(client, org, services, tmp_path)
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=org.headers).content

    def upload() -> dict[str, Any]:
        r = client.post("/v1/verify", content=pdf, headers={"content-type": "application/pdf"})
        assert r.status_code == 200, r.text
        return dict(r.json())

    assert upload()["verdict"] == "awaiting-signatures"
    client.post(f"/v1/documents/{doc_id}/revoke", json={"reason": "annulled by the commission"},
                headers=org.headers)  # fmt: skip
    report = upload()
    assert report["verdict"] == "revoked" and report["revoked_at"]
    assert report["revocation_reason"] == "annulled by the commission"
    page = client.post("/v/check?lang=en", files={"file": ("p.pdf", pdf, "application/pdf")})
    assert 'class="verdict verdict-revoked"' in page.text
    assert 'data-status="revoked"' in page.text and "verdict-valid" not in page.text
