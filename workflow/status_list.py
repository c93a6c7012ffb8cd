"""The offline verifier's inputs: the key set and the signed revocation status list."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from signing.tokens import public_jwk, sign_jws
from verify.offline import encode_status_list
from workflow.context import Context

__all__ = ["StatusListDocument", "key_set", "status_list"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def key_set(ctx: Context) -> dict[str, Any]:
    """``/.well-known/qujat/keys``: the keys that sign tokens and status lists, as JWKs."""
    return {"keys": [public_jwk(ctx.token_key)]}


@dataclass(frozen=True)
class StatusListDocument:
    """A signed status list (compact JWS) with its ETag."""

    jws: str
    etag: str


def status_list(ctx: Context) -> StatusListDocument:
    """The revocation list as a W3C Bitstring Status List credential, signed as a JWS.

    The bits come from the registry on every call (so every worker answers the same); only
    the signing of an unchanged list is cached, since ES256 signatures differ each time.
    """
    base = ctx.policy.base_url
    revocations = ctx.registry.revocations()
    size = ctx.registry.max_status_index() + 1
    encoded = encode_status_list({i for i, _at in revocations}, size)
    valid_from = max((at for _i, at in revocations), default=_EPOCH)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"{base}/v1/status-list",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": base,
        "validFrom": valid_from.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{base}/v1/status-list#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    payload = json.dumps(credential, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(payload + ctx.token_key.kid.encode()).hexdigest()[:32] + '"'
    cache = ctx.status_lists
    with cache.lock:
        jws = cache.entries.get(etag)
        if jws is None:
            jws = sign_jws(payload, ctx.token_key, "vc+jwt")
            cache.entries.clear()
            cache.entries[etag] = jws
    return StatusListDocument(jws, etag)
