"""The development PKI: what it creates, with which permissions, and that it is created once."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from signing import DevPki, ensure_dev_pki, issue_certificate, read_passphrase
from signing.devpki import truncate_utf8
from signing.errors import KeyStoreError

ORG = "Қазақстан Республикасы Оқу-ағарту министрлігі Білім беру сапасын бағалау орталығы"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _issuer_cert(pki: DevPki) -> x509.Certificate:
    p12 = pkcs12.load_pkcs12(
        pki.issuer_p12_path.read_bytes(), read_passphrase(file=pki.issuer_passphrase_path)
    )
    assert p12.cert is not None
    return p12.cert.certificate


def test_creates_ca_and_issuer_with_private_modes(pki: DevPki) -> None:
    assert _mode(pki.ca_key_path.parent) == 0o700
    for secret in (pki.ca_key_path, pki.issuer_p12_path, pki.issuer_passphrase_path):
        assert _mode(secret) == 0o600, secret
    ca = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Qujat Development CA"
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    assert (ca.not_valid_after_utc - ca.not_valid_before_utc).days >= 3650


def test_issuer_certificate(pki: DevPki) -> None:
    cert = _issuer_cert(pki)
    ca = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    cert.verify_directly_issued_by(ca)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    cn = str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
    assert len(cn.encode()) <= 64 and ORG.startswith(cn)
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert org == ORG[:64]
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)


def test_second_call_changes_nothing(pki: DevPki) -> None:
    files = [pki.ca_cert_path, pki.ca_key_path, pki.issuer_p12_path, pki.issuer_passphrase_path]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    again = ensure_dev_pki(pki.ca_cert_path.parent, "Another name")
    assert again == pki
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_rsa_issuer(tmp_path: Path) -> None:
    pki = ensure_dev_pki(tmp_path / "k", key_type="rsa")
    key = _issuer_cert(pki).public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 3072


def test_missing_ca_with_existing_issuer_is_refused(tmp_path: Path) -> None:
    pki = ensure_dev_pki(tmp_path / "k")
    pki.ca_key_path.unlink()
    with pytest.raises(KeyStoreError):
        ensure_dev_pki(tmp_path / "k")


def test_missing_issuer_is_recreated_under_the_same_ca(tmp_path: Path) -> None:
    pki = ensure_dev_pki(tmp_path / "k")
    ca = pki.ca_cert_path.read_bytes()
    pki.issuer_p12_path.unlink()
    ensure_dev_pki(tmp_path / "k")
    assert pki.ca_cert_path.read_bytes() == ca
    _issuer_cert(pki).verify_directly_issued_by(x509.load_pem_x509_certificate(ca))


def test_issue_certificate_with_iin(pki: DevPki) -> None:
    cert_pem, key_pem = issue_certificate(
        pki.ca_cert_path, pki.ca_key_path, common_name="Сәрсенбаева Гүлнар", iin="871008401427"
    )
    cert = x509.load_pem_x509_certificate(cert_pem)
    serial = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
    assert serial == "IIN871008401427"
    assert b"PRIVATE KEY" in key_pem


@pytest.mark.parametrize("iin", ["123", "87100840142x", "８７１００８４０１４２７"])
def test_issue_certificate_rejects_bad_iin(pki: DevPki, iin: str) -> None:
    with pytest.raises(KeyStoreError):
        issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="X", iin=iin)


def test_issue_certificate_without_ca(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError):
        issue_certificate(tmp_path / "ca.pem", tmp_path / "ca.key.pem", common_name="X")


def test_truncate_utf8_keeps_characters_whole() -> None:
    text = "Ә" * 40  # two bytes each
    cut = truncate_utf8(text)
    assert cut == "Ә" * 32
    assert truncate_utf8("a" + "Ә" * 40) == "a" + "Ә" * 31
