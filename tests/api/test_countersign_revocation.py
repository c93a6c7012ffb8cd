"""``QUJAT_EMBED_REVOCATION``: server-held countersignatures made through the API carry the
OCSP responses for their chain (PAdES B-LT), from a real TSA and OCSP responder
(Certomancer's Animator on 127.0.0.1); they validate offline with revocation required."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from asn1crypto import ocsp
from certomancer.registry import CertLabel
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from api import Settings, create_app
from api.services import Services, build_services
from signing import ensure_dev_pki, load_pkcs12
from signing.keystore import passphrase_path
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.databases import fresh_database_url
from tests.support.testpki import AnimatedPki, animated_pki
from verify import validate_pdf


@dataclasses.dataclass(frozen=True)
class NcaPki:
    root_pem: Path
    secretary_p12: Path
    secretary_pem: str
    tsa_url: str
    root: Any


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NcaPki]:
    """The secretary's key under a test NCA, with its TSA and OCSP responder on loopback."""
    folder = tmp_path_factory.mktemp("certomancer-blt")
    leaves = {"secretary": f'common-name: "{SECRETARY}", serial-number: IIN850312400123'}
    with animated_pki(folder, "qujat-blt", leaves) as pki:
        yield _nca(folder, pki)


def _nca(folder: Path, pki: AnimatedPki) -> NcaPki:
    """The root as a PEM file, and the secretary's key and certificate as a PKCS#12."""
    keys, arch = pki.keys, pki.arch
    root = arch.get_cert(CertLabel("root"))
    root_pem = folder / "root.pem"
    root_pem.write_bytes(cx509.load_der_x509_certificate(root.dump()).public_bytes(
        serialization.Encoding.PEM))  # fmt: skip
    cert = cx509.load_der_x509_certificate(arch.get_cert(CertLabel("secretary")).dump())
    p12 = folder / "secretary.p12"
    encryption = serialization.BestAvailableEncryption(b"blt-pass")
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(b"s", keys["secretary"], cert, None, encryption)
    )
    passphrase_path(p12).write_bytes(b"blt-pass\n")
    return NcaPki(root_pem, p12, cert.public_bytes(serialization.Encoding.PEM).decode(),
                  pki.tsa_url, root)  # fmt: skip


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@pytest.fixture
def blt_app(test_pki: NcaPki, tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    """The app built from settings: a TSA, revocation embedded, the test NCA trusted."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=fresh_database_url(tmp_path),
        public_base_url="http://testserver",
        tsa_url=test_pki.tsa_url,
        embed_revocation=True,
        # the test NCA's OCSP responder is on loopback: the operator allows it explicitly
        pki_fetch_prefixes=[_origin(test_pki.tsa_url)],
        trust_roots=[test_pki.root_pem],
        verify_workers=1,
        # the embedding at signing time alone (tests/api/test_ltv.py has the upgrader's)
        ltv_upgrader="worker",
    )
    services = build_services(settings)
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services
    finally:
        services.registry.close()


@pytest.mark.parametrize("secretary_key", ["server", "external"])
def test_countersignature_through_the_api_is_b_lt(
    blt_app: tuple[TestClient, Services], test_pki: NcaPki, tmp_path: Path, secretary_key: str
) -> None:
    client, services = blt_app
    _, secret = services.registry.create_api_key("B-LT org", {"issue", "sign", "admin"})
    headers = {"Authorization": f"Bearer {secret}"}
    pki = ensure_dev_pki(services.settings.keys_dir)
    ids: dict[str, str] = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        if name == SECRETARY:  # the one whose certificate names an OCSP responder
            body = {"certificate": test_pki.secretary_pem}
            location = f"pkcs12:{test_pki.secretary_p12}" if secretary_key == "server" else None
        else:
            m = make_member(pki, tmp_path, name, server_held=True)
            body, location = {"certificate": m.certificate_pem}, f"pkcs12:{m.p12}"
        r = client.post("/v1/signers", json=body, headers=headers)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
        if location:
            hold_key(services.settings, ids[name], location)
    signers = {"chair": ids[CHAIR], "members": [ids[m] for m in PRESENT_MEMBERS],
               "secretary": ids[SECRETARY]}  # fmt: skip
    doc = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(), "signers": signers}
    r = client.post("/v1/documents", json=doc, headers=headers)
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        if name == SECRETARY and secretary_key == "external":
            r = _sign_externally(client, headers, doc_id, ids[name], test_pki.secretary_p12)
        else:
            r = client.post(f"/v1/documents/{doc_id}/signatures", json={"signer_id": ids[name]},
                            headers=headers)  # fmt: skip
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued"
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=headers).content

    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and len(report.signatures) == 10
    assert all(s.bottom_line for s in report.signatures)
    reader = PdfFileReader(BytesIO(pdf))
    dss = reader.root["/DSS"]
    ocsps = [ocsp.OCSPResponse.load(o.get_object().data) for o in dss["/OCSPs"]]
    assert ocsps  # fetched from the responder when signing, kept in the PDF
    # offline, with only what the PDF carries; revocation information is required
    # the OCSP answer was fetched after the signature timestamp (that is what B-LT adds): a
    # validator judging at the timestamp's time takes it as retroactive, as our verifier does
    offline = ValidationContext(trust_roots=[test_pki.root], allow_fetching=False,
                                ocsps=ocsps, revocation_mode="hard-fail",
                                retroactive_revinfo=True)  # fmt: skip
    sig = reader.embedded_regular_signatures[-1]
    assert sig.field_name == "Secretary"
    status = asyncio.run(async_validate_pdf_signature(sig, signer_validation_context=offline,
                                                      ts_validation_context=offline))  # fmt: skip
    assert status.bottom_line, status.pretty_print_details()  # type: ignore[no-untyped-call]
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_without_the_setting_or_a_tsa_nothing_is_fetched(
    blt_app: tuple[TestClient, Services],
) -> None:
    _, services = blt_app
    assert services.context.revocation_context() is not None
    # no TSA at all: neither a remote one nor the development TSA of the embedded default
    # (the timestamper is built with the services, so it goes with the setting)
    without_setting = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"embed_revocation": False})
    )
    without_tsa = dataclasses.replace(
        services,
        settings=services.settings.model_copy(update={"tsa_url": None, "dev_tsa": False}),
        timestamper=None,
    )
    for changed in (without_setting, without_tsa):
        assert changed.context.revocation_context() is None


def _sign_externally(
    client: TestClient, headers: dict[str, str], doc_id: str, signer_id: str, p12: Path
) -> Any:
    """The member's side of the two-step flow, with the key only the test holds."""
    prepared = client.post(f"/v1/documents/{doc_id}/signatures/prepare",
                           json={"signer_id": signer_id}, headers=headers).json()  # fmt: skip
    key = load_pkcs12(p12, passphrase_path(p12).read_bytes().removesuffix(b"\n"))
    raw = key.signer.sign_raw(  # type: ignore[attr-defined]
        base64.b64decode(prepared["data_to_sign"]), "sha256"
    )
    return client.post(
        f"/v1/documents/{doc_id}/signatures/complete",
        json={"session_id": prepared["session_id"], "signature": base64.b64encode(raw).decode()},
        headers=headers,
    )
