"""The issuer key on a PKCS#11 token: SoftHSM2 in a temporary directory, a key from the dev CA.

SoftHSM reads ``SOFTHSM2_CONF`` once, when the library is first loaded into the process, so
one token serves the whole test session. A PKCS#11 login holds for the whole process too,
which is why the wrong-PIN checks run in a subprocess of their own.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.services import Services, build_services
from forms import get_form
from signing import EmptyField, certify, issue_certificate, load_pkcs11
from signing.errors import KeyStoreError
from tests.pdftools import pdfsig, qpdf_check
from tests.support.databases import fresh_database_url
from tests.support.pdfa import compile_pdfa
from verify import load_trust_roots, validate_pdf

pkcs11 = pytest.importorskip("pkcs11", reason="python-pkcs11 is the 'pkcs11' extra")

TOKEN = "qujat-issuer"
PIN = "4711-token-pin"
SO_PIN = "so-pin-0815"
MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class Token:
    module: Path
    ca_path: Path
    conf: Path
    """The SoftHSM2 configuration (for subprocesses)."""


def _module() -> Path:
    for candidate in MODULE_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    pytest.skip("SoftHSM2 is not installed (Debian package softhsm2; scripts/system-packages)")


def _put_certificate(module: Path, label: str, cert_pem: bytes, object_id: bytes) -> None:
    """Store a certificate object next to the key, as a CA's token tooling would."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11 import Attribute, CertificateType, ObjectClass

    cert = cx509.load_pem_x509_certificate(cert_pem)
    token = pkcs11.lib(str(module)).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
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


def _import_key(label: str, key_pem: bytes, object_id: str, tmp: Path) -> None:
    """softhsm2-util imports a PKCS#8 private key (and its public half)."""
    key_file = tmp / f"{label}.key.pem"
    key_file.write_bytes(key_pem)
    try:
        subprocess.run(
            ["softhsm2-util", "--import", str(key_file), "--token", TOKEN, "--label", label,
             "--id", object_id, "--pin", PIN],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    finally:
        key_file.unlink()


@pytest.fixture(scope="session")
def token(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, services: Services) -> Token:
    """A SoftHSM2 token holding an EC P-256 issuer key certified by the development CA
    (the one the suite's app and NSS database trust), the CA certificate, and a key whose
    certificate belongs to another key."""
    module = _module()
    if shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2-util is not installed")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read once, when the library is first loaded
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
         "--so-pin", SO_PIN],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    ca, ca_key = data_dir / "keys" / "ca.pem", data_dir / "keys" / "ca.key.pem"
    cert_pem, key_pem = issue_certificate(
        ca, ca_key, common_name="Токен беруші ұйым", organisation="Qujat token issuer"
    )
    _import_key("issuer", key_pem, "01", root)
    _put_certificate(module, "issuer", cert_pem, b"\x01")
    _put_certificate(module, "dev-ca", ca.read_bytes(), b"\x02")
    # a key whose certificate is someone else's: must be refused at start-up
    _, stray_key = issue_certificate(ca, ca_key, common_name="Stray")
    _import_key("mismatch", stray_key, "03", root)
    _put_certificate(module, "mismatch", cert_pem, b"\x03")
    return Token(module=module, ca_path=ca, conf=conf)


def test_certify_through_the_token(token: Token, nss_db: str) -> None:
    key = load_pkcs11(token.module, TOKEN, "issuer", PIN)
    assert key.subject_name == "Токен беруші ұйым"
    assert [c.subject.native["common_name"] for c in key.chain] == ["Qujat Development CA"]
    signed = certify(compile_pdfa(), key, reason="Issued", empty_fields=[EmptyField("Chair")])
    report = validate_pdf(signed, load_trust_roots([token.ca_path]))
    assert report.ok, report
    (sig,) = report.signatures
    assert sig.certification and sig.trusted and sig.bottom_line
    assert sig.signer_name == "Токен беруші ұйым"
    out = pdfsig(signed, nss_db)
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out
    assert qpdf_check(signed).returncode == 0


def test_certify_through_the_token_tamper(token: Token) -> None:
    key = load_pkcs11(token.module, TOKEN, "issuer", PIN)
    signed = bytearray(certify(compile_pdfa(), key))
    at = signed.index(b"Liberation")  # a byte inside the signed range
    signed[at] ^= 0x01
    report = validate_pdf(bytes(signed), load_trust_roots([token.ca_path]))
    assert not report.ok
    assert not any(s.intact for s in report.signatures)


def test_a_key_that_does_not_match_its_certificate_is_refused(token: Token) -> None:
    with pytest.raises(KeyStoreError, match="does not belong"):
        load_pkcs11(token.module, TOKEN, "mismatch", PIN)
    with pytest.raises(KeyStoreError, match="'nobody'"):
        load_pkcs11(token.module, TOKEN, "nobody", PIN)
    with pytest.raises(KeyStoreError, match="No token matching"):
        load_pkcs11(token.module, "no-such-token", "issuer", PIN)
    with pytest.raises(KeyStoreError, match="No PKCS#11 module"):
        load_pkcs11(token.module.with_name("missing.so"), TOKEN, "issuer", PIN)


_WRONG_PIN_SCRIPT = """
import sys
from pathlib import Path
from signing.errors import KeyStoreError
from signing import load_pkcs11
try:
    load_pkcs11(Path(sys.argv[1]), sys.argv[2], "issuer", sys.argv[3])
except KeyStoreError as exc:
    print("refused:", exc.message)
else:
    print("accepted")
"""


def test_a_wrong_pin_is_refused_and_never_echoed(token: Token) -> None:
    # a fresh process: this one is logged in to the token already
    wrong = "9999-not-the-pin"
    done = subprocess.run(
        [sys.executable, "-c", _WRONG_PIN_SCRIPT, str(token.module), TOKEN, wrong],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "SOFTHSM2_CONF": str(token.conf)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused: Wrong PIN"), done.stdout
    assert wrong not in done.stdout + done.stderr


@pytest.fixture
def token_app(
    token: Token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[TestClient, Services]]:
    """The whole app with its issuer key on the token, built from settings (PIN from a file)."""
    caplog.set_level(logging.DEBUG)
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    monkeypatch.delenv("QUJAT_ISSUER_PKCS11_PIN", raising=False)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=fresh_database_url(tmp_path),
        public_base_url="http://testserver",
        issuer_pkcs11_module=token.module,
        issuer_pkcs11_token=TOKEN,
        issuer_pkcs11_key_label="issuer",
        issuer_pkcs11_pin_file=pin_file,
        trust_roots=[token.ca_path],
        verify_workers=1,
    )
    services = build_services(settings)
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services
    finally:
        services.registry.close()


def test_the_app_issues_with_the_token_key(
    token_app: tuple[TestClient, Services], caplog: pytest.LogCaptureFixture
) -> None:
    client, services = token_app
    assert services.issuer.subject_name == "Токен беруші ұйым"
    assert not (services.settings.keys_dir / "issuer.p12").exists()  # no development key made
    _, secret = services.registry.create_api_key("Token org", {"issue"})
    headers = {"Authorization": f"Bearer {secret}"}
    form = get_form("qualification-certificate")
    r = client.post(
        "/v1/documents",
        json={"form": form.id, "lang": "kk", "data": dict(form.example)},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    pdf = client.get(doc["links"]["pdf"], headers=headers).content
    report = validate_pdf(pdf, load_trust_roots([services.settings.trust_roots[0]]))
    assert report.ok and report.signatures[0].signer_name == "Токен беруші ұйым"
    check = client.post("/v1/verify", files={"file": ("doc.pdf", pdf)}).json()
    assert check["verdict"] == "genuine", check
    assert client.get("/healthz").json()["issuer"] == "Токен беруші ұйым"
    assert caplog.records and PIN not in caplog.text  # start-up and requests, at DEBUG
    assert PIN.encode() not in pdf and PIN not in str(check)


def test_pkcs11_settings_are_checked_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="QUJAT_ISSUER_PKCS11_TOKEN"):
        Settings(data_dir=tmp_path, issuer_pkcs11_module=Path("/x.so"))
    with pytest.raises(ValueError, match="not both"):
        Settings(
            data_dir=tmp_path,
            issuer_p12=Path("/x.p12"),
            issuer_pkcs11_module=Path("/x.so"),
            issuer_pkcs11_token="t",
            issuer_pkcs11_key_label="k",
        )
