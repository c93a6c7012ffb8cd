"""Countersigning a protocol: seven members present, the chair and the secretary, with
server-held keys and keys held only by the members (a separate process), then the
extracts and certificates that follow. Checked with pyHanko and poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from forms import FormDataInvalid, get_form
from registry.audit import verify_chain
from signing import ensure_dev_pki
from tests.pdftools import pdfsig
from tests.support.commission import (
    CERTIFICATE_TERMS,
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    Device,
    Member,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.fixtures import Org
from verify import validate_pdf
from workflow import Actor
from workflow.documents import plan_signers


@pytest.fixture
def admin(make_org: Any) -> Org:
    org: Org = make_org("issue", "sign", "admin")
    return org


@pytest.fixture(scope="module")
def device() -> Iterator[Device]:
    d = Device()
    yield d
    d.close()


def register(client: TestClient, org: Org, member: Member) -> str:
    body: dict[str, Any] = {"certificate": member.certificate_pem}
    r = client.post("/v1/signers", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    signer = r.json()
    assert signer["name"] == member.name and signer["iin"]
    assert signer["key_held_by"] == "member"
    member.signer_id = signer["id"]
    if member.server_held:  # the operator's step: the API takes no key location
        services = client.app.state.services  # type: ignore[attr-defined]
        hold_key(services.settings, signer["id"], f"pkcs12:{member.p12}")
    return member.signer_id


@pytest.fixture
def commission(
    client: TestClient, admin: Org, services: Services, tmp_path: Path
) -> dict[str, Member]:
    pki = ensure_dev_pki(services.settings.keys_dir)
    # members 1–4 and the secretary: keys on the server; members 5–7 and the chair: their own
    held = {*PRESENT_MEMBERS[:4], SECRETARY}
    people = {
        name: make_member(pki, tmp_path, name, server_held=name in held)
        for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]
    }
    for m in people.values():
        register(client, admin, m)
    return people


def post_protocol(
    client: TestClient, org: Org, people: dict[str, Member], **extra: Any
) -> dict[str, Any]:
    body = {
        "form": "protocol-teachers",
        "lang": "kk",
        "data": protocol_data(),
        "signers": {
            "chair": people[CHAIR].signer_id,
            "members": [people[m].signer_id for m in reversed(PRESENT_MEMBERS)],
            "secretary": people[SECRETARY].signer_id,
        },
        **extra,
    }
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def server_sign(client: TestClient, org: Org, doc_id: str, m: Member) -> Any:
    return client.post(
        f"/v1/documents/{doc_id}/signatures", json={"signer_id": m.signer_id}, headers=org.headers
    )


def external_sign(
    client: TestClient, org: Org, device: Device, doc_id: str, m: Member, mode: str
) -> Any:
    prepared = prepare(client, org, doc_id, m)
    answer = device.ask(m, prepared, mode)
    return client.post(
        f"/v1/documents/{doc_id}/signatures/complete",
        json={"session_id": prepared["session_id"], **answer},
        headers=org.headers,
    )


def prepare(client: TestClient, org: Org, doc_id: str, m: Member) -> dict[str, Any]:
    r = client.post(
        f"/v1/documents/{doc_id}/signatures/prepare",
        json={"signer_id": m.signer_id},
        headers=org.headers,
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    assert out["data_to_sign_kind"] == "signed-attributes" and out["digest_algorithm"] == "sha256"
    return out


def error(r: Any) -> tuple[int, str]:
    body = r.json()["error"]
    return r.status_code, body["code"]


def test_protocol_signed_by_the_whole_commission(
    client: TestClient,
    admin: Org,
    services: Services,
    commission: dict[str, Member],
    device: Device,
    nss_db: str,
) -> None:
    doc = post_protocol(client, admin, commission, follow_up={"certificates": CERTIFICATE_TERMS})
    assert doc["status"] == "awaiting-signatures"
    required = doc["required_signers"]
    assert [r["role"] for r in required] == ["member"] * 7 + ["chair", "secretary"]
    assert [r["name"] for r in required[:7]] == PRESENT_MEMBERS  # the protocol's order
    assert not any(r["signed"] for r in required)
    doc_id = doc["id"]

    # the chair and the secretary wait for the members
    assert error(server_sign(client, admin, doc_id, commission[SECRETARY])) == (409, "conflict")

    # four server-held members at the same moment: serialised, none lost
    held = [commission[m] for m in PRESENT_MEMBERS[:4]]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda m: server_sign(client, admin, doc_id, m), held))
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]

    # a second signature by the same member
    assert error(server_sign(client, admin, doc_id, held[0])) == (409, "already_signed")

    m5, m6, m7 = (commission[m] for m in PRESENT_MEMBERS[4:])
    # a signature over stale data: prepared, then someone else signs first
    stale = prepare(client, admin, doc_id, m5)
    assert external_sign(client, admin, device, doc_id, m6, "signature").status_code == 200
    answer = device.ask(m5, stale, "signature")
    r = client.post(
        f"/v1/documents/{doc_id}/signatures/complete",
        json={"session_id": stale["session_id"], **answer},
        headers=admin.headers,
    )
    assert error(r) == (409, "stale_document") and "prepare" in r.json()["error"]["message"]

    # a signature from a key that is not the registered signer's
    intruder = make_member(
        ensure_dev_pki(services.settings.keys_dir), m7.p12.parent, m7.name, server_held=False
    )
    prepared = prepare(client, admin, doc_id, m7)
    for mode in ("cms", "signature"):
        answer = device.ask(intruder, prepared, mode)
        r = client.post(
            f"/v1/documents/{doc_id}/signatures/complete",
            json={"session_id": prepared["session_id"], **answer},
            headers=admin.headers,
        )
        assert r.status_code == 422, r.text
        rule = r.json()["error"]["details"][0]["rule"]
        assert rule == ("signer_certificate_mismatch" if mode == "cms" else "signature_invalid")

    # the rest: NCALayer-style CMS and raw signatures, then the chair and the secretary
    assert external_sign(client, admin, device, doc_id, m5, "cms").status_code == 200
    assert external_sign(client, admin, device, doc_id, m7, "signature").status_code == 200
    assert external_sign(client, admin, device, doc_id, commission[CHAIR], "cms").status_code == 200
    r = server_sign(client, admin, doc_id, commission[SECRETARY])
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "issued"
    assert all(s["signed"] for s in done["required_signers"])
    assert error(server_sign(client, admin, doc_id, held[1]))[0] == 409  # no more signatures

    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=admin.headers).content
    assert hashlib.sha256(pdf).hexdigest() == done["sha256"]
    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and not report.modified_after_signing and not report.empty_fields
    assert len(report.signatures) == 10
    assert all(s.bottom_line and s.intact and s.valid for s in report.signatures)
    assert report.signatures[0].certification
    out = pdfsig(pdf, nss_db)
    assert out.count("Signature is Valid.") == 10, out
    assert "Signature is Invalid" not in out

    # what follows: an extract per person (signed by the secretary), certificates for awards
    derived = services.context.signing.derived(doc_id)
    extracts = [d for d in derived if d.form == "protocol-extract-teachers"]
    certificates = [d for d in derived if d.form == "qualification-certificate"]
    assert len(extracts) == 6 and len(certificates) == 5
    for e in extracts:
        assert e.status == "issued" and e.summary["due_date"] == "2024-11-27"
        assert [s["role"] for s in e.signatures] == ["issuer", "secretary"]
        assert validate_pdf(services.registry.pdf(e), services.trust_roots).ok
    assert {c.status for c in certificates} == {"issued"}
    assert verify_chain(services.registry.engine) is None


def test_protocol_needs_the_commission_as_signers(
    client: TestClient, admin: Org, services: Services, commission: dict[str, Member]
) -> None:
    strict = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"protocol_signers": "required"})
    )
    spec = get_form("protocol-teachers")
    with pytest.raises(FormDataInvalid) as refused:
        plan_signers(
            strict.context, Actor.of(admin.key), spec, spec.validate(protocol_data()), None
        )
    assert refused.value.details[0].rule == "signers_required"
    body: dict[str, Any] = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data()}
    members = [commission[m].signer_id for m in PRESENT_MEMBERS]
    swapped = {"chair": commission[SECRETARY].signer_id, "members": members,
               "secretary": commission[SECRETARY].signer_id}  # fmt: skip
    r = client.post("/v1/documents", json={**body, "signers": swapped}, headers=admin.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["rule"] == "signer_name_mismatch"
    short = {"chair": commission[CHAIR].signer_id, "members": members[:-1],
             "secretary": commission[SECRETARY].signer_id}  # fmt: skip
    r = client.post("/v1/documents", json={**body, "signers": short}, headers=admin.headers)
    assert r.json()["error"]["details"][0]["rule"] == "signers_members_incomplete"


def test_signer_from_another_organisation_is_unknown(
    client: TestClient, admin: Org, make_org: Any, commission: dict[str, Member]
) -> None:
    other: Org = make_org("issue", "sign", "admin")
    r = client.get(f"/v1/signers/{commission[CHAIR].signer_id}", headers=other.headers)
    assert r.status_code == 404
    doc = post_protocol(client, admin, commission)
    r = server_sign(client, other, doc["id"], commission[PRESENT_MEMBERS[0]])
    assert r.status_code == 404


def test_prepared_sessions_expire(
    client: TestClient, admin: Org, services: Services, commission: dict[str, Member],
    device: Device,
) -> None:  # fmt: skip
    doc = post_protocol(client, admin, commission)
    m = commission[PRESENT_MEMBERS[5]]
    prepared = prepare(client, admin, doc["id"], m)
    answer = device.ask(m, prepared, "signature")
    registry = services.context.signing
    from sqlalchemy import update

    from registry.models_signing import SigningSessionRow

    with registry.engine.begin() as conn:
        conn.execute(
            update(SigningSessionRow)
            .where(SigningSessionRow.id == prepared["session_id"])
            .values(expires_at=services.clock())
        )
    r = client.post(
        f"/v1/documents/{doc['id']}/signatures/complete",
        json={"session_id": prepared["session_id"], **answer},
        headers=admin.headers,
    )
    assert error(r) == (410, "session_expired")


def test_dev_signer_command_registers_a_server_held_key(
    client: TestClient, admin: Org, services: Services, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from api.cli import main

    monkeypatch.setenv("QUJAT_DATABASE_URL", services.settings.db_url)
    data_dir = str(services.settings.data_dir)
    args = ["dev-signer", "--name", "Сейітов Асқар Мұратұлы", "--iin", "880705465683",
            "--org", admin.name, "--data-dir", data_dir]  # fmt: skip
    assert main(args) == 0
    signer_id = capsys.readouterr().out.strip().splitlines()[-1]
    signer = client.get(f"/v1/signers/{signer_id}", headers=admin.headers).json()
    assert signer["iin"] == "880705465683" and signer["key_held_by"] == "server"
    p12 = next((services.settings.keys_dir / "signers").glob("*.p12"))
    assert p12.stat().st_mode & 0o777 == 0o600
