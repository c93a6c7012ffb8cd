"""The public view of a document: its status and the few facts an employer needs, with
the holder's IIN masked and kept out of the details (the privacy filter)."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from asn1crypto import x509

from forms import get_form
from forms.errors import QujatError, UnknownForm
from forms.rules.identity import mask_iin
from registry import DocumentRecord
from signing.certificates import load_certificate
from signing.signer_trust import describe
from verify.status import DocumentStatus, registry_status
from workflow.context import Context
from workflow.ltv import LevelFacts, level_of
from workflow.rulebooks import rulebook_of, rulebook_public

__all__ = [
    "PublicHolder",
    "PublicView",
    "logged_lookup",
    "public_details",
    "public_view",
    "view_of",
]

log = logging.getLogger("qujat.verify")
_ID_SHAPE = re.compile(r"[a-z2-7]{1,32}")

PRIVATE_FACTS = frozenset({"iin"})
"""Summary facts never shown to the public (the IIN appears masked, as the holder's)."""


@dataclass(frozen=True)
class PublicHolder:
    """Whom the document is about, as the public sees them."""

    name: str | None
    iin_masked: str | None = None
    """Always ``None``: the public sees no part of the IIN (kept for the API's shape)."""


@dataclass(frozen=True)
class PublicView:
    """What anyone may learn about a document id: no more than an employer needs."""

    id: str
    status: DocumentStatus
    form: str | None = None
    form_title: dict[str, str] | None = None
    holder: PublicHolder | None = None
    details: dict[str, Any] = field(default_factory=dict)
    issued_at: datetime | None = None
    """When the registry recorded the document."""
    issued_on: date | None = None
    """The issue date the document itself states (its registration time when it states none)."""
    valid_until: date | None = None
    revoked_at: datetime | None = None
    signatures: tuple[dict[str, Any], ...] = ()
    sha256: str | None = None
    rulebook: dict[str, Any] | None = None
    """The rulebook the document was made under: id, titles, legal source, period."""
    issued_outside_period: bool = False
    """Issued though its decisive date lies outside the rulebook's period (policy ``issue``)."""
    level: str | None = None
    """The PAdES level of the current file (B-B, B-T, B-LT, B-LTA)."""
    ltv: LevelFacts | None = None
    """Its revision, when its archive timestamp was last renewed, each signature's proven
    time (:func:`workflow.ltv.level_of`)."""


def public_details(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without its private facts."""
    return {k: v for k, v in summary.items() if k not in PRIVATE_FACTS}


def _issued_on(record: DocumentRecord) -> date:
    stated = record.case_data.get("issue_date")
    if isinstance(stated, str):
        try:
            return date.fromisoformat(stated)
        except ValueError:
            pass
    return record.created_at.date()


def public_view(ctx: Context, doc_id: str) -> PublicView:
    """What ``GET /v1/verify/{id}`` and ``/v/{id}`` show; status ``unknown`` for no document."""
    record = ctx.registry.find(doc_id) if len(doc_id) <= 32 else None
    if record is None:
        return PublicView(id=doc_id[:64], status=DocumentStatus.UNKNOWN)
    return view_of(ctx, record)


def logged_lookup(ctx: Context, doc_id: str, via: str) -> PublicView:
    """:func:`public_view`, logged with id, status and latency only (no names, no IINs)."""
    started = time.perf_counter()
    view = public_view(ctx, doc_id)
    shown = doc_id if _ID_SHAPE.fullmatch(doc_id) else "<malformed>"
    log.info(
        "lookup id=%s status=%s via=%s ms=%.1f",
        shown,
        view.status,
        via,
        (time.perf_counter() - started) * 1000,
    )
    return view


def view_of(ctx: Context, record: DocumentRecord) -> PublicView:
    """The public view of a registered document."""
    status = registry_status(record.status, record.valid_until, ctx.clock().date())
    try:
        spec = get_form(record.form)
        titles = {"kk": spec.title_kk, "ru": spec.title_ru}
    except UnknownForm:
        titles = {"kk": record.form, "ru": record.form}
    return PublicView(
        id=record.id,
        status=status,
        form=record.form,
        form_title=titles,
        # no digit of the IIN: its first six are the birth date, the seventh the sex and
        # century, and the last four are a serial and a check digit often asked as a
        # "knowledge" secret; the name is what an employer compares with an identity card
        holder=PublicHolder(name=record.holder_name),
        details=public_details(record.summary),
        issued_at=record.created_at,
        issued_on=_issued_on(record),
        valid_until=record.valid_until,
        revoked_at=record.revoked_at,
        signatures=_signatures(ctx, record),
        sha256=record.sha256,
        rulebook=_rulebook(record),
        issued_outside_period=record.issued_outside_period,
        **_ltv_fields(ctx, record),
    )


def certificate_public(cert: x509.Certificate) -> dict[str, Any]:
    """What a signer's certificate says, as the public may see it: person, IIN masked (no
    digit of it), organisation and BIN of a legal entity's key, holder type and NCA roles,
    the issuing CA, validity (as ``GET /v1/signers/{id}`` shows it)."""
    c = describe(cert)
    return {
        "person": c.person, "iin_masked": mask_iin(c.iin) if c.iin else None,
        "organisation": c.organisation, "bin": c.bin, "holder": c.holder,
        "roles": list(c.roles), "issuer": c.issuer,
        "valid_from": c.valid_from, "valid_to": c.valid_to,
    }  # fmt: skip


def _signatures(ctx: Context, record: DocumentRecord) -> tuple[dict[str, Any], ...]:
    """Each signature so far with its certificate's facts: a countersigner's from the
    certificate registered for the field, the issuer's from the key that certifies the
    organisation's documents when it is the one named (else none is claimed)."""
    fields: dict[str, str] = {}
    if any(s.get("role") != "issuer" for s in record.signatures):
        fields = {r.field_name: r.signer_id for r in ctx.signing.required_signers(record.id)}
    shown = []
    for signature in record.signatures:
        cert: x509.Certificate | None = None
        try:
            if signature.get("role") == "issuer":
                key = ctx.issuer_for(record.organisation)
                if key.subject_name == signature.get("signer"):
                    cert = key.certificate
            elif (signer_id := fields.get(str(signature.get("field")))) is not None:
                cert = load_certificate(ctx.signing.signer(signer_id).certificate_pem)
        except QujatError:  # a signer or key since removed: the signature without its facts
            cert = None
        facts = certificate_public(cert) if cert is not None else None
        shown.append({**signature, "certificate": facts})
    return tuple(shown)


def _rulebook(record: DocumentRecord) -> dict[str, Any] | None:
    try:
        return rulebook_public(rulebook_of(record))
    except QujatError:  # a rulebook this server no longer knows: show the id alone
        return {"id": record.rulebook_id, "title": None, "source": None, "period": None}


def _ltv_fields(ctx: Context, record: DocumentRecord) -> dict[str, Any]:
    facts = level_of(ctx, record, proofs=True)
    return {"level": facts.level, "ltv": facts}
