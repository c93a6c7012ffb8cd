"""Per-organisation issuer keys: ``qujat issuers add`` (operator only) admits a legal
entity's key with the right to sign whose BIN is the organisation's, and that
organisation's documents are certified with it; others keep the deployment-wide key."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier
from fastapi.testclient import TestClient

from api.cli import main
from api.services import Services
from registry.issuer_keys import IssuerKeyRegistry
from signing import DevPki, ensure_dev_pki
from signing.errors import NcaProfileError
from signing.nca_profile import id_checksum_ok
from tests.support.documents import issue, pdf_of
from tests.support.fixtures import MakeOrg
from verify.pdf import validate_pdf
from workflow.issuers import provision_issuer

BIN = "940140000385"  # Қарағанды қаласы бойынша білім бөлімі (checksum valid)
LEGAL_ENTITY, SIGNING_RIGHT = "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.2"
INDIVIDUAL = "1.2.398.3.3.4.1.1"


def _iin() -> str:
    while True:
        candidate = f"{secrets.randbelow(10**11):011d}"
        for d in "0123456789":
            if id_checksum_ok(candidate + d):
                return candidate + d


def _legal_entity_p12(
    pki: DevPki,
    folder: Path,
    *,
    bin_: str = BIN,
    policies: tuple[str, ...] = (LEGAL_ENTITY, SIGNING_RIGHT),
) -> tuple[Path, Path]:
    """An NCA-shaped legal-entity signing key under the development CA, as a .p12."""
    ca = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key_path.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "ОМАРОВА АЙГҮЛ"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "IIN" + _iin()),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Қарағанды қаласы бойынша білім бөлімі"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "BIN" + bin_),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ObjectIdentifier(p) for p in policies]), critical=False
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    passphrase = secrets.token_urlsafe(12).encode()
    p12 = folder / f"{secrets.token_hex(4)}.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, [ca], serialization.BestAvailableEncryption(passphrase)
        )
    )
    pass_file = folder / (p12.name + ".pass")
    pass_file.write_bytes(passphrase + b"\n")
    return p12, pass_file


def test_cli_admits_only_a_signing_legal_entity_of_that_bin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("QUJAT_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    pki = ensure_dev_pki(data / "keys")
    good, good_pass = _legal_entity_p12(pki, tmp_path)
    base = ["issuers", "add", "--org", "School 7", "--data-dir", str(data)]
    wrong_bin = [*base, "--bin", "940140000396", "--p12", str(good)]
    assert main([*wrong_bin, "--passphrase-file", str(good_pass)]) == 2
    assert "nca_bin_mismatch" in capsys.readouterr().err
    employee, employee_pass = _legal_entity_p12(pki, tmp_path, policies=(LEGAL_ENTITY,))
    args = [*base, "--bin", BIN, "--p12", str(employee), "--passphrase-file", str(employee_pass)]
    assert main(args) == 2 and "nca_no_signing_right" in capsys.readouterr().err
    args = [*base, "--bin", BIN, "--p12", str(good), "--passphrase-file", str(good_pass)]
    assert main(args) == 0
    assert main(["issuers", "list", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out
    assert "School 7" in listed and BIN in listed
    assert good_pass.read_text().strip() not in listed  # the passphrase is never stored


def test_documents_of_an_organisation_are_certified_with_its_key(
    client: TestClient, services: Services, make_org: MakeOrg, tmp_path: Path
) -> None:
    pki = ensure_dev_pki(services.settings.keys_dir)
    school, other = make_org("issue"), make_org("issue")
    p12, pass_file = _legal_entity_p12(pki, tmp_path)
    ctx = services.context
    with pytest.raises(NcaProfileError):  # the individual's key of the same CA: no right
        ind, ind_pass = _legal_entity_p12(pki, tmp_path, policies=(INDIVIDUAL,))
        provision_issuer(
            services.registry.engine, ctx.trust_for_signers(), organisation=school.name,
            bin_=BIN, p12=ind, passphrase_file=ind_pass, now=ctx.clock(),
        )  # fmt: skip
    provision_issuer(
        services.registry.engine, ctx.trust_for_signers(), organisation=school.name, bin_=BIN,
        p12=p12, passphrase_file=pass_file, now=ctx.clock(),
    )  # fmt: skip
    assert IssuerKeyRegistry(services.registry.engine).get(school.name) is not None
    form = "course-certificate"
    mine = validate_pdf(pdf_of(client, school, issue(client, school, form)), services.trust_roots)
    theirs = validate_pdf(pdf_of(client, other, issue(client, other, form)), services.trust_roots)
    assert mine.ok and theirs.ok
    assert mine.signatures[0].signer_organisation == "Қарағанды қаласы бойынша білім бөлімі"
    assert mine.signatures[0].signer_name == "ОМАРОВА АЙГҮЛ"
    assert theirs.signatures[0].signer_name == services.issuer.subject_name
