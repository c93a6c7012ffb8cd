"""GOST countersignatures reach B-LTA like ECDSA ones: a deployment with the development
issuer and TSA and ``QUJAT_PKI_PROFILE=nca-test`` at a moment inside the pack's window; the
pack's individual GOST key countersigns a protocol (server-held). Inline, every revision is
B-LTA at once; in the background, the upgrader brings the GOST signature there. The file
validates as intact/valid/trusted at the moment, still after the certificate expired (the
timestamp proves the time), and a changed byte fails."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import Services, build_services
from api.settings import Settings
from signing import ensure_dev_pki
from signing.keystore import passphrase_path
from signing.nca_keys import load_nca_pkcs12
from tests.signing.gost.conftest import AFTER, INSIDE, PACK
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.databases import fresh_database_url
from verify.pdf import validate_pdf
from workflow.ltv import proofs_of, upgrade_pending

GOST_MEMBER = "ТЕСТТОВ ТЕСТТ"  # the pack individual's CN


def _pem(der: bytes) -> str:
    import base64

    return (
        "-----BEGIN CERTIFICATE-----\n" + base64.b64encode(der).decode()
        + "\n-----END CERTIFICATE-----\n"
    )  # fmt: skip


def _deployment(tmp: Path, mode: str) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    ensure_dev_pki(tmp / "keys", now=INSIDE - timedelta(days=30))
    settings = Settings(
        data_dir=tmp,
        database_url=fresh_database_url(tmp),
        public_base_url="http://testserver",
        pki_profile="nca-test",
        ltv_mode=mode,
        ltv_upgrader="worker",  # the test runs the upgrader's passes itself
        verify_workers=1,
        lookup_burst=100_000,
        upload_burst=100_000,
    )
    services = build_services(settings, clock=lambda: INSIDE)
    _, secret = services.registry.create_api_key("GOST LTV", {"issue", "sign", "admin"})
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services, {"Authorization": f"Bearer {secret}"}
    finally:
        services.registry.close()


@pytest.fixture
def inline(tmp_path: Path) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    yield from _deployment(tmp_path / "d", "inline")


@pytest.fixture
def background(tmp_path: Path) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    yield from _deployment(tmp_path / "d", "background")


def _protocol(
    client: TestClient, services: Services, headers: dict[str, str], tmp: Path
) -> tuple[str, dict[str, str], str]:
    """A protocol whose first present member is the pack's individual (server-held)."""
    pki = ensure_dev_pki(services.settings.keys_dir)
    gost_name = PRESENT_MEMBERS[0]
    ids: dict[str, str] = {}
    for name in [n for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY] if n != gost_name]:
        m = make_member(pki, tmp, name, server_held=True, now=INSIDE - timedelta(days=1))
        r = client.post("/v1/signers", json={"certificate": m.certificate_pem}, headers=headers)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
        hold_key(services.settings, ids[name], f"pkcs12:{m.p12}")
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", b"Aa123456")
    held = tmp / "individual_gost2015.p12"
    shutil.copy(PACK / "keys/individual_gost2015.p12", held)
    passphrase_path(held).write_bytes(b"Aa123456\n")
    r = client.post(
        "/v1/signers", json={"certificate": _pem(ind.certificate.dump())}, headers=headers
    )
    assert r.status_code == 201, r.text
    ids[gost_name] = r.json()["id"]
    hold_key(services.settings, ids[gost_name], f"pkcs12:{held}")
    data: dict[str, Any] = protocol_data()
    commission = data["commission"]
    commission["members"] = [GOST_MEMBER if n == gost_name else n for n in commission["members"]]
    body = {
        "form": "protocol-teachers", "lang": "kk", "data": data,
        "signers": {"chair": ids[CHAIR], "secretary": ids[SECRETARY],
                    "members": [ids[n] for n in PRESENT_MEMBERS]},
    }  # fmt: skip
    r = client.post("/v1/documents", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"], ids, gost_name


def _sign(client: TestClient, headers: dict[str, str], doc_id: str, signer: str) -> Any:
    r = client.post(
        f"/v1/documents/{doc_id}/signatures", json={"signer_id": signer}, headers=headers
    )
    assert r.status_code == 200, r.text
    return r.json()


def _gost_report(pdf: bytes, services: Services, moment: Any) -> Any:
    report = validate_pdf(pdf, services.trust_roots, moment=moment)
    (gost,) = [s for s in report.signatures if s.signer_name == GOST_MEMBER]
    return report, gost


def test_gost_countersignature_inline_is_b_lta_and_outlives_its_certificate(
    inline: tuple[TestClient, Services, dict[str, str]], tmp_path: Path
) -> None:
    client, services, headers = inline
    doc_id, ids, gost_name = _protocol(client, services, headers, tmp_path)
    doc = _sign(client, headers, doc_id, ids[gost_name])
    assert doc["level"] == "B-LTA"
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=headers).content
    gost_proofs = [p for p in proofs_of(pdf) if p.level and p.proven_at]
    assert len(gost_proofs) == 2  # the issuer's and the GOST member's, each proven

    report, gost = _gost_report(pdf, services, INSIDE)
    assert report.ltv_status == "valid" and not report.modified_after_signing
    assert all(s.bottom_line for s in report.signatures)
    assert (gost.intact, gost.valid, gost.trusted, gost.revoked_at) == (True, True, True, None)
    assert gost.level == "B-LTA" and gost.proven_at == INSIDE
    # the certificate expired on 2023-07-28: still valid at the time the timestamp proves
    later, gost_later = _gost_report(pdf, services, AFTER)
    assert gost_later.bottom_line and gost_later.level == "B-LTA"
    assert gost_later.proven_at == INSIDE and later.ltv_status == "valid"

    # a byte of the signed content changed: nothing holds
    tampered = bytearray(pdf)
    tampered[len(pdf) // 5] ^= 0x01
    assert not validate_pdf(bytes(tampered), services.trust_roots, moment=INSIDE).ok
    # a hex digit of the GOST signature's value (inside its /Contents) changed
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    (sig,) = [s for s in reader.embedded_signatures if s.field_name == "Member01"]
    start, end = sig.byte_range[0] + sig.byte_range[1], sig.byte_range[2]
    hexed = sig.signer_info["signature"].native.hex().encode()[:40]
    window = pdf[start:end].lower()
    value = start + window.index(hexed)
    forged = bytearray(pdf)
    forged[value + 10] = ord("0") if forged[value + 10] != ord("0") else ord("1")
    report, gost = _gost_report(bytes(forged), services, INSIDE)
    assert not gost.bottom_line and not report.ok


def test_gost_countersignature_in_the_background_is_upgraded_to_b_lta(
    background: tuple[TestClient, Services, dict[str, str]], tmp_path: Path
) -> None:
    client, services, headers = background
    doc_id, ids, gost_name = _protocol(client, services, headers, tmp_path)
    upgrade_pending(services.context)  # the issuer's certification first
    doc = _sign(client, headers, doc_id, ids[gost_name])
    assert doc["level"] == "B-T"  # the GOST signature's own timestamp, inline
    first = client.get(f"/v1/documents/{doc_id}/pdf", headers=headers).content
    _, gost = _gost_report(first, services, INSIDE)
    assert gost.level == "B-T" and gost.proven_at == INSIDE and gost.bottom_line

    counts = upgrade_pending(services.context)
    assert counts.upgraded == 1 and counts.failed == 0
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=headers).content
    assert pdf.startswith(first)
    report, gost = _gost_report(pdf, services, INSIDE)
    assert gost.level == "B-LTA" and gost.bottom_line and report.ltv_status == "valid"
