"""Signing: key stores, the issuer's PAdES certification and countersignatures.

Knows nothing of HTTP. The PDF comes in as bytes and goes out as bytes.
"""

from signing import _hexstrings, _pdftokens
from signing.devpki import DevPki, ensure_dev_pki, issue_certificate
from signing.keys import IssuerKey, load_pem, load_pkcs12, read_passphrase
from signing.pades import EmptyField, certify, certify_async, sign_field, sign_field_async

# pyHanko reads a signature's /Contents in one slice, not byte by byte, in every process
# that signs or validates: the upgrader's B-LTA step (secure) took 59 ms without, 21 ms with
_hexstrings.install()
# and its names and bare tokens in slices, not byte by byte through a generator
_pdftokens.install()

TYPE_CHECKING = False
if TYPE_CHECKING:
    from signing.pkcs11 import load_pkcs11

__all__ = [
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


def __getattr__(name: str) -> object:
    # PKCS#11 support is an optional extra (python-pkcs11): imported when first asked for
    if name == "load_pkcs11":
        from signing.pkcs11 import load_pkcs11

        return load_pkcs11
    raise AttributeError(f"module 'signing' has no attribute {name!r}")
