"""Errors of :mod:`signing` (under :class:`forms.errors.QujatError`)::

SigningError                    500 signing_failed
├── KeyStoreError               500 key_store_unavailable
└── SignatureRefused            422 signature_refused   (details: rule)
"""

from __future__ import annotations

from forms.errors import ErrorDetail, QujatError

__all__ = ["KeyStoreError", "SignatureRefused", "SigningError", "refused"]


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


def refused(rule: str, message: str, field: str = "cms") -> SignatureRefused:
    """A :class:`SignatureRefused` with one detail."""
    return SignatureRefused(message, [ErrorDetail(field, rule, message)])
