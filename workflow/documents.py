"""Issuance: validate → check against the protocol → plan the signers → render → certify →
register, in one direction; the same Idempotency-Key and body give back the first document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from forms import ErrorDetail, FormDataInvalid, FormSpec, SigningMode, get_form
from forms.catalogue.protocols import (
    PROTOCOL_FORM_IDS,
    HeadExtract,
    HeadsProtocol,
    TeacherExtract,
    TeachersProtocol,
    protocol_decisions,
)
from forms.rulebooks import Validated
from forms.rules.protocol_consistency import check_against_protocol
from forms.rules.signer_plan import (
    PlannedSigner,
    Resolve,
    SignerFacts,
    commission_plan,
    secretary_plan,
)
from forms.types import Lifecycle
from generator import DocumentMeta
from registry import Conflict, DocumentRecord, NewDocument, NotFound, StatusIndexTaken, new_id
from registry.countersign import planned_rows
from registry.renewal import issued_revision_row
from signing import EmptyField, certify
from signing.tokens import TokenClaims, issue_token
from workflow.context import Actor, Context, Policy, hot_path
from workflow.errors import NoStatusIndex, ProtocolNotSigned
from workflow.events import issued_event, revoked_events
from workflow.lookup import lookup_columns
from workflow.ltv import LevelFacts, issued_level, secure_inline, sign_timestamped
from workflow.metrics import DOCUMENTS_ISSUED, RENDER_SECONDS, SIGN_SECONDS
from workflow.rulebooks import check_new, embedded_rulebook, stored_case

__all__ = [
    "IssueRequest",
    "Issued",
    "PreparedIssue",
    "document_for",
    "document_meta",
    "issue",
    "issue_document",
    "plan_signers",
    "prepare_issue",
    "qr_payload",
    "stated_issue_date",
]

_INDEX_ATTEMPTS = 5


@dataclass(frozen=True)
class IssueRequest:
    """What a platform posts to ``POST /v1/documents``."""

    form: str
    lang: str
    data: dict[str, Any]
    protocol_id: str | None = None
    idempotency_key: str | None = None
    signers: dict[str, Any] | None = None
    """Who countersigns (protocols: chair, members present, secretary → signer ids)."""
    follow_up: dict[str, Any] | None = None
    """What a fully signed protocol leads to: extracts, and certificates on these terms."""
    due_date: date | None = None
    """When the document is due (an extract: 3 working days after the protocol)."""
    events: Callable[[NewDocument], Sequence[object]] | None = None
    """More webhook outbox rows for the registration's transaction (``application.decided``
    with its notice); not part of the request's fingerprint."""

    def fingerprint(self) -> str:
        """SHA-256 of the request's canonical JSON: what an Idempotency-Key is bound to."""
        body: dict[str, Any] = {
            "form": self.form,
            "lang": self.lang,
            "data": self.data,
            "protocol": self.protocol_id,
        }
        if self.signers is not None:
            body["signers"] = self.signers
        if self.follow_up is not None:
            body["follow_up"] = self.follow_up
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def stated_issue_date(case: BaseModel) -> date | None:
    """The issue date the case states (certificates, notices), if its form has one."""
    value = case.__dict__.get("issue_date")
    return value if isinstance(value, date) else None


def document_meta(
    policy: Policy,
    issuer: str,
    doc_id: str,
    issued_on: date,
    qr: str | None = None,
    rulebook: Mapping[str, Any] | None = None,
) -> DocumentMeta:
    """What a template knows of a document besides its case: the one place it is built
    (issuance, DOCX copies, the command line's previews)."""
    return DocumentMeta(
        id=doc_id,
        verify_url=policy.verify_url(doc_id),
        issuer=issuer,
        issued_on=issued_on,
        qr_payload=qr,
        rulebook=rulebook,
    )


def document_for(ctx: Context, actor: Actor, doc_id: str) -> DocumentRecord:
    """The document if it belongs to the actor's organisation; otherwise it does not exist."""
    record = ctx.registry.find(doc_id)
    if record is None or record.organisation != actor.organisation:
        raise NotFound(f"no document {doc_id[:40]!r}")
    return record


def _replay(ctx: Context, actor: Actor, req: IssueRequest) -> DocumentRecord | None:
    if req.idempotency_key is None:
        return None
    found = ctx.registry.by_idempotency_key(actor.organisation, req.idempotency_key)
    if found is not None and found.request_sha256 != req.fingerprint():
        raise Conflict(
            "This Idempotency-Key was used for a different request",
            [ErrorDetail("Idempotency-Key", "idempotency_key_reused", "use a new key")],
        )
    return found


def _check_protocol(
    ctx: Context, actor: Actor, protocol_id: str, spec: FormSpec, case: BaseModel
) -> None:
    protocol = ctx.registry.find(protocol_id)
    if protocol is None or protocol.organisation != actor.organisation:
        raise FormDataInvalid(
            [ErrorDetail("protocol_id", "protocol_exists", "no such protocol", "seed 002 §12")]
        )
    if protocol.form not in PROTOCOL_FORM_IDS:
        raise FormDataInvalid(
            [ErrorDetail("protocol_id", "not_a_protocol", "the document named is no protocol",
                         "seed 002 §12")]
        )  # fmt: skip
    if protocol.status != Lifecycle.ISSUED:
        raise ProtocolNotSigned(
            "The protocol is not signed by the whole commission yet",
            [ErrorDetail("protocol_id", "protocol_not_signed",
                         f"the protocol is {protocol.status}", "seed 002 §12, §23")],
        )  # fmt: skip
    protocol_case = stored_case(protocol)  # by the edition it was made under
    assert isinstance(protocol_case, TeachersProtocol | HeadsProtocol)
    check_against_protocol(spec.id, case, protocol_decisions(protocol_case))


def _resolver(ctx: Context, actor: Actor) -> Resolve:
    def resolve(signer_id: str, path: str) -> SignerFacts:
        try:
            return ctx.signing.signer(signer_id, actor.organisation)
        except NotFound:
            raise FormDataInvalid(
                [ErrorDetail(path, "signer_unknown",
                             f"no registered signer {signer_id[:40]!r}")]
            ) from None  # fmt: skip

    return resolve


def plan_signers(
    ctx: Context,
    actor: Actor,
    spec: FormSpec,
    case: BaseModel,
    signers: Mapping[str, Any] | None,
) -> list[PlannedSigner] | None:
    """The signatures a new document will wait for, checked against its case; ``None`` when
    it is signed by the issuer alone."""
    if spec.signing is SigningMode.COMMISSION:
        if not signers and ctx.policy.protocol_signers == "optional":
            return None  # certified by the issuer alone, as before countersignatures
        if not signers:
            raise FormDataInvalid(
                [ErrorDetail("signers", "signers_required",
                             "a protocol names who countersigns it: chair, members present, "
                             "secretary", "seed 002 §23")]
            )  # fmt: skip
        assert isinstance(case, TeachersProtocol | HeadsProtocol)
        return commission_plan(case.commission, signers, _resolver(ctx, actor))
    if spec.signing is SigningMode.SECRETARY and signers:
        assert isinstance(case, TeacherExtract | HeadExtract)
        return secretary_plan(signers, case.secretary, _resolver(ctx, actor))
    if signers:
        raise FormDataInvalid(
            [ErrorDetail("signers", "signers_not_applicable",
                         f"{spec.id} is signed by the issuer alone")]
        )  # fmt: skip
    return None


@dataclass(frozen=True)
class PreparedIssue:
    """A document rendered and certified, with the rows its registration adds: everything
    :meth:`registry.Registry.register` (or ``register_many``) takes, nothing stored yet."""

    new: NewDocument
    pdf: bytes
    also: list[object]
    form: str
    level: LevelFacts
    """What its revision 1 (among ``also``) records: the level the file was made at."""


@dataclass(frozen=True)
class Issued:
    """What :func:`issue` did: the document, whether it was created now, and — when it
    was — the level facts of its revision 1, as committed (a replay reads them anew)."""

    record: DocumentRecord
    created: bool
    level: LevelFacts | None = None


def prepare_issue(ctx: Context, actor: Actor, req: IssueRequest) -> PreparedIssue:
    """Validate, check against the protocol, plan the signers, render and certify ``req``
    under a new id and a free status index; raises what the API would answer."""
    get_form(req.form).template(req.lang)
    spec, validated = check_new(req.form, req.data, ctx.policy.rulebook_outside_period)
    spec.template(req.lang)
    case = validated.case
    if req.protocol_id is not None:
        _check_protocol(ctx, actor, req.protocol_id, spec, case)
    planned = plan_signers(ctx, actor, spec, case, req.signers)
    index = ctx.registry.pick_status_index()
    new, signed, level = _build(ctx, actor, req, spec, case, index, planned, validated)
    also = [] if planned is None else planned_rows(
        new.id, planned, ctx.policy.signing_order, dict(req.follow_up or {})
    )  # fmt: skip
    # revision 1 and the webhook outbox commit with the document and its audit entry
    first = issued_revision_row(new.id, signed, ctx.clock(), level)
    also = [*also, first]
    also = [*also, issued_event(ctx, new)]
    also = [*also, *(req.events(new) if req.events else ())]
    return PreparedIssue(new, signed, also, spec.id, issued_level(ctx, first))


def issue_document(ctx: Context, actor: Actor, req: IssueRequest) -> tuple[DocumentRecord, bool]:
    """Issue the document ``req`` asks for; returns it and whether it was created now
    (:func:`issue` without the level facts)."""
    done = issue(ctx, actor, req)
    return done.record, done.created


@hot_path
def issue(ctx: Context, actor: Actor, req: IssueRequest) -> Issued:
    """Issue the document ``req`` asks for.

    The same Idempotency-Key with the same body returns the first document; with another
    body it is a :class:`Conflict`. Nothing is stored unless every stage succeeded.
    """
    replay = _replay(ctx, actor, req)
    if replay is not None:
        return Issued(replay, False)
    for _attempt in range(_INDEX_ATTEMPTS):
        prepared = prepare_issue(ctx, actor, req)
        try:
            record = ctx.registry.register(prepared.new, prepared.pdf, prepared.also)
            DOCUMENTS_ISSUED.labels(prepared.form).inc()
            return Issued(record, True, prepared.level)
        except StatusIndexTaken:
            continue  # a concurrent issuance took the same random index: pick again
        except Conflict:
            twin = _replay(ctx, actor, req)
            if twin is None:
                raise
            return Issued(twin, False)
    raise NoStatusIndex("no free status list index after several attempts; try again")


def revoke_document(ctx: Context, actor: Actor, doc_id: str, reason: str) -> DocumentRecord:
    """Revoke an organisation's document (the PDF is kept); ``document.revoked`` is raised
    in the same transaction."""
    document_for(ctx, actor, doc_id)
    return ctx.registry.revoke(doc_id, reason, actor.key_id, revoked_events(ctx))


def qr_payload(ctx: Context, doc_id: str, claims: TokenClaims) -> str:
    """What the QR holds: the page's URL, and the offline token in the fragment.

    A phone opens the URL; the fragment never leaves it (browsers do not send it), so the
    server never sees the token, and an offline verifier reads it from the QR text.
    """
    return f"{ctx.policy.verify_url(doc_id)}#{issue_token(claims, ctx.token_key)}"


def _build(
    ctx: Context,
    actor: Actor,
    req: IssueRequest,
    spec: FormSpec,
    case: BaseModel,
    status_index: int,
    planned: list[PlannedSigner] | None,
    validated: Validated[Any],
) -> tuple[NewDocument, bytes, str]:
    """Render and certify the document under a new id; nothing is stored yet. Returns it,
    the signed file and its PAdES level."""
    doc_id = new_id()
    issued_on = stated_issue_date(case) or ctx.clock().date()
    summary = spec.summary(case)
    if req.due_date is not None:
        summary = {**summary, "due_date": req.due_date.isoformat()}
    holder_name = spec.holder_name(case)
    valid_until = spec.valid_until(case)
    category = summary.get("category")
    claims = TokenClaims(
        doc_id=doc_id,
        form=spec.id,
        holder_name=holder_name,
        category=str(category) if category else None,
        valid_until=valid_until,
        issued_on=issued_on,
        status_index=status_index,
    )
    issuer = ctx.issuer_for(actor.organisation)  # the organisation's own key, if provisioned
    meta = document_meta(
        ctx.policy, issuer.subject_name, doc_id, issued_on, qr_payload(ctx, doc_id, claims),
        embedded_rulebook(validated),
    )  # fmt: skip
    with RENDER_SECONDS.labels(spec.id).time():
        pdf = ctx.renderer.render(spec, req.lang, case, meta)
    with SIGN_SECONDS.labels(spec.id).time():
        signed, level = sign_timestamped(
            ctx,
            lambda timestamper: certify(
                pdf,
                issuer,
                reason=spec.title_kk,
                field_name="Issuer",
                empty_fields=[EmptyField(p.field_name) for p in planned or ()],
                timestamper=timestamper,
                now=ctx.clock(),
            ),
        )
    signed, level = secure_inline(ctx, signed, level)  # B-LTA now (inline), else the upgrader's
    new = NewDocument(
        id=doc_id,
        form=spec.id,
        lang=req.lang,
        status=Lifecycle.AWAITING_SIGNATURES if planned else Lifecycle.ISSUED,
        case_data=case.model_dump(mode="json"),
        summary=summary,
        signatures=[
            {
                "field": "Issuer",
                "role": "issuer",
                "signer": issuer.subject_name,
                "signed_at": ctx.clock().isoformat(),
            }
        ],
        holder_name=holder_name,
        valid_until=valid_until,
        organisation=actor.organisation,
        api_key_id=actor.key_id,
        protocol_id=req.protocol_id,
        idempotency_key=req.idempotency_key,
        request_sha256=req.fingerprint(),
        status_index=status_index,
        rulebook_id=validated.rulebook.id,
        issued_outside_period=validated.issued_outside_period,
        **lookup_columns(ctx, summary),
    )
    return new, signed, level
