"""A commission member's key on a PKCS#11 token (``key_location`` ``pkcs11:…``, RFC 7512).

SoftHSM reads its configuration once per process and does not see tokens initialised
later, so when tests/signing/test_pkcs11.py has set up its token already the member key
goes onto that token; run alone, this module initialises the same token itself.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from forms.errors import FormDataInvalid
from signing import ensure_dev_pki, issue_certificate
from signing.errors import KeyStoreError
from tests.pdftools import pdfsig
from tests.signing.test_pkcs11 import PIN, SO_PIN, TOKEN, _import_key, _module
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.fixtures import MakeOrg
from verify import validate_pdf

pytest.importorskip("pkcs11", reason="python-pkcs11 is the 'pkcs11' extra")


@dataclass(frozen=True)
class MemberKey:
    uri: str
    """The key location registered for the signer."""
    certificate_pem: str


def _put_certificate(module: Path, label: str, cert_pem: bytes, object_id: bytes) -> None:
    """Store the certificate beside the key; the process may be logged in to the token."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11 import Attribute, CertificateType, ObjectClass, UserAlreadyLoggedIn, lib

    cert = cx509.load_pem_x509_certificate(cert_pem)
    token = lib(str(module)).get_token(token_label=TOKEN)
    try:
        session = token.open(rw=True, user_pin=PIN)
    except UserAlreadyLoggedIn:  # tests/signing/test_pkcs11.py logged this process in
        session = token.open(rw=True)
    with session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
            }
        )


@pytest.fixture(scope="module")
def member_key(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> MemberKey:
    """The secretary's EC key and certificate (from the suite's development CA) on a token."""
    module = _module()
    if shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2-util is not installed")
    root = tmp_path_factory.mktemp("softhsm-members")
    if not os.environ.get("SOFTHSM2_CONF"):  # the first token of this process
        (root / "tokens").mkdir()
        conf = root / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n"
            "log.level = ERROR\nslots.removable = false\n"
        )
        os.environ["SOFTHSM2_CONF"] = str(conf)
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
             "--so-pin", SO_PIN],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    ca, ca_key = data_dir / "keys" / "ca.pem", data_dir / "keys" / "ca.key.pem"
    cert_pem, key_pem = issue_certificate(
        ca, ca_key, common_name=SECRETARY, iin=f"{secrets.randbelow(10**12):012d}"
    )
    label, object_id = f"secretary-{secrets.token_hex(4)}", secrets.token_hex(4)
    _import_key(label, key_pem, object_id, root)
    _put_certificate(module, label, cert_pem, bytes.fromhex(object_id))
    pin_file = root / "pin"
    pin_file.write_text(PIN + "\n")
    pin_file.chmod(0o600)
    uri = (
        f"pkcs11:token={TOKEN};object={label};type=private"
        f"?module-path={module}&pin-source=file:{pin_file}"
    )
    return MemberKey(uri, cert_pem.decode())


def test_a_member_key_on_a_token_signs_a_protocol_through_the_api(
    client: TestClient, services: Services, make_org: MakeOrg, member_key: MemberKey,
    nss_db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """The secretary's key is on the token; the rest of the commission's in PKCS#12 files."""
    caplog.set_level(logging.DEBUG)
    admin = make_org("issue", "sign", "admin")
    pki = ensure_dev_pki(services.settings.keys_dir)
    ids: dict[str, str] = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        if name == SECRETARY:
            body, location = {"certificate": member_key.certificate_pem}, member_key.uri
        else:
            m = make_member(pki, tmp_path, name, server_held=True)
            body, location = {"certificate": m.certificate_pem}, f"pkcs12:{m.p12}"
        r = client.post("/v1/signers", json=body, headers=admin.headers)
        assert r.status_code == 201, r.text
        assert r.json()["name"] == name
        ids[name] = r.json()["id"]
        hold_key(services.settings, ids[name], location)
        held = client.get(f"/v1/signers/{ids[name]}", headers=admin.headers).json()
        assert held["key_held_by"] == "server"
    signers = {"chair": ids[CHAIR], "members": [ids[m] for m in PRESENT_MEMBERS],
               "secretary": ids[SECRETARY]}  # fmt: skip
    doc = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(), "signers": signers}
    r = client.post("/v1/documents", json=doc, headers=admin.headers)
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        r = client.post(
            f"/v1/documents/{doc_id}/signatures", json={"signer_id": ids[name]},
            headers=admin.headers,
        )  # fmt: skip
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued"
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=admin.headers).content
    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and len(report.signatures) == 10
    assert all(s.bottom_line for s in report.signatures)
    assert report.signatures[-1].signer_name == SECRETARY  # signed on the token
    out = pdfsig(pdf, nss_db)
    assert out.count("Signature is Valid.") == 10, out
    assert PIN not in caplog.text and PIN.encode() not in pdf


def test_a_member_key_on_a_token_tamper(
    client: TestClient, services: Services, make_org: MakeOrg, member_key: MemberKey
) -> None:
    """The operator's provisioning refuses a token key of another certificate; the API
    takes no location at all."""
    admin = make_org("issue", "sign", "admin")
    other, _ = issue_certificate(
        services.settings.keys_dir / "ca.pem", services.settings.keys_dir / "ca.key.pem",
        common_name=SECRETARY, iin="880705465683",
    )  # fmt: skip
    body = {"certificate": other.decode(), "key_location": member_key.uri}
    r = client.post("/v1/signers", json=body, headers=admin.headers)
    assert r.status_code == 422, r.text
    del body["key_location"]
    r = client.post("/v1/signers", json=body, headers=admin.headers)
    assert r.status_code == 201, r.text
    with pytest.raises(FormDataInvalid) as refused:
        hold_key(services.settings, r.json()["id"], member_key.uri)
    assert refused.value.details[0].rule == "key_certificate_mismatch"


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("pkcs11:token=t;object=k?module-path=/x.so&pin-value=1234", "pin-value"),
        ("pkcs11:token=t;object=k?module-path=/x.so", "lacks pin-source"),
        ("pkcs11:token=t?module-path=/x.so&pin-source=env:X", "lacks object"),
        ("pkcs11:token=t;object=k;slot-id=3?module-path=/x.so&pin-source=env:X", "slot-id"),
        ("pkcs11:token=t;object=k;type=cert?module-path=/x.so&pin-source=env:X", "type=private"),
        ("pkcs11:token=t;object=k?module-path=/x.so&pin-source=env:QUJAT_NO_SUCH_PIN", "not set"),
        ("pkcs11:token=t;object=k?module-path=/x.so&pin-source=file:/nonexistent", "PIN file"),
        ("pkcs11:token=t;object=k?module-path=/x.so&pin-source=https://pin", "pin-source must"),
        ("pkcs11:token=t;object=k?module-path=/x.so&pin-source=file:/p%00in", "PIN file"),
    ],
)
def test_malformed_pkcs11_locations_are_refused(uri: str, message: str) -> None:
    from signing.pkcs11 import open_key

    with pytest.raises(KeyStoreError, match=message) as refused:
        open_key(uri)
    assert "1234" not in str(refused.value)


def test_pin_from_an_environment_variable(
    member_key: MemberKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signing.pkcs11 import open_key

    monkeypatch.setenv("QUJAT_TEST_MEMBER_PIN", PIN)
    pin_source = member_key.uri.rsplit("pin-source=", 1)[1]
    key: Any = open_key(member_key.uri.replace(pin_source, "env:QUJAT_TEST_MEMBER_PIN"))
    assert key.subject_name == SECRETARY
