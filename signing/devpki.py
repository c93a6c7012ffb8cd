"""A development PKI: a local root CA and the issuing organisation's key, made on first use.

Nothing here is for production: a real issuer holds a key certified by a qualified CA (NCA
of Kazakhstan) in a PKCS#12 file or on a token. The development PKI has the same shape, so
the rest of the code cannot tell the difference.

Layout of ``keys_dir`` (created with mode 0700; every secret file 0600)::

    ca.pem          root certificate (public)
    ca.key.pem      root private key, unencrypted PKCS#8
    issuer.p12      issuer key and certificate (+ the CA) as PKCS#12
    issuer.pass     the random passphrase of issuer.p12
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from signing.errors import KeyStoreError

__all__ = ["CA_COMMON_NAME", "DevPki", "KeyType", "ensure_dev_pki", "issue_certificate"]

KeyType = Literal["ec", "rsa"]
CA_COMMON_NAME = "Qujat Development CA"
_NAME_MAX_BYTES = 64  # ub-common-name; `cryptography` counts UTF-8 bytes
_CA_YEARS = 10
_LEAF_YEARS = 3
_BACKDATE = timedelta(minutes=5)  # tolerate a little clock skew between machines


@dataclass(frozen=True)
class DevPki:
    """Where the development PKI lives on disk."""

    ca_cert_path: Path
    """The root certificate (PEM); configure it as a trust root to verify dev documents."""
    ca_key_path: Path
    """The root private key (PEM, unencrypted, mode 0600); used by :func:`issue_certificate`."""
    issuer_p12_path: Path
    """The issuing organisation's key and certificate chain (PKCS#12, mode 0600)."""
    issuer_passphrase_path: Path
    """The passphrase of ``issuer_p12_path`` (mode 0600), for :func:`signing.read_passphrase`."""


def ensure_dev_pki(
    keys_dir: Path,
    org_name: str = "Qujat development issuer",
    *,
    key_type: KeyType = "ec",
    now: datetime | None = None,
) -> DevPki:
    """Create the development CA and issuer key in ``keys_dir`` unless they exist already.

    Safe to call from several processes at once: creation happens under a file lock, and
    later calls only look at what is there.
    """
    pki = DevPki(
        ca_cert_path=keys_dir / "ca.pem",
        ca_key_path=keys_dir / "ca.key.pem",
        issuer_p12_path=keys_dir / "issuer.p12",
        issuer_passphrase_path=keys_dir / "issuer.pass",
    )
    if _complete(pki):
        return pki
    try:
        if not keys_dir.is_dir():
            keys_dir.mkdir(mode=0o700, parents=True)
            keys_dir.chmod(0o700)  # mkdir's mode is filtered by the umask
        with _locked(keys_dir / ".lock"):
            _create_missing(pki, org_name, key_type, now or datetime.now(UTC))
    except OSError as exc:
        raise KeyStoreError(f"Cannot create the development PKI in {keys_dir}: {exc}") from exc
    return pki


def issue_certificate(
    ca_cert_path: Path,
    ca_key_path: Path,
    *,
    common_name: str,
    organisation: str | None = None,
    iin: str | None = None,
    key_type: KeyType = "ec",
    now: datetime | None = None,
) -> tuple[bytes, bytes]:
    """Issue a signing certificate from the development CA; returns (cert PEM, key PEM).

    With ``iin`` the subject carries ``SERIALNUMBER=IIN<iin>``, as certificates of the NCA of
    Kazakhstan do. The key PEM is unencrypted PKCS#8: keep it where only the server reads it.
    """
    ca_cert, ca_key = _load_ca(ca_cert_path, ca_key_path)
    key = _new_key(key_type)
    cert = _leaf_certificate(
        ca_cert,
        ca_key,
        key,
        _subject(common_name, organisation, iin),
        now or datetime.now(UTC),
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def truncate_utf8(text: str, max_bytes: int = _NAME_MAX_BYTES) -> str:
    """Cut ``text`` to at most ``max_bytes`` of UTF-8 without splitting a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").rstrip()


# --- creation ---------------------------------------------------------------------------


def _complete(pki: DevPki) -> bool:
    return all(
        p.is_file()
        for p in (
            pki.ca_cert_path,
            pki.ca_key_path,
            pki.issuer_p12_path,
            pki.issuer_passphrase_path,
        )
    )


def _create_missing(pki: DevPki, org_name: str, key_type: KeyType, now: datetime) -> None:
    if not (pki.ca_cert_path.is_file() and pki.ca_key_path.is_file()):
        if pki.issuer_p12_path.exists():
            raise KeyStoreError(
                f"{pki.issuer_p12_path} exists but its CA is missing; remove it to start over"
            )
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = _ca_certificate(ca_key, now)
        _write_file(pki.ca_key_path, _pkcs8_pem(ca_key))
        _write_file(pki.ca_cert_path, ca_cert.public_bytes(serialization.Encoding.PEM), 0o644)
    if pki.issuer_p12_path.is_file() and pki.issuer_passphrase_path.is_file():
        return
    ca_cert, ca_key = _load_ca(pki.ca_cert_path, pki.ca_key_path)
    key = _new_key(key_type)
    cert = _leaf_certificate(ca_cert, ca_key, key, _subject(org_name, org_name, None), now)
    passphrase = secrets.token_urlsafe(32).encode("ascii")
    p12 = pkcs12.serialize_key_and_certificates(
        name=b"issuer",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )
    _write_file(pki.issuer_passphrase_path, passphrase + b"\n")
    _write_file(pki.issuer_p12_path, p12)


def _ca_certificate(key: ec.EllipticCurvePrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=365 * _CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    subject: x509.Name,
    now: datetime,
) -> x509.Certificate:
    not_after = min(now + timedelta(days=365 * _LEAF_YEARS), ca_cert.not_valid_after_utc)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _subject(common_name: str, organisation: str | None, iin: str | None) -> x509.Name:
    cn = truncate_utf8(common_name.strip())
    if not cn:
        raise KeyStoreError("A certificate needs a non-empty common name")
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if iin is not None:
        if not (len(iin) == 12 and iin.isascii() and iin.isdigit()):
            raise KeyStoreError("An IIN is 12 digits")
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, "IIN" + iin))
    if organisation:
        # ub-organization-name is 64 characters; `cryptography` only polices the CN
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation.strip()[:64]))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"))
    return x509.Name(attrs)


def _new_key(key_type: KeyType) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise KeyStoreError(f"Unknown key type {key_type!r}; use 'ec' or 'rsa'")


def _load_ca(
    cert_path: Path, key_path: Path
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyStoreError(f"Cannot load the development CA from {cert_path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyStoreError(f"{key_path} does not hold an EC private key")
    return cert, key


def _pkcs8_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file atomically with ``mode`` (no half-written key is ever seen)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)  # the umask may have narrowed it
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
