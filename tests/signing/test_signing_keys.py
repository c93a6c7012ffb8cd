"""Key stores: PKCS#12 and PEM loading, passphrases, and errors that name no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing import DevPki, IssuerKey, issue_certificate, load_pem, load_pkcs12, read_passphrase
from signing.errors import KeyStoreError


def test_load_pkcs12(issuer: IssuerKey, pki: DevPki) -> None:
    assert issuer.subject_name.startswith("Қазақстан Республикасы")
    assert issuer.signer.signing_cert == issuer.certificate
    assert [c.subject.native["common_name"] for c in issuer.chain] == ["Qujat Development CA"]


def test_wrong_passphrase_is_reported_without_echoing_it(pki: DevPki) -> None:
    with pytest.raises(KeyStoreError) as caught:
        load_pkcs12(pki.issuer_p12_path, b"s3cret-guess")
    assert "s3cret-guess" not in str(caught.value)
    assert "passphrase" in caught.value.message


def test_missing_key_store(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError):
        load_pkcs12(tmp_path / "nope.p12", b"x")


def test_not_a_key_store(tmp_path: Path) -> None:
    path = tmp_path / "junk.p12"
    path.write_bytes(b"not pkcs12")
    with pytest.raises(KeyStoreError):
        load_pkcs12(path, b"x")


def test_read_passphrase_env_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "pass"
    file.write_bytes(b"from-file\n")
    monkeypatch.setenv("QUJAT_TEST_PASS", "from-env")
    assert read_passphrase("QUJAT_TEST_PASS", file) == b"from-env"
    monkeypatch.delenv("QUJAT_TEST_PASS")
    assert read_passphrase("QUJAT_TEST_PASS", file) == b"from-file"


def test_read_passphrase_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUJAT_TEST_PASS", raising=False)
    with pytest.raises(KeyStoreError):
        read_passphrase("QUJAT_TEST_PASS")
    with pytest.raises(KeyStoreError):
        read_passphrase("QUJAT_TEST_PASS", tmp_path / "missing")


def test_load_pem(pki: DevPki) -> None:
    cert_pem, key_pem = issue_certificate(
        pki.ca_cert_path, pki.ca_key_path, common_name="Секретарь", key_type="rsa"
    )
    key = load_pem(cert_pem, key_pem)
    assert key.subject_name == "Секретарь"


def test_load_pem_refuses_a_foreign_key(pki: DevPki) -> None:
    cert_pem, _ = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="A")
    _, other_key = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="B")
    with pytest.raises(KeyStoreError):
        load_pem(cert_pem, other_key)
    with pytest.raises(KeyStoreError):
        load_pem(b"garbage", b"garbage")


def test_public_names() -> None:
    import signing

    assert sorted(signing.__all__) == [
        "DevPki",
        "EmptyField",
        "IssuerKey",
        "certify",
        "certify_async",
        "ensure_dev_pki",
        "issue_certificate",
        "load_pem",
        "load_pkcs11",
        "load_pkcs12",
        "read_passphrase",
        "sign_field",
        "sign_field_async",
    ]
