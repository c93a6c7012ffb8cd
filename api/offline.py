"""The offline verifier's inputs: the key set and the signed revocation status list."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

from api.services import Services
from signing.tokens import public_jwk, sign_jws
from verify.offline import encode_status_list

__all__ = ["StatusListDocument", "key_set", "status_list"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def key_set(services: Services) -> dict[str, Any]:
    """``/.well-known/qujat/keys``: the keys that sign tokens and status lists, as JWKs."""
    return {"keys": [public_jwk(services.token_key)]}


class StatusListDocument:
    """A signed status list (compact JWS) with its ETag."""

    def __init__(self, jws: str, etag: str) -> None:
        self.jws, self.etag = jws, etag


_cache: dict[str, StatusListDocument] = {}
_cache_lock = threading.Lock()


def status_list(services: Services) -> StatusListDocument:
    """The revocation list as a W3C Bitstring Status List credential, signed as a JWS.

    The bits come from the registry on every call (so every worker answers the same); only
    the signing of an unchanged list is cached, since ES256 signatures differ each time.
    """
    base = services.settings.public_base_url.rstrip("/")
    revocations = services.registry.revocations()
    size = services.registry.max_status_index() + 1
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
    etag = '"' + hashlib.sha256(payload + services.token_key.kid.encode()).hexdigest()[:32] + '"'
    with _cache_lock:
        cached = _cache.get(etag)
        if cached is None:
            cached = StatusListDocument(sign_jws(payload, services.token_key, "vc+jwt"), etag)
            _cache.clear()
            _cache[etag] = cached
    return cached
