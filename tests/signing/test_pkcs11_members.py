"""A commission member's key on a PKCS#11 token (``key_location`` ``pkcs11:…``, RFC 7512).

SoftHSM reads its configuration once per process and does not see tokens initialised
later, so when tests/signing/test_pkcs11.py has set up its token already the member key
goes onto that token; run alone, this module initialises the same token itself.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from forms.errors import FormDataInvalid
from signing import ensure_dev_pki, issue_certificate
from signing.errors import KeyStoreError
from signing.keystore import KeyLocations
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
        # a library the operator did not allow is refused before its PIN source is read
        ("pkcs11:token=t;object=k?module-path=/y.so&pin-source=file:/nonexistent", "allows"),
        ("pkcs11:token=t;object=k?module-path=/x.so/../y.so&pin-source=env:X", "allows"),
    ],
)
def test_malformed_pkcs11_locations_are_refused(uri: str, message: str) -> None:
    from signing.pkcs11 import open_key

    with pytest.raises(KeyStoreError, match=message) as refused:
        open_key(uri, allowed_modules=[Path("/x.so")])
    assert "1234" not in str(refused.value)


def test_pin_from_an_environment_variable(
    member_key: MemberKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signing.pkcs11 import open_key

    monkeypatch.setenv("QUJAT_TEST_MEMBER_PIN", PIN)
    pin_source = member_key.uri.rsplit("pin-source=", 1)[1]
    key: Any = open_key(
        member_key.uri.replace(pin_source, "env:QUJAT_TEST_MEMBER_PIN"),
        allowed_modules=[_module()],
    )
    assert key.subject_name == SECRETARY


def _add_key(
    services: Services, data_dir: Path, org: str, signer_id: str, *args: str,
    env: dict[str, str | None],
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``qujat signers add-key --pkcs11 …`` as the operator runs it, in its own process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    environ["QUJAT_DATABASE_URL"] = services.settings.db_url
    environ.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "signers", "add-key", "--org", org,
         "--signer", signer_id, *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, env=environ,
    )  # fmt: skip


def _token_uri(member_key: MemberKey) -> str:
    """What the operator types: the token and the key's label, nothing else."""
    return member_key.uri.split(";type=")[0]


def test_the_operator_provisions_a_token_key_through_the_cli(
    client: TestClient, services: Services, make_org: MakeOrg, member_key: MemberKey,
    data_dir: Path,
) -> None:  # fmt: skip
    admin = make_org("issue", "sign", "admin")
    r = client.post("/v1/signers", json={"certificate": member_key.certificate_pem},
                    headers=admin.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    signer_id = r.json()["id"]
    allowed = json.dumps([str(_module())])
    done = _add_key(services, data_dir, admin.name, signer_id, "--pkcs11", _token_uri(member_key),
                    env={"QUJAT_SIGNER_PKCS11_MODULES": allowed,
                         "QUJAT_SIGNER_PKCS11_PIN": PIN})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PIN not in done.stdout + done.stderr
    held = client.get(f"/v1/signers/{signer_id}", headers=admin.headers).json()
    assert held["key_held_by"] == "server"
    location = services.context.signing.signer(signer_id).key_location
    assert location is not None and PIN not in location  # where to read it, never the PIN
    assert "pin-source=env:QUJAT_SIGNER_PKCS11_PIN" in location
    os.environ["QUJAT_SIGNER_PKCS11_PIN"] = PIN  # the server's environment
    try:
        key: Any = KeyLocations(services.settings.signer_pkcs11_modules).open(location)
        assert key.subject_name == SECRETARY
        with pytest.raises(KeyStoreError, match="allows"):  # a server allowing no module
            KeyLocations().open(location)
    finally:
        del os.environ["QUJAT_SIGNER_PKCS11_PIN"]


def test_cli_token_provisioning_refusals(
    client: TestClient, services: Services, make_org: MakeOrg, member_key: MemberKey,
    data_dir: Path, tmp_path: Path,
) -> None:  # fmt: skip
    """The attacks on the operator's step: another library, a PIN in the URI, no PIN, a
    wrong PIN, a key of another certificate. Each a ``qujat:`` message, nothing stored."""
    admin = make_org("issue", "sign", "admin")
    r = client.post("/v1/signers", json={"certificate": member_key.certificate_pem},
                    headers=admin.headers)  # fmt: skip
    signer_id = r.json()["id"]
    other_cert, _ = issue_certificate(
        services.settings.keys_dir / "ca.pem", services.settings.keys_dir / "ca.key.pem",
        common_name=CHAIR, iin="880705465683",
    )  # fmt: skip
    r = client.post("/v1/signers", json={"certificate": other_cert.decode()},
                    headers=admin.headers)  # fmt: skip
    other_id = r.json()["id"]
    module = str(_module())
    allowed = json.dumps([module])
    uri = _token_uri(member_key)
    wrong_pin = "9999-wrong-pin"
    pin_file = tmp_path / "pin"
    pin_file.write_text(wrong_pin + "\n")
    cases: list[tuple[str, tuple[str, ...], dict[str, str | None], str]] = [
        ("no module allowed", ("--pkcs11", uri), {"QUJAT_SIGNER_PKCS11_PIN": PIN}, "allowed"),
        ("another library", ("--pkcs11", uri, "--module", "/usr/lib/x86_64-linux-gnu/libz.so.1"),
         {"QUJAT_SIGNER_PKCS11_MODULES": allowed, "QUJAT_SIGNER_PKCS11_PIN": PIN}, "allows"),
        ("module in the URI", ("--pkcs11", f"{uri}?module-path=/tmp/evil.so"),
         {"QUJAT_SIGNER_PKCS11_MODULES": allowed, "QUJAT_SIGNER_PKCS11_PIN": PIN}, "allows"),
        ("PIN in the URI", ("--pkcs11", f"{uri}?pin-value=1234-in-uri"),
         {"QUJAT_SIGNER_PKCS11_MODULES": allowed, "QUJAT_SIGNER_PKCS11_PIN": PIN}, "PIN"),
        ("PIN source in the URI", ("--pkcs11", f"{uri}?pin-source=file:/etc/shadow"),
         {"QUJAT_SIGNER_PKCS11_MODULES": allowed, "QUJAT_SIGNER_PKCS11_PIN": PIN}, "PIN"),
        ("no PIN", ("--pkcs11", uri), {"QUJAT_SIGNER_PKCS11_MODULES": allowed}, "No PKCS#11 PIN"),
        ("wrong PIN", ("--pkcs11", uri), {"QUJAT_SIGNER_PKCS11_MODULES": allowed,
                                          "QUJAT_SIGNER_PKCS11_PIN_FILE": str(pin_file)},
         "Wrong PIN"),
    ]  # fmt: skip
    for name, args, env, message in cases:
        done = _add_key(services, data_dir, admin.name, signer_id, *args, env=env)
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert done.stderr.startswith("qujat: ") and message in done.stderr, (name, done.stderr)
        assert "Traceback" not in done.stderr
        for secret in (PIN, wrong_pin, "1234-in-uri"):
            assert secret not in done.stdout + done.stderr, name
    # the token's key is the secretary's: it is no key of the chair's certificate
    done = _add_key(services, data_dir, admin.name, other_id, "--pkcs11", uri,
                    env={"QUJAT_SIGNER_PKCS11_MODULES": allowed,
                         "QUJAT_SIGNER_PKCS11_PIN": PIN})  # fmt: skip
    assert done.returncode == 2 and "key_certificate_mismatch" in done.stderr, done.stderr
    for sid in (signer_id, other_id):
        held = client.get(f"/v1/signers/{sid}", headers=admin.headers).json()
        assert held["key_held_by"] == "member"
