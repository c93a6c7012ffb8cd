"""Offline checks of a QR token, with published keys and a cached revocation status list.

Everything here works without the registry: an offline verifier needs the token (from the QR
code), the key set of ``/.well-known/qujat/keys`` and, to tell revoked documents, the status
list of ``/v1/status-list`` (a compact JWS over a W3C Bitstring Status List credential).
The token's format is described in :mod:`signing.tokens`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from forms.errors import VerificationError
from forms.types import ID_BYTES
from signing.token_format import (
    COSE_ALG,
    COSE_KID,
    COSE_SIGN1_TAG,
    ES256,
    MIN_STATUS_LIST_BITS,
    TOKEN_PREFIX,
    Claim,
    date_of_days,
    id_of_bytes,
)
from verify.errors import TokenInvalid

__all__ = [
    "MIN_STATUS_LIST_BITS",
    "OfflineVerdict",
    "StatusList",
    "TokenPayload",
    "decode_status_list",
    "encode_status_list",
    "extract_token",
    "parse_key_set",
    "read_status_list",
    "verify_jws",
    "verify_token",
]

_MAX_TOKEN_CHARS = 2_000
_MAX_LIST_BITS = 1 << 27  # 16 MiB decompressed: far beyond any real list, bounds a gzip bomb


@dataclass(frozen=True)
class TokenPayload:
    """What a token says (its signature not yet judged)."""

    kid: str
    """The id of the key that signed it."""
    doc_id: str
    """The registry id."""
    form: str
    """The form id."""
    holder_name: str | None
    """The person the document is about."""
    category: str | None
    """The qualification category's code, if any."""
    valid_until: date | None
    """The last day of validity, if any."""
    issued_on: date
    """The date of issue."""
    status_index: int | None
    """The document's bit in the status list."""


@dataclass(frozen=True)
class OfflineVerdict:
    """The offline verifier's answer."""

    payload: TokenPayload
    """What the token says."""
    signature_valid: bool
    """The token was signed by one of the given keys and not altered."""
    expired: bool
    """Today is after ``valid_until``."""
    revoked: bool | None
    """The document's bit is set in the status list; ``None`` when no list was given."""

    @property
    def ok(self) -> bool:
        """Valid signature, not expired, and not revoked per the list (a list is required)."""
        return self.signature_valid and not self.expired and self.revoked is False


@dataclass(frozen=True)
class StatusList:
    """A decoded revocation list: bit ``i`` set means the document at index ``i`` is revoked."""

    bits: bytes
    """The bitstring, index 0 at the most significant bit of the first byte."""
    valid_from: str | None = None
    """When the list was made (the credential's ``validFrom``)."""

    def is_set(self, index: int) -> bool:
        if not 0 <= index < len(self.bits) * 8:
            raise TokenInvalid(f"status index {index} is outside the status list")
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))


def _b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid("not base64url") from exc


def extract_token(text: str) -> str:
    """The ``QJ1:`` token in what a QR code holds (a URL with the token after ``#``)."""
    text = text.strip()
    _head, _sep, fragment = text.rpartition("#")
    candidate = fragment if fragment.startswith(TOKEN_PREFIX) else text
    if not candidate.startswith(TOKEN_PREFIX):
        raise TokenInvalid("no Qujat token (QJ1:…) in the QR text")
    if len(candidate) > _MAX_TOKEN_CHARS:
        raise TokenInvalid("the token is too long")
    return candidate


def _unpack(token: str) -> list[Any]:
    body = token[len(TOKEN_PREFIX) :]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
        if raw[:1] == b"\x78":
            decompressor = zlib.decompressobj()
            raw = decompressor.decompress(raw, 16 * _MAX_TOKEN_CHARS)
        sign1 = cbor2.loads(raw)
    except (binascii.Error, ValueError, zlib.error, cbor2.CBORDecodeError) as exc:
        raise TokenInvalid(f"the token cannot be decoded: {exc}") from exc
    if not (
        isinstance(sign1, cbor2.CBORTag)
        and sign1.tag == COSE_SIGN1_TAG
        and isinstance(sign1.value, (list, tuple))
        and len(sign1.value) == 4
        and all(isinstance(sign1.value[i], bytes) for i in (0, 2, 3))
    ):
        raise TokenInvalid("the token is not a COSE_Sign1 structure")
    return list(sign1.value)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, int) or not -1 < value < 200_000:
        raise TokenInvalid("a date in the token is malformed")
    return date_of_days(value)


def _doc_id(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes) or len(value) != ID_BYTES:
        raise TokenInvalid("the document id in the token is malformed")
    return id_of_bytes(value)


def _opt_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TokenInvalid("a text claim in the token is malformed")
    return value


def _payload(parts: list[Any]) -> TokenPayload:
    try:
        protected = cbor2.loads(parts[0])
        claims = cbor2.loads(parts[2])
    except (ValueError, cbor2.CBORDecodeError) as exc:
        raise TokenInvalid("the token's header or claims are malformed") from exc
    if not isinstance(protected, Mapping) or protected.get(COSE_ALG) != ES256:
        raise TokenInvalid("the token is not signed with ES256")
    kid = protected.get(COSE_KID)
    if not isinstance(claims, Mapping) or not isinstance(kid, bytes):
        raise TokenInvalid("the token's header or claims are malformed")
    index = claims.get(Claim.STATUS_INDEX)
    form = claims.get(Claim.FORM)
    issued_on = _day(claims.get(Claim.ISSUED_ON))
    if (index is not None and not isinstance(index, int)) or not isinstance(form, str):
        raise TokenInvalid("the token's claims are malformed")
    if issued_on is None:
        raise TokenInvalid("the token has no issue date")
    return TokenPayload(
        kid=base64.urlsafe_b64encode(kid).rstrip(b"=").decode(),
        doc_id=_doc_id(claims.get(Claim.DOCUMENT_ID)),
        form=form,
        holder_name=_opt_text(claims.get(Claim.HOLDER_NAME)),
        category=_opt_text(claims.get(Claim.CATEGORY)),
        valid_until=_day(claims.get(Claim.VALID_UNTIL)),
        issued_on=issued_on,
        status_index=index,
    )


def parse_key_set(document: bytes | str | dict[str, Any]) -> dict[str, ec.EllipticCurvePublicKey]:
    """The P-256 keys of a JWK set (``{"keys": [...]}``), by ``kid``."""
    try:
        data = json.loads(document) if isinstance(document, (bytes, str)) else document
        keys: dict[str, ec.EllipticCurvePublicKey] = {}
        for jwk in data["keys"]:
            if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
                continue
            x = int.from_bytes(_b64url_decode(jwk["x"]), "big")
            y = int.from_bytes(_b64url_decode(jwk["y"]), "big")
            keys[str(jwk["kid"])] = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (ValueError, KeyError, TypeError) as exc:
        raise VerificationError(f"The key set cannot be read: {exc}") from exc
    return keys


def _es256_ok(key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    if len(signature) != 64:
        return False
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def verify_token(
    qr_text: str,
    keys: dict[str, ec.EllipticCurvePublicKey],
    today: date,
    status_list: StatusList | None = None,
) -> OfflineVerdict:
    """Check the token in ``qr_text``; :class:`TokenInvalid` if it cannot even be read."""
    parts = _unpack(extract_token(qr_text))
    payload = _payload(parts)
    key = keys.get(payload.kid)
    to_sign = cbor2.dumps(["Signature1", parts[0], b"", parts[2]])
    valid = key is not None and _es256_ok(key, parts[3], to_sign)
    revoked = None
    if status_list is not None and payload.status_index is not None:
        revoked = status_list.is_set(payload.status_index)
    return OfflineVerdict(
        payload=payload,
        signature_valid=valid,
        expired=payload.valid_until is not None and today > payload.valid_until,
        revoked=revoked,
    )


def verify_jws(jws: str, keys: dict[str, ec.EllipticCurvePublicKey]) -> bytes:
    """The payload of a compact ES256 JWS signed by one of ``keys``; else TokenInvalid."""
    try:
        header_b64, payload_b64, sig_b64 = jws.strip().split(".")
        header = json.loads(_b64url_decode(header_b64))
    except (ValueError, TypeError) as exc:
        raise TokenInvalid("not a compact JWS") from exc
    key = keys.get(str(header.get("kid"))) if isinstance(header, dict) else None
    if key is None or header.get("alg") != "ES256":
        raise TokenInvalid("the JWS is not signed with a known ES256 key")
    if not _es256_ok(key, _b64url_decode(sig_b64), f"{header_b64}.{payload_b64}".encode()):
        raise TokenInvalid("the JWS signature does not verify")
    return _b64url_decode(payload_b64)


def encode_status_list(revoked: set[int] | list[int], size: int = MIN_STATUS_LIST_BITS) -> str:
    """The ``encodedList`` of a Bitstring Status List: multibase ``u`` + base64url(gzip(bits))."""
    size = max(size, MIN_STATUS_LIST_BITS, *(i + 1 for i in revoked), 0)
    size = -(-size // MIN_STATUS_LIST_BITS) * MIN_STATUS_LIST_BITS
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode_status_list(encoded: str) -> bytes:
    """The bits of an ``encodedList``; bounded, so a gzip bomb is refused."""
    if not encoded.startswith("u"):
        raise TokenInvalid("the status list is not multibase base64url")
    try:
        decompressor = zlib.decompressobj(wbits=31)
        bits = decompressor.decompress(_b64url_decode(encoded[1:]), _MAX_LIST_BITS // 8 + 1)
    except zlib.error as exc:
        raise TokenInvalid("the status list is not gzip") from exc
    if len(bits) > _MAX_LIST_BITS // 8 or decompressor.unconsumed_tail:
        raise TokenInvalid("the status list is too large")
    return bits


def read_status_list(jws: str, keys: dict[str, ec.EllipticCurvePublicKey]) -> StatusList:
    """Check the signature of a status list credential (compact JWS) and decode its bits."""
    try:
        credential = json.loads(verify_jws(jws, keys))
        subject = credential["credentialSubject"]
        if subject.get("statusPurpose") != "revocation":
            raise TokenInvalid("the status list is not a revocation list")
        encoded = subject["encodedList"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TokenInvalid("the status list credential is malformed") from exc
    valid_from = credential.get("validFrom")
    return StatusList(decode_status_list(str(encoded)), str(valid_from) if valid_from else None)
