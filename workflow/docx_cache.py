"""A document's DOCX, rendered once and kept: a 1,000-row protocol takes seconds to render,
and an API client may ask for it again and again."""

from __future__ import annotations

from registry import DocumentRecord
from workflow.context import Context
from workflow.documents import document_meta, stated_issue_date
from workflow.rulebooks import stored_case, stored_spec

__all__ = ["docx_of"]

_MAX_BYTES = 64 * 1024 * 1024  # what the kept copies may take in one context


def docx_of(ctx: Context, record: DocumentRecord) -> bytes:
    """The record's editable DOCX: rendered from its case data under the edition it was made
    under on first use, then kept per (id, file hash), so a new revision renders afresh."""
    copies = ctx.docx_copies
    key = (record.id, record.sha256)
    with copies.lock:
        kept = copies.kept.get(key)
        if kept is not None:
            copies.kept.move_to_end(key)
            return kept
    spec = stored_spec(record)  # the edition it was made under, whatever came since
    case = stored_case(record)
    issued_on = stated_issue_date(case) or record.created_at.date()
    meta = document_meta(ctx.policy, ctx.issuer.subject_name, record.id, issued_on)
    from generator import render_docx  # python-docx loaded with the first copy

    data = render_docx(ctx.renderer, spec, record.lang, case, meta)
    with copies.lock:
        copies.kept[key] = data
        while sum(len(v) for v in copies.kept.values()) > _MAX_BYTES and len(copies.kept) > 1:
            copies.kept.popitem(last=False)
    return data
