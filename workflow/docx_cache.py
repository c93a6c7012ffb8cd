"""A document's DOCX, rendered once and kept: a 1,000-row protocol takes seconds to render,
and an API client may ask for it again and again."""

from __future__ import annotations

import threading
from collections import OrderedDict

from forms import get_form
from generator import render_docx
from registry import DocumentRecord
from workflow.context import Context
from workflow.documents import document_meta, stated_issue_date

__all__ = ["docx_of"]

_MAX_BYTES = 64 * 1024 * 1024  # what the kept copies may take in this process
_kept: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_lock = threading.Lock()


def docx_of(ctx: Context, record: DocumentRecord) -> bytes:
    """The record's editable DOCX: rendered from its case data on first use, then kept per
    (id, file hash), so a new revision or a re-issue renders afresh."""
    key = (record.id, record.sha256)
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    spec = get_form(record.form)
    case = spec.validate(record.case_data)
    issued_on = stated_issue_date(case) or record.created_at.date()
    meta = document_meta(ctx.policy, ctx.issuer.subject_name, record.id, issued_on)
    data = render_docx(ctx.renderer, spec, record.lang, case, meta)
    with _lock:
        _kept[key] = data
        while sum(len(v) for v in _kept.values()) > _MAX_BYTES and len(_kept) > 1:
            _kept.popitem(last=False)
    return data
