"""Countersigning a document: with a key the server holds, or prepared and completed by a
key held elsewhere (an API client, or the signing page through a one-time link). The
protocol's last signature leads to its follow-up documents (:mod:`workflow.derive`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from forms import ErrorDetail
from registry import Conflict, DocumentRecord, NotFound
from workflow.context import Actor, Context, LinkGrant
from workflow.derive import after_signature
from workflow.documents import document_for
from workflow.signatures import (
    Access,
    Prepared,
    complete_external,
    prepare_signature,
    sign_held,
)

__all__ = [
    "Prepared",
    "SigningLink",
    "complete_signature",
    "create_link",
    "grant_of_link",
    "prepare_signature",
    "sign_with_server_key",
]


@dataclass(frozen=True)
class SigningLink:
    """A one-time link to the signing page."""

    url: str
    """``{base}/sign/{id}?token=…``"""
    expires_at: datetime
    """When it stops working."""


def sign_with_server_key(ctx: Context, actor: Actor, doc_id: str, signer_id: str) -> DocumentRecord:
    """Countersign with the key the server holds for ``signer_id``; retried on a race."""
    done, complete_now = sign_held(ctx, actor, doc_id, signer_id)
    after_signature(ctx, actor, done, complete_now)
    return done


def complete_signature(
    ctx: Context,
    access: Access,
    doc_id: str,
    session_id: str,
    *,
    cms_der: bytes | None,
    signature: bytes | None,
) -> DocumentRecord:
    """Check and embed an external signature; refused if stale, foreign, or repeated."""
    done, actor, complete_now = complete_external(
        ctx, access, doc_id, session_id, cms_der=cms_der, signature=signature
    )
    after_signature(ctx, actor, done, complete_now)
    return done


def grant_of_link(ctx: Context, doc_id: str, token: str) -> tuple[DocumentRecord, LinkGrant]:
    """The document and the access a one-time signing link grants; 404/410 otherwise."""
    required = ctx.signing.link(doc_id, token)
    record = ctx.registry.find(doc_id)
    if record is None:
        raise NotFound("no such document")
    return record, LinkGrant(doc_id, required, token)


def create_link(ctx: Context, actor: Actor, doc_id: str, signer_id: str) -> SigningLink:
    """A one-time link to the signing page for one pending required signer."""
    record = document_for(ctx, actor, doc_id)
    pending = [
        r for r in ctx.signing.required_signers(record.id)
        if r.signer_id == signer_id and r.signed_at is None
    ]  # fmt: skip
    if not pending:
        raise Conflict(
            "this signer has nothing to sign on the document",
            [ErrorDetail("signer_id", "signer_not_required", "not a pending required signer")],
        )
    ttl = ctx.policy.signing_link
    token = ctx.signing.create_link(record.id, pending[0].id, ttl)
    return SigningLink(
        url=f"{ctx.policy.base_url}/sign/{record.id}?token={token}",
        expires_at=ctx.clock() + ttl,
    )
