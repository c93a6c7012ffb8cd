"""API key rotation: a new secret for the same organisation and scopes, the old key revoked.

The old key stops working in the same transaction that creates the new one; there is no
grace period. A client that must not miss a request can have a second key created
(``qujat keys create``), switch to it, and revoke the first one itself.
"""

from __future__ import annotations

import hashlib
import secrets

from registry.audit import AuditEntry, append
from registry.errors import Conflict, NotFound
from registry.models import ApiKeyRow
from registry.records import ApiKeyRecord
from registry.store import Registry, is_id, new_id

__all__ = ["rotate_api_key"]


def rotate_api_key(registry: Registry, key_id: str, actor: str = "cli") -> tuple[ApiKeyRecord, str]:
    """Replace the live key ``key_id``; returns the new key's record and its secret (shown once).

    :class:`NotFound` for an unknown key, :class:`Conflict` for a revoked one. The audit log
    gets ``api_key.created`` for the new key and ``api_key.revoked`` for the old one.
    """
    new_key_id = new_id(80)
    secret = f"qj_{new_key_id}_{secrets.token_urlsafe(32)}"
    now = registry._clock()  # the registry's clock: tests fix it there
    with registry._session() as s:  # one transaction: both keys change, or neither
        old = s.get(ApiKeyRow, key_id) if is_id(key_id) else None
        if old is None:
            raise NotFound(f"no API key {key_id[:40]!r}")
        if old.revoked_at is not None:
            raise Conflict(f"the API key {key_id!r} is revoked; create a new one instead")
        new = ApiKeyRow(
            id=new_key_id,
            organisation=old.organisation,
            secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
            scopes=old.scopes,
            created_at=now,
        )
        old.revoked_at = now
        s.add(new)
        s.flush()
        created = {"scopes": new.scopes, "rotated_from": key_id}
        append(s, AuditEntry("api_key.created", new_key_id, actor, old.organisation, created), now)
        revoked = {"replaced_by": new_key_id}
        append(s, AuditEntry("api_key.revoked", key_id, actor, old.organisation, revoked), now)
    record = ApiKeyRecord(
        id=new.id,
        organisation=new.organisation,
        scopes=frozenset(s for s in new.scopes.split(",") if s),
        created_at=new.created_at,
        revoked_at=None,
    )
    return record, secret
