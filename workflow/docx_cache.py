"""A document's DOCX, rendered once and kept in the file store: a 1,000-row protocol takes
seconds to render, and an API client may ask for it again and again, on any worker.

The DOCX depends on the document, not on its revision: it is rendered from the stored case
data under the edition the document was made under, with its id, verification URL and issue
date, and carries no signature (it says it is unsigned). A countersignature, a B-LTA upgrade
or a renewal makes a new revision of the PDF and leaves the DOCX as it was; revocation
changes the status, not the copy (its owner keeps getting it; nobody else ever does).
"""

from __future__ import annotations

from registry import DocumentRecord
from registry.copies import keep_copy, kept_copy
from workflow.context import Context
from workflow.documents import document_meta, stated_issue_date
from workflow.rulebooks import stored_case, stored_spec

__all__ = ["docx_of"]

_KIND = "docx"


def docx_of(ctx: Context, record: DocumentRecord) -> bytes:
    """The record's editable DOCX: the stored copy, or rendered on first use and stored."""
    kept = kept_copy(ctx.registry, record.id, _KIND)
    if kept is not None:
        return kept
    spec = stored_spec(record)  # the edition it was made under, whatever came since
    case = stored_case(record)
    issued_on = stated_issue_date(case) or record.created_at.date()
    meta = document_meta(ctx.policy, ctx.issuer.subject_name, record.id, issued_on)
    from generator import render_docx  # python-docx loaded with the first copy

    data = render_docx(ctx.renderer, spec, record.lang, case, meta)
    return keep_copy(ctx.registry, record.id, _KIND, data, ctx.clock())
