"""The NCA's keys through the API, at a moment inside the test pack's windows: a GOST issuer
key (``QUJAT_ISSUER_P12``) certifies, the pack's individual GOST key countersigns a protocol
through prepare/complete (NCALayer's CMS and a raw value), ``QUJAT_PKI_PROFILE=nca-test``
trusts the pack's CAs and checks revocation offline, and registration refuses what the NCA
profile does not admit."""

from __future__ import annotations

import base64
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
from signing.gost.cms import GostSigner
from signing.keystore import passphrase_path
from signing.nca_keys import load_nca_pkcs12
from tests.signing.gost.conftest import AFTER, INSIDE, PACK, pack_cert
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    Member,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.databases import fresh_database_url
from tests.support.fixtures import Org
from verify.pdf import validate_pdf

GOST_MEMBER = "ТЕСТТОВ ТЕСТТ"  # the pack individual's CN (IIN123456789012)


def _pem(path: Path) -> str:
    return _pem_of(pack_cert(str(path.relative_to(PACK))).dump())


def _p12(tmp: Path, rel: str, password: bytes) -> Path:
    target = tmp / Path(rel).name
    shutil.copy(PACK / rel, target)
    passphrase_path(target).write_bytes(password + b"\n")
    return target


@pytest.fixture(scope="module")
def gost_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    data = tmp_path_factory.mktemp("gost-api")
    # the development CA (for the other members) made inside the pack's window too
    pki = ensure_dev_pki(data / "keys", now=INSIDE - timedelta(days=30))
    issuer = _p12(data, "keys/individual_gost2015.p12", b"Aa123456")
    settings = Settings(
        data_dir=data,
        database_url=fresh_database_url(data),
        public_base_url="http://testserver",
        issuer_p12=issuer,
        issuer_passphrase_file=passphrase_path(issuer),
        trust_roots=[pki.ca_cert_path],
        pki_profile="nca-test",
        lookup_burst=100_000,
        upload_burst=100_000,
    )
    services = build_services(settings, clock=lambda: INSIDE)
    yield services
    services.registry.close()


@pytest.fixture(scope="module")
def gost_client(gost_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=gost_services)) as c:
        yield c


@pytest.fixture(scope="module")
def admin(gost_services: Services) -> Org:
    return Org(gost_services, {"issue", "sign", "admin"})


@pytest.fixture(scope="module")
def gost_member(gost_client: TestClient, admin: Org) -> dict[str, Any]:
    """The pack's individual, registered once as a member holding their own key."""
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", b"Aa123456")
    r = _register(gost_client, admin, {"certificate": _pem_of(ind.certificate.dump())})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _register(client: TestClient, org: Org, body: dict[str, Any]) -> Any:
    return client.post("/v1/signers", json=body, headers=org.headers)


def _refusal(r: Any) -> str:
    assert r.status_code == 422, r.text
    body = r.json()["error"]
    assert body["code"] in ("signature_refused", "invalid_data", "validation_failed"), body
    return str(body["details"][0]["rule"])


def test_gost_issuer_key_is_loaded(gost_services: Services) -> None:
    assert isinstance(gost_services.issuer.signer, GostSigner)


def test_registration_refuses_what_the_nca_profile_does_not_admit(
    gost_client: TestClient, admin: Org
) -> None:
    c, o = gost_client, admin
    # the revoked first head (serial in the pack's CRL)
    ceo = load_nca_pkcs12(PACK / "keys/ceo_gost2015_revoked.p12", b"Aa123456")
    ceo_pem = _pem_of(ceo.certificate.dump())
    assert _refusal(_register(c, o, {"certificate": ceo_pem})) == "certificate_revoked"
    # an authentication key (keyUsage without nonRepudiation)
    auth = _pem(PACK / "certs/individual_valid_sign_2004_rsa_auth.cer")
    assert _refusal(_register(c, o, {"certificate": auth})) == "nca_not_signing_key"
    # an expired certificate (the older RSA key ended 2022-01-18)
    rsa = load_nca_pkcs12(PACK / "keys/individual_rsa_sign.p12", b"Qwerty12")
    expired = _pem_of(rsa.certificate.dump())
    assert _refusal(_register(c, o, {"certificate": expired})) == "certificate_expired"
    # a certificate of a CA nobody configured (the 2004 generation's CEO)
    other = _pem(PACK / "certs/ceo_valid_sign_2004_gost.cer")
    assert _refusal(_register(c, o, {"certificate": other})) in (
        "certificate_untrusted",
        "certificate_expired",
        "nca_not_signing_key",
    )
    # the individual, but the request names someone else
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", b"Aa123456")
    pem = _pem_of(ind.certificate.dump())
    r = _register(c, o, {"certificate": pem, "iin": "123456789011"})
    assert _refusal(r) == "iin_certificate_mismatch"
    r = _register(c, o, {"certificate": pem, "name": "Басқа Адам"})
    assert _refusal(r) == "name_certificate_mismatch"


def _pem_of(der: bytes) -> str:
    return (
        "-----BEGIN CERTIFICATE-----\n"
        + base64.b64encode(der).decode()
        + "\n-----END CERTIFICATE-----\n"
    )


def _sign_external(
    c: TestClient, o: Org, doc_id: str, signer_id: str, key: GostSigner, mode: str
) -> Any:
    r = c.post(
        f"/v1/documents/{doc_id}/signatures/prepare", json={"signer_id": signer_id},
        headers=o.headers,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    prepared = r.json()
    assert prepared["digest_algorithm"] == "streebog512"
    if mode == "signature":
        raw = key.private_key.sign(base64.b64decode(prepared["data_to_sign"]))
        answer = {"signature": base64.b64encode(raw).decode()}
    else:
        import asyncio

        digest = base64.b64decode(prepared["document_digest"])
        cms = asyncio.run(key.async_sign_digest(digest, signing_time=INSIDE))
        answer = {"cms": base64.b64encode(cms.dump()).decode()}
    return c.post(
        f"/v1/documents/{doc_id}/signatures/complete",
        json={"session_id": prepared["session_id"], **answer},
        headers=o.headers,
    )


@pytest.mark.parametrize("mode", ["signature", "cms", "server"])
def test_protocol_countersigned_with_the_pack_gost_key(
    gost_client: TestClient,
    admin: Org,
    gost_services: Services,
    tmp_path: Path,
    mode: str,
    gost_member: dict[str, Any],
) -> None:
    c, o = gost_client, admin
    pki = ensure_dev_pki(gost_services.settings.keys_dir)
    gost_name = PRESENT_MEMBERS[0]
    names = [n for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY] if n != gost_name]
    people: dict[str, Member] = {}
    for name in names:
        m = make_member(pki, tmp_path, name, server_held=True, now=INSIDE - timedelta(days=1))
        people[name] = m
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", b"Aa123456")
    assert isinstance(ind.signer, GostSigner)
    ids: dict[str, str] = {}
    for name, m in people.items():
        r = _register(c, o, {"certificate": m.certificate_pem})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
        hold_key(gost_services.settings, ids[name], f"pkcs12:{m.p12}")  # the operator's step
    shown = gost_member
    if mode == "server":  # another organisation holds the same key on the server
        o = Org(gost_services, {"issue", "sign", "admin"})
        for name, m in people.items():
            ids[name] = _register(c, o, {"certificate": m.certificate_pem}).json()["id"]
            hold_key(gost_services.settings, ids[name], f"pkcs12:{m.p12}")
        held = _p12(tmp_path, "keys/individual_gost2015.p12", b"Aa123456")
        r = _register(c, o, {"certificate": _pem_of(ind.certificate.dump())})
        assert r.status_code == 201, r.text
        hold_key(gost_services.settings, r.json()["id"], f"pkcs12:{held}")
        shown = c.get(f"/v1/signers/{r.json()['id']}", headers=o.headers).json()
        assert shown["key_held_by"] == "server"
    assert shown["name"] == GOST_MEMBER and shown["iin"] == "123456789012"
    cert = c.get(f"/v1/signers/{shown['id']}", headers=o.headers).json()["certificate"]
    assert cert["iin_masked"] == "************" and cert["holder"] == "individual"
    assert "GOST" in cert["issuer"] and cert["valid_to"].startswith("2023-07-28")
    ids[gost_name] = shown["id"]

    data = protocol_data()
    commission = data["commission"]
    commission["members"] = [GOST_MEMBER if n == gost_name else n for n in commission["members"]]
    present = [GOST_MEMBER if n == gost_name else n for n in PRESENT_MEMBERS]
    doc_body: dict[str, Any] = {
        "form": "protocol-teachers",
        "lang": "kk",
        "data": data,
        "signers": {
            "chair": ids[CHAIR],
            "members": [ids[gost_name if n == GOST_MEMBER else n] for n in present],
            "secretary": ids[SECRETARY],
        },
    }
    r = c.post("/v1/documents", json=doc_body, headers=o.headers)
    assert r.status_code == 201, r.text
    doc = r.json()
    if mode == "server":
        r = c.post(
            f"/v1/documents/{doc['id']}/signatures", json={"signer_id": ids[gost_name]},
            headers=o.headers,
        )  # fmt: skip
    else:
        r = _sign_external(c, o, doc["id"], ids[gost_name], ind.signer, mode)
    assert r.status_code == 200, r.text
    for name in [*PRESENT_MEMBERS[1:], CHAIR, SECRETARY]:
        r = c.post(
            f"/v1/documents/{doc['id']}/signatures", json={"signer_id": ids[name]},
            headers=o.headers,
        )  # fmt: skip
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued"
    pdf = c.get(r.json()["links"]["pdf"], headers=o.headers).content
    roots = gost_services.trust_roots
    inside = validate_pdf(pdf, roots, moment=INSIDE)
    gost = [s for s in inside.signatures if s.signer_serial == "IIN123456789012"]
    assert len(gost) == 2  # the issuer's certification and the member's countersignature
    assert all(s.intact and s.valid and s.trusted and s.revoked_at is None for s in gost)
    assert inside.ok, inside
    after = validate_pdf(pdf, roots, moment=AFTER)  # no timestamp: the certificate expired
    late = [s for s in after.signatures if s.signer_serial == "IIN123456789012"]
    assert not after.ok and len(late) == 2
    assert all(s.intact and s.valid and not s.trusted for s in late)
    # chains to no configured anchor: intact and valid, but untrusted, never "ok"
    bare = validate_pdf(pdf, (), moment=INSIDE)
    assert not bare.ok and not any(s.trusted for s in bare.signatures)
