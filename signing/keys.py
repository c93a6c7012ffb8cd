"""Key stores: a signing key and its certificate chain, loaded once and kept for every signature."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.sign.signers import Signer

from signing._signer import CachingSigner
from signing.errors import KeyStoreError
from signing.settle import settled

__all__ = ["IssuerKey", "load_pem", "load_pkcs12", "read_passphrase"]


@dataclass(frozen=True)
class IssuerKey:
    """A signing key ready for use: build it once at start-up and share it."""

    signer: Signer
    """The pyHanko signer, holding the parsed private key."""
    certificate: x509.Certificate
    """The signer's certificate."""
    chain: tuple[x509.Certificate, ...]
    """The other certificates that travel with it (intermediates, usually the root)."""
    subject_name: str
    """The certificate subject's common name, for logs and reports."""

    def __post_init__(self) -> None:
        # shared by every signature and signer check the server's threads make
        for cert in (self.certificate, *self.chain):
            settled(cert)


def load_pkcs12(path: Path, passphrase: bytes) -> IssuerKey:
    """Load a PKCS#12 (.p12/.pfx) file; :class:`KeyStoreError` if unreadable or locked."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"Cannot read the key store {path}: {exc.strerror}") from exc
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        # the message never contains the passphrase; cryptography's own text is generic
        raise KeyStoreError(
            f"Cannot open the key store {path}: wrong passphrase or not a PKCS#12 file"
        ) from exc
    if key is None or cert is None:
        raise KeyStoreError(f"The key store {path} holds no private key with a certificate")
    return _issuer_key(
        translate_pyca_cryptography_cert_to_asn1(cert),
        key,
        [translate_pyca_cryptography_cert_to_asn1(c) for c in others],
    )


def load_pem(
    cert_pem: bytes,
    key_pem: bytes,
    *,
    chain: Sequence[x509.Certificate] = (),
    passphrase: bytes | None = None,
) -> IssuerKey:
    """Build a signing key from a PEM (or DER) certificate and private key."""
    try:
        certs = list(load_certs_from_pemder_data(cert_pem))
        if key_pem.lstrip().startswith(b"-----"):
            key = serialization.load_pem_private_key(key_pem, password=passphrase)
        else:
            key = serialization.load_der_private_key(key_pem, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyStoreError("Cannot load the certificate or private key (PEM expected)") from exc
    if not certs:
        raise KeyStoreError("No certificate found in the PEM data")
    return _issuer_key(certs[0], key, [*certs[1:], *chain])


def read_passphrase(env_var: str = "QUJAT_ISSUER_PASSPHRASE", file: Path | None = None) -> bytes:
    """The key store passphrase: the environment variable if set, else the file's content."""
    value = os.environ.get(env_var)
    if value:
        return value.encode("utf-8")
    if file is None:
        raise KeyStoreError(f"No passphrase: set {env_var} or configure a passphrase file")
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"Cannot read the passphrase file {file}: {exc.strerror}") from exc
    return content.removesuffix(b"\n").removesuffix(b"\r")


def _issuer_key(
    cert: x509.Certificate, key: PrivateKeyTypes, others: Sequence[x509.Certificate]
) -> IssuerKey:
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public_der != cert.public_key.dump():
        raise KeyStoreError("The private key does not belong to the certificate")
    try:
        key_info = translate_pyca_cryptography_key_to_asn1(key)
        chain = tuple(c for c in others if c.dump() != cert.dump())
        signer = CachingSigner(cert, key_info, [cert, *chain])
        cn = cert.subject.native.get("common_name", "")
    except (ValueError, TypeError, KeyError) as exc:
        raise KeyStoreError(f"Unusable signing key: {exc}") from exc
    return IssuerKey(
        signer=signer,
        certificate=cert,
        chain=chain,
        subject_name=cn if isinstance(cn, str) else str(cn),
    )
