"""Offline QR tokens and signed status lists: created here, checked in :mod:`verify.offline`.

A token is a COSE_Sign1 (RFC 9052, ES256) over a small CBOR map, compressed with zlib when
that makes it shorter, and written in RFC 4648 base32 without padding, after the prefix
``QJ1:``. Every character of it is in the QR code's alphanumeric set (5.5 bits a
character), so it costs little more than raw bytes, and unlike base45 (the EU certificate's
choice) it has no space or ``%``: it can ride in a URL fragment that a phone's camera still
opens as a link.

The format (prefix, COSE constants, claims) is defined once, in :mod:`signing.token_format`.

The key is a dedicated ECDSA P-256 key, not the issuer's PAdES key: its signature is 64 bytes
whatever the issuer's certificate is (an RSA-2048 NCA key would make it 256), it can be
rotated without re-certifying, and it can sign nothing but tokens and status lists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import cbor2
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from signing.errors import KeyStoreError
from signing.token_format import (
    COSE_ALG,
    COSE_KID,
    COSE_SIGN1_TAG,
    ES256,
    TOKEN_PREFIX,
    Claim,
    days_of,
    id_to_bytes,
)

__all__ = [
    "TOKEN_PREFIX",
    "TokenClaims",
    "TokenKey",
    "b64url",
    "ensure_token_key",
    "issue_token",
    "jwk_thumbprint",
    "load_token_key",
    "public_jwk",
    "sign_jws",
]


@dataclass(frozen=True)
class TokenClaims:
    """What the offline token says about a document."""

    doc_id: str
    """The registry id (lower-case base32, 32 characters)."""
    form: str
    """The form id."""
    holder_name: str | None
    """The person the document is about."""
    category: str | None
    """The qualification category's code, if the document awards one."""
    valid_until: date | None
    """The last day of validity, if the document expires."""
    issued_on: date
    """The date of issue."""
    status_index: int | None
    """The document's bit in the revocation status list."""


@dataclass(frozen=True)
class TokenKey:
    """The key that signs tokens and status lists, with its public JWK's id."""

    private_key: ec.EllipticCurvePrivateKey
    """ECDSA P-256."""
    kid: str
    """The first 8 bytes of the JWK thumbprint (RFC 7638), base64url: 11 characters."""

    @property
    def kid_bytes(self) -> bytes:
        return base64.urlsafe_b64decode(self.kid + "=")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(key: ec.EllipticCurvePublicKey | TokenKey) -> dict[str, str]:
    """The public key as a JWK (RFC 7517), with ``kid``, ``alg`` and ``use``."""
    public = key.private_key.public_key() if isinstance(key, TokenKey) else key
    numbers = public.public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    return {**jwk, "kid": jwk_thumbprint(jwk), "alg": "ES256", "use": "sig"}


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """Our ``kid``: the RFC 7638 thumbprint of an EC JWK, cut to 8 bytes."""
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return b64url(hashlib.sha256(canonical.encode()).digest()[:8])


def _token_key(private: ec.EllipticCurvePrivateKey) -> TokenKey:
    if not isinstance(private.curve, ec.SECP256R1):
        raise KeyStoreError("The token key must be ECDSA P-256 (ES256)")
    return TokenKey(private, public_jwk(private.public_key())["kid"])


def load_token_key(path: Path) -> TokenKey:
    """Read a PEM (PKCS#8) P-256 private key; :class:`KeyStoreError` if unusable."""
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise KeyStoreError(f"Cannot read the token key {path}: {exc.strerror}") from exc
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyStoreError(f"The token key {path} is not an unencrypted PEM key") from exc
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise KeyStoreError(f"The token key {path} is not an EC key")
    return _token_key(private)


def ensure_token_key(path: Path) -> TokenKey:
    """Load the development token key at ``path``, creating it (mode 0600) on first use.

    Creation is atomic (write aside, then link), so workers starting together agree on one key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        aside = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            os.link(aside, path)  # fails if another process won the race: use its key
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return load_token_key(path)


def _raw_es256(key: TokenKey, message: bytes) -> bytes:
    r, s = decode_dss_signature(key.private_key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _claims_map(c: TokenClaims) -> dict[int, Any]:
    return {
        Claim.DOCUMENT_ID: id_to_bytes(c.doc_id),
        Claim.FORM: c.form,
        Claim.HOLDER_NAME: c.holder_name,
        Claim.CATEGORY: c.category,
        Claim.VALID_UNTIL: days_of(c.valid_until) if c.valid_until else None,
        Claim.ISSUED_ON: days_of(c.issued_on),
        Claim.STATUS_INDEX: c.status_index,
    }


def issue_token(claims: TokenClaims, key: TokenKey) -> str:
    """The signed, compressed token for the QR code: ``QJ1:`` + base32."""
    protected = cbor2.dumps({COSE_ALG: ES256, COSE_KID: key.kid_bytes})
    payload = cbor2.dumps(_claims_map(claims))
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    sign1 = cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, _raw_es256(key, to_sign)])
    raw = cbor2.dumps(sign1)
    packed = zlib.compress(raw, 9)
    # zlib rarely wins on ~230 bytes of CBOR; verifiers accept both (0x78 vs 0xD2 first byte)
    packed = packed if len(packed) < len(raw) else raw
    return TOKEN_PREFIX + base64.b32encode(packed).decode("ascii").rstrip("=")


def sign_jws(payload: bytes, key: TokenKey, typ: str = "JWT") -> str:
    """A compact JWS (RFC 7515), ES256, over ``payload``."""
    header = json.dumps({"alg": "ES256", "kid": key.kid, "typ": typ}, separators=(",", ":"))
    signing_input = f"{b64url(header.encode())}.{b64url(payload)}"
    return f"{signing_input}.{b64url(_raw_es256(key, signing_input.encode()))}"
