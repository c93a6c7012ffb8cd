"""Signing: key stores, the issuer's PAdES certification and countersignatures.

Knows nothing of HTTP. The PDF comes in as bytes and goes out as bytes.
"""

from signing.devpki import DevPki, ensure_dev_pki, issue_certificate
from signing.keys import IssuerKey, load_pem, load_pkcs12, read_passphrase
from signing.pades import EmptyField, certify, certify_async, sign_field, sign_field_async

__all__ = [
    "DevPki",
    "EmptyField",
    "IssuerKey",
    "certify",
    "certify_async",
    "ensure_dev_pki",
    "issue_certificate",
    "load_pem",
    "load_pkcs12",
    "read_passphrase",
    "sign_field",
    "sign_field_async",
]
