"""The follow-up documents of a fully signed protocol: its extracts (signed by the
secretary) and certificates, issued through the normal issuance path, which checks each
against the protocol. Deterministic Idempotency-Keys make running it twice harmless
(automatically after the last signature, at start-up after a crash, or on request)."""

from __future__ import annotations

import logging

from forms.catalogue.protocols import (
    PROTOCOL_FORM_IDS,
    PROTOCOL_HEADS,
    HeadsProtocol,
    TeachersProtocol,
)
from forms.errors import QujatError
from forms.rules.calendar import Deadline
from forms.rules.derivation import FollowUpDocument, certificates_of, extracts_of
from forms.rules.signer_plan import SignerRole
from forms.types import Lifecycle
from registry import DocumentRecord
from workflow.context import Actor, Context
from workflow.documents import IssueRequest, issue_document
from workflow.errors import NotAProtocol, ProtocolNotSigned
from workflow.events import derived_events
from workflow.rulebooks import stored_case
from workflow.signatures import sign_held

__all__ = ["after_signature", "derive_from_protocol", "resume_derivations"]

log = logging.getLogger("qujat.derived")


def derive_from_protocol(
    ctx: Context, actor: Actor, protocol: DocumentRecord
) -> list[DocumentRecord]:
    """Issue the protocol's extracts and certificates (those not issued yet); returns all."""
    if protocol.form not in PROTOCOL_FORM_IDS:
        raise NotAProtocol("only a protocol has extracts and certificates to derive")
    if protocol.status != Lifecycle.ISSUED:
        raise ProtocolNotSigned(f"the protocol is {protocol.status}; it must be fully signed first")
    plan = ctx.signing.plan(protocol.id)
    follow_up = plan.follow_up if plan else {}
    case = stored_case(protocol)  # by the edition it was made under
    assert isinstance(case, TeachersProtocol | HeadsProtocol)
    secretary = next(
        (r.signer_id for r in ctx.signing.required_signers(protocol.id)
         if r.role == SignerRole.SECRETARY),
        None,
    )  # fmt: skip
    wanted: list[FollowUpDocument] = []
    if follow_up.get("extracts", True):
        due = ctx.calendar.due_date(Deadline.EXTRACT, case.date)
        heads = protocol.form == PROTOCOL_HEADS.id
        wanted += extracts_of(protocol.id, case, heads=heads, due=due)
    terms = follow_up.get("certificates")
    if terms:
        wanted += certificates_of(protocol.id, case, terms)
    return [_issue(ctx, actor, protocol, doc, secretary) for doc in wanted]


def _issue(
    ctx: Context, actor: Actor, protocol: DocumentRecord, doc: FollowUpDocument,
    secretary: str | None,
) -> DocumentRecord:  # fmt: skip
    signs = secretary if doc.secretary_signs else None
    request = IssueRequest(
        doc.form, protocol.lang, doc.data, protocol.id,
        idempotency_key=doc.idempotency_key,
        signers={"secretary": signs} if signs else None,
        due_date=doc.due_date,
    )  # fmt: skip
    record, _ = issue_document(ctx, actor, request)
    if signs is None or record.status != Lifecycle.AWAITING_SIGNATURES:
        return record
    if ctx.signing.signer(signs).key_location is None:
        return record  # the secretary signs it through the external flow
    try:
        return sign_held(ctx, actor, record.id, signs)[0]
    except QujatError as exc:
        log.warning("secretary's signature on extract %s failed: %s", record.id, exc.message)
        return record


def after_signature(ctx: Context, actor: Actor, record: DocumentRecord, complete_now: bool) -> None:
    """When a protocol's last signature lands: its extracts and certificates (if automatic)."""
    if not complete_now or ctx.policy.derived_documents != "auto":
        return
    if record.form not in PROTOCOL_FORM_IDS:
        return
    try:
        made = derive_from_protocol(ctx, actor, record)  # idempotent: a twin is harmless
        ctx.signing.mark_derived(record.id, derived_events(ctx, record, made))
    except Exception:  # the protocol is signed; the next start or POST …/derived finishes it
        log.exception("deriving documents from protocol %s failed", record.id)


def resume_derivations(ctx: Context) -> int:
    """Finish the follow-up documents of protocols whose derivation a crash interrupted.

    Run at start-up (``derived_documents=auto``); each protocol's documents are issued
    under deterministic Idempotency-Keys, so what was already made is found, not repeated.
    Returns how many protocols were finished.
    """
    done = 0
    for doc_id in ctx.signing.awaiting_derivation():
        protocol = ctx.registry.get(doc_id)
        try:
            made = derive_from_protocol(ctx, Actor(protocol.organisation, "system"), protocol)
            ctx.signing.mark_derived(doc_id, derived_events(ctx, protocol, made))
            done += 1
        except QujatError:
            log.exception("resuming the documents of protocol %s failed", doc_id)
    return done
