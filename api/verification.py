"""The public view of a document: status and the few facts an employer needs."""

from __future__ import annotations

import logging
import re
import time
from datetime import date
from typing import Any

from api.schemas import HolderPublic, SignaturePublic, VerificationPublic
from api.services import Services
from forms import get_form
from forms.errors import UnknownForm
from forms.rules.identity import mask_iin
from registry import DocumentRecord
from verify.status import DocumentStatus, registry_status

__all__ = ["logged_lookup", "public_view"]

log = logging.getLogger("qujat.verify")
_ID_SHAPE = re.compile(r"[a-z2-7]{1,32}")

_PRIVATE = frozenset({"iin"})


def _public_details(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in _PRIVATE}


def _issued_on(record: DocumentRecord) -> date:
    stated = record.case_data.get("issue_date")
    if isinstance(stated, str):
        try:
            return date.fromisoformat(stated)
        except ValueError:
            pass
    return record.created_at.date()


def public_view(services: Services, doc_id: str) -> VerificationPublic:
    """What ``GET /v1/verify/{id}`` and ``/v/{id}`` show; status ``unknown`` for no document."""
    record = services.registry.find(doc_id) if len(doc_id) <= 32 else None
    if record is None:
        return VerificationPublic(id=doc_id[:64], status=DocumentStatus.UNKNOWN)
    return view_of(services, record)


def logged_lookup(services: Services, doc_id: str, via: str) -> VerificationPublic:
    """:func:`public_view`, logged with id, status and latency only (no names, no IINs)."""
    started = time.perf_counter()
    view = public_view(services, doc_id)
    shown = doc_id if _ID_SHAPE.fullmatch(doc_id) else "<malformed>"
    log.info(
        "lookup id=%s status=%s via=%s ms=%.1f",
        shown,
        view.status,
        via,
        (time.perf_counter() - started) * 1000,
    )
    return view


def view_of(services: Services, record: DocumentRecord) -> VerificationPublic:
    status = registry_status(record.status, record.valid_until, services.clock().date())
    try:
        spec = get_form(record.form)
        titles = {"kk": spec.title_kk, "ru": spec.title_ru}
    except UnknownForm:
        titles = {"kk": record.form, "ru": record.form}
    iin = record.summary.get("iin")
    return VerificationPublic(
        id=record.id,
        status=status,
        form=record.form,
        form_title=titles,
        holder=HolderPublic(
            name=record.holder_name, iin_masked=mask_iin(iin) if isinstance(iin, str) else None
        ),
        details=_public_details(record.summary),
        issued_at=record.created_at,
        issued_on=_issued_on(record),
        valid_until=record.valid_until,
        revoked_at=record.revoked_at,
        signatures=[SignaturePublic(**s) for s in record.signatures],
        sha256=record.sha256,
    )
