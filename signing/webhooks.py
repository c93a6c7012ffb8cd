"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A message is signed as ``HMAC-SHA256(secret, "{webhook-id}.{webhook-timestamp}.{body}")``
and sent in ``webhook-signature`` as ``v1,<base64>``; while a secret is being rotated both
the new and the old one sign, space-separated, so a receiver holding either accepts it.
Secrets are written ``whsec_<base64 of the key bytes>``, as the specification does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from signing.errors import SigningError

__all__ = ["SECRET_PREFIX", "new_secret", "sign", "signed_headers"]

SECRET_PREFIX = "whsec_"
_KEY_BYTES = 32  # the specification asks for 24 to 64 bytes


def new_secret() -> str:
    """A fresh random signing secret, ``whsec_`` followed by 32 bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        key = b""
    if not key:
        # secrets are made by new_secret(); anything else is a programming error, and the
        # message must not echo the secret itself
        raise SigningError("not a whsec_ signing secret")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one message under one secret."""
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(
    secrets_: Sequence[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``, signed by every secret given
    (the current one first, then one still in its rotation overlap)."""
    if not secrets_:
        raise SigningError("at least one secret signs a message")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_),
    }
