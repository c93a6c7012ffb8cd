"""The signature itself, on a document awaiting signatures: whose turn it is (the signing
order), signing with a server-held key, and the external flow (prepare → complete). What
follows a last signature is :mod:`workflow.countersign`'s."""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass

from pyhanko.sign.timestamps import TimeStamper

from forms import ErrorDetail
from forms.rules.signer_plan import check_turn
from forms.types import Lifecycle
from registry import Conflict, DocumentRecord, NotFound, new_id
from registry.countersign import RequiredSigner, SigningSession
from registry.errors import AlreadySigned, StaleDocument
from signing import sign_field
from signing.certificates import load_certificate
from signing.external import PreparedSignature, complete, prepare
from signing.signer_trust import check_signer
from workflow.context import Actor, Context, LinkGrant, hot_path
from workflow.documents import document_for
from workflow.events import signature_events
from workflow.ltv import level_in_transaction, record_signed, secure_inline, sign_timestamped

__all__ = [
    "Access",
    "Prepared",
    "actor_of",
    "complete_external",
    "prepare_signature",
    "sign_held",
]

_RETRIES = 30


@dataclass(frozen=True)
class Prepared:
    """What ``…/prepare`` returns."""

    session: SigningSession
    data_to_sign: bytes
    """DER of the signed attributes (sign it raw, or send a CMS over ``document_digest``)."""
    field_name: str


Access = Actor | LinkGrant
"""Who may touch a document: an organisation's key, or a signing link's grant."""


def _document(ctx: Context, access: Access, doc_id: str) -> DocumentRecord:
    if isinstance(access, Actor):
        return document_for(ctx, access, doc_id)
    record = ctx.registry.find(doc_id)
    if record is None or access.document_id != doc_id:
        raise NotFound(f"no document {doc_id[:40]!r}")
    return record


def _turn(ctx: Context, record: DocumentRecord, signer_id: str) -> RequiredSigner:
    """The signer's pending signature on ``record``, if it is theirs to make now."""
    if record.status != Lifecycle.AWAITING_SIGNATURES:
        raise Conflict(f"the document is {record.status}; it takes no more signatures")
    required = ctx.signing.required_signers(record.id)
    mine = [r for r in required if r.signer_id == signer_id]
    if not mine:
        raise Conflict(
            "this signer is not among the document's required signers",
            [ErrorDetail("signer_id", "signer_not_required", "not a required signer")],
        )
    pending = [r for r in mine if r.signed_at is None]
    if not pending:
        raise AlreadySigned(
            "this member has signed the document already",
            [ErrorDetail("signer_id", "already_signed", "one signature per member")],
        )
    turn = pending[0]
    plan = ctx.signing.plan(record.id)
    waiting = check_turn(turn, required, plan.order) if plan is not None else 0
    if waiting:
        raise Conflict(
            f"the {turn.role} signs after every member present; {waiting} still to sign",
            [ErrorDetail("signer_id", "signing_order", "members sign first", "seed 002 §23")],
        )
    return turn


@hot_path
def sign_held(
    ctx: Context, actor: Actor, doc_id: str, signer_id: str
) -> tuple[DocumentRecord, bool]:
    """Countersign with the key the server holds for ``signer_id``, retried on a race;
    returns the document and whether that was its last signature."""
    signer = ctx.signing.signer(signer_id, actor.organisation)
    if signer.key_location is None:
        raise Conflict(
            "the server holds no key for this signer; use …/signatures/prepare and …/complete",
            [ErrorDetail("signer_id", "key_not_held", "external signer")],
        )
    key = ctx.keys.open(signer.key_location)
    if key.certificate.sha256.hex() != signer.certificate_sha256:
        raise Conflict("the key held for this signer does not match the registered certificate")
    # revoked or expired since registration: no signature (422 naming the rule)
    check_signer(key.certificate, ctx.trust_for_signers(), ctx.clock(), key.chain)
    for attempt in range(_RETRIES):
        record = document_for(ctx, actor, doc_id)
        turn = _turn(ctx, record, signer_id)

        def sign(
            ts: TimeStamper | None,
            base: bytes = ctx.registry.pdf(record),
            field: str = turn.field_name,
            reason: str = _reason(turn),
        ) -> bytes:
            return sign_field(
                base,
                key.signer,
                field,
                reason=reason,
                timestamper=ts,
                now=ctx.clock(),
                validation_context=ctx.revocation_context(),
            )

        signed, level = secure_inline(ctx, *sign_timestamped(ctx, sign))  # fmt: skip
        in_transaction = level_in_transaction(level)
        try:
            done, complete_now = ctx.signing.record_signature(
                doc_id, turn.id, record.sha256, signed,
                signature_sha256=_sha(signed), signer_name=signer.name, actor=actor.key_id,
                also=signature_events(ctx), revision_level=in_transaction,
            )  # fmt: skip
        except StaleDocument:
            time.sleep(random.uniform(0.0, 0.02 * (attempt + 1)))  # another signer won: redo
            continue
        if in_transaction is None:
            record_signed(ctx, doc_id, signed, "countersigned", level)
        return done, complete_now
    raise Conflict("the document is being signed by many at once; try again")


@hot_path
def prepare_signature(ctx: Context, access: Access, doc_id: str, signer_id: str) -> Prepared:
    """Prepare the signer's field for the external flow; the session expires (expired
    sessions and their prepared files are swept here, on every prepare, and on a timer by
    :class:`workflow.sessions.SessionSweeper`)."""
    if isinstance(access, LinkGrant) and signer_id != access.signer_id:
        raise NotFound("this link is for another signer")
    ctx.signing.sweep_sessions()
    for attempt in range(3):
        try:
            return _prepare_once(ctx, access, doc_id, signer_id)
        except StaleDocument:  # a signature or an LTV upgrade landed meanwhile: redo on it
            time.sleep(random.uniform(0.0, 0.02 * (attempt + 1)))
    raise Conflict("the document is changing too often to prepare a signature; try again")


def _prepare_once(ctx: Context, access: Access, doc_id: str, signer_id: str) -> Prepared:
    record = _document(ctx, access, doc_id)
    signer = ctx.signing.signer(signer_id, record.organisation)
    turn = _turn(ctx, record, signer_id)
    now = ctx.clock()
    cert = load_certificate(signer.certificate_pem)
    check_signer(cert, ctx.trust_for_signers(), now)
    prepared = prepare(
        ctx.registry.pdf(record), turn.field_name, cert,
        reason=_reason(turn), now=now, timestamped=ctx.timestamper is not None,
    )  # fmt: skip
    session = SigningSession(
        id=new_id(),
        document_id=doc_id,
        required_signer_id=turn.id,
        base_sha256=record.sha256,
        prepared_sha256=ctx.registry.files.put(prepared.pdf),
        digest_algorithm=prepared.digest_algorithm,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attrs=prepared.signed_attrs,
        created_at=now,
        expires_at=now + ctx.policy.signing_session,
        completed_at=None,
    )
    try:
        ctx.signing.save_session(session)
    except StaleDocument:
        ctx.signing.discard_file(session.prepared_sha256)
        raise
    return Prepared(session, prepared.signed_attrs, turn.field_name)


@hot_path
def complete_external(
    ctx: Context,
    access: Access,
    doc_id: str,
    session_id: str,
    *,
    cms_der: bytes | None,
    signature: bytes | None,
) -> tuple[DocumentRecord, Actor, bool]:
    """Check and embed an external signature; refused if stale, foreign, or repeated.
    Returns the document, who acted, and whether that was its last signature."""
    session = ctx.signing.signing_session(session_id, doc_id)
    if isinstance(access, LinkGrant) and session.required_signer_id != access.required.id:
        # a link is bound to its signer: one member's link cannot complete another's session
        raise NotFound(f"no signing session {session_id[:40]!r} for this link")
    record = _document(ctx, access, doc_id)
    required = {r.id: r for r in ctx.signing.required_signers(doc_id)}[session.required_signer_id]
    if required.signed_at is not None:
        raise AlreadySigned("this member has signed the document already")
    if record.sha256 != session.base_sha256:
        raise StaleDocument(
            "the document has changed since this signature was prepared (another signature "
            "was added); prepare and sign again",
            [ErrorDetail("session_id", "stale_document", "prepare again")],
        )
    signer = ctx.signing.signer(required.signer_id)
    cert = load_certificate(signer.certificate_pem)
    check_signer(cert, ctx.trust_for_signers(), ctx.clock())
    prepared = PreparedSignature(
        pdf=ctx.registry.files.get(session.prepared_sha256),
        field_name=required.field_name,
        digest_algorithm=session.digest_algorithm,
        document_digest=session.document_digest,
        reserved_start=session.reserved_start,
        reserved_end=session.reserved_end,
        signed_attrs=session.signed_attrs,
    )
    completed, level = secure_inline(ctx, *sign_timestamped(ctx, lambda ts: complete(
        prepared, cert, cms_der=cms_der, signature=signature,
        timestamper=ts, validation_context=ctx.revocation_context(),
    ).pdf))  # fmt: skip
    in_transaction = level_in_transaction(level)
    link_token = access.token if isinstance(access, LinkGrant) else None
    actor = actor_of(access, record)
    result, complete_now = ctx.signing.record_signature(
        doc_id, required.id, session.base_sha256, completed,
        signature_sha256=_sha(completed), signer_name=signer.name,
        actor=actor.key_id, session_id=session.id, link_token=link_token,
        also=signature_events(ctx), revision_level=in_transaction,
    )  # fmt: skip
    if in_transaction is None:
        record_signed(ctx, doc_id, completed, "countersigned", level)
    return result, actor, complete_now


def actor_of(access: Access, record: DocumentRecord) -> Actor:
    """A link acts for the document's organisation, recorded as ``signing-link``."""
    return access if isinstance(access, Actor) else Actor(record.organisation, "signing-link")


def _reason(turn: RequiredSigner) -> str:
    return f"{turn.role}: {turn.name}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
