"""The webhook events the flows raise, as outbox rows for the flow's own transaction.

An event exists exactly when its change does: each row goes into the registry call that
makes the change (``Registry.register(..., also=[...])``, ``Registry.revoke(..., also=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from registry import DocumentRecord, NewDocument
from registry.batches import BatchFinished
from registry.records import SignatureRecorded
from workflow.context import Context
from workflow.webhooks import (
    application_decided,
    batch_completed,
    derived_documents_created,
    document_issued,
    document_revoked,
    outbox_row,
    protocol_completed,
    protocol_signature_added,
)

__all__ = [
    "batch_events",
    "decided_events",
    "derived_events",
    "issued_event",
    "revoked_events",
    "signature_events",
]


def issued_event(ctx: Context, new: NewDocument) -> object:
    """The ``document.issued`` outbox row of a document about to be registered."""
    payload = document_issued(
        ctx.policy.base_url,
        id=new.id,
        form=new.form,
        lang=new.lang,
        status=new.status,
        holder_name=new.holder_name,
        valid_until=new.valid_until,
        protocol_id=new.protocol_id,
    )
    return outbox_row(new.organisation, "document.issued", payload, ctx.clock())


def revoked_events(ctx: Context) -> Callable[[DocumentRecord], Sequence[object]]:
    """What ``Registry.revoke`` adds to its transaction: the ``document.revoked`` event."""

    def rows(record: DocumentRecord) -> Sequence[object]:
        payload = document_revoked(
            ctx.policy.base_url,
            id=record.id,
            form=record.form,
            holder_name=record.holder_name,
            valid_until=record.valid_until,
            protocol_id=record.protocol_id,
            revoked_at=record.revoked_at or ctx.clock(),
            reason=record.revocation_reason or "",
        )
        return [outbox_row(record.organisation, "document.revoked", payload, ctx.clock())]

    return rows


def signature_events(ctx: Context) -> Callable[[SignatureRecorded], Sequence[object]]:
    """What ``SigningRegistry.record_signature`` adds to its transaction:
    ``protocol.signature_added``, and ``protocol.completed`` with the last signature."""

    def rows(done: SignatureRecorded) -> Sequence[object]:
        doc = done.document
        added = protocol_signature_added(
            ctx.policy.base_url,
            protocol_id=doc.id,
            form=doc.form,
            role=done.role,
            signer_name=done.signer_name,
            signed_at=done.signed_at,
            signed=done.signed,
            required=done.required,
        )
        out = [outbox_row(doc.organisation, "protocol.signature_added", added, ctx.clock())]
        if done.complete:
            completed = protocol_completed(
                ctx.policy.base_url,
                protocol_id=doc.id,
                form=doc.form,
                signatures=done.required,
                completed_at=done.signed_at,
            )
            out.append(outbox_row(doc.organisation, "protocol.completed", completed, ctx.clock()))
        return out

    return rows


def derived_events(
    ctx: Context, protocol: DocumentRecord, documents: Sequence[DocumentRecord]
) -> Callable[[], Sequence[object]]:
    """What ``SigningRegistry.mark_derived`` adds when it sets the mark:
    ``derived_documents.created`` with every follow-up document."""

    def rows() -> Sequence[object]:
        payload = derived_documents_created(
            ctx.policy.base_url,
            protocol_id=protocol.id,
            documents=[(d.id, d.form, d.holder_name) for d in documents],
        )
        return [
            outbox_row(protocol.organisation, "derived_documents.created", payload, ctx.clock())
        ]

    return rows


def batch_events(ctx: Context) -> Callable[[BatchFinished], Sequence[object]]:
    """What ``BatchStore.finish_if_settled`` adds when the batch becomes done:
    ``batch.completed``."""

    def rows(batch: BatchFinished) -> Sequence[object]:
        payload = batch_completed(
            ctx.policy.base_url,
            batch_id=batch.id,
            total=batch.total,
            issued=batch.issued,
            failed=batch.failed,
            finished_at=batch.finished_at,
        )
        return [outbox_row(batch.organisation, "batch.completed", payload, ctx.clock())]

    return rows


def decided_events(
    ctx: Context, application: DocumentRecord | None, accepted: bool, registered_on: date
) -> Callable[[NewDocument], Sequence[object]]:
    """What the notice's registration adds to its transaction: ``application.decided``."""

    def rows(notice: NewDocument) -> Sequence[object]:
        payload = application_decided(
            ctx.policy.base_url,
            application_id=application.id if application else None,
            accepted=accepted,
            notice_id=notice.id,
            notice_form=notice.form,
            registered_on=registered_on,
        )
        return [outbox_row(notice.organisation, "application.decided", payload, ctx.clock())]

    return rows
