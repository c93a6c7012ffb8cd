"""Errors of :mod:`signing` (under :class:`forms.errors.QujatError`)::

SigningError                    500 signing_failed
├── KeyStoreError               500 key_store_unavailable
├── SignatureRefused            422 signature_refused   (details: rule)
│   └── NcaProfileError         422 signature_refused   (a certificate outside the NCA profile)
├── TimestampUnavailable        503 timestamp_unavailable
├── ValidationDataUnavailable   503 validation_data_unavailable
├── StreebogUnavailable         500 signing_failed      (OpenSSL's GOST provider missing)
├── FetchRefused                422 revocation_source_refused
└── FetchFailed                 503 revocation_unavailable
"""

from __future__ import annotations

from forms.errors import ErrorDetail, QujatError

__all__ = [
    "FetchFailed",
    "FetchRefused",
    "KeyStoreError",
    "NcaProfileError",
    "SignatureRefused",
    "SigningError",
    "StreebogUnavailable",
    "TimestampUnavailable",
    "ValidationDataUnavailable",
    "refused",
]


class SigningError(QujatError):
    """A signature could not be made."""

    code = "signing_failed"


class KeyStoreError(SigningError):
    """A key store (PKCS#12 file, PKCS#11 token, passphrase) cannot be opened or read."""

    code = "key_store_unavailable"


class SignatureRefused(SigningError):
    """An externally made signature does not fit what was prepared (wrong key, wrong data,
    malformed CMS); the details' ``rule`` says which."""

    http_status = 422
    code = "signature_refused"


class TimestampUnavailable(SigningError):
    """The time-stamping authority did not answer, or answered with no usable token.

    Nothing is issued then: a document never leaves at a lower level than the deployment
    asked for. Retry later (the TSA is a remote service)."""

    http_status = 503
    code = "timestamp_unavailable"


class ValidationDataUnavailable(SigningError):
    """Certificates, CRLs or OCSP answers for a signature or timestamp could not be gathered
    (a responder is down, or a certificate is revoked or expired), so no B-LT revision."""

    http_status = 503
    code = "validation_data_unavailable"


class StreebogUnavailable(SigningError):
    """OpenSSL's GOST provider is not installed (Debian package libengine-gost-openssl)."""


class FetchRefused(SigningError):
    """The URL is outside the configured prefixes: nothing was requested."""

    http_status = 422
    code = "revocation_source_refused"


class FetchFailed(SigningError):
    """The configured service did not answer in time, or answered badly."""

    http_status = 503
    code = "revocation_unavailable"


class NcaProfileError(SignatureRefused):
    """A certificate that does not fit the NCA profile or the use asked of it."""


def refused(rule: str, message: str, field: str = "cms") -> SignatureRefused:
    """A :class:`SignatureRefused` with one detail."""
    return SignatureRefused(message, [ErrorDetail(field, rule, message)])
