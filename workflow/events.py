"""The webhook events the flows raise, as outbox rows for the flow's own transaction.

An event exists exactly when its change does: each row goes into the registry call that
makes the change (``Registry.register(..., also=[...])``, ``Registry.revoke(..., also=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from registry import DocumentRecord, NewDocument
from workflow.context import Context
from workflow.webhooks import document_issued, document_revoked, outbox_row

__all__ = ["issued_event", "revoked_events"]


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
