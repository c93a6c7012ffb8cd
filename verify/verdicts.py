"""One verdict on an uploaded (or offline) PDF, decided from facts by a pure function.

The verdicts, in the order :func:`decide` tries them (the first that applies wins):

``unreadable``
    The file is not a PDF anyone can check: it does not parse, is encrypted, or its
    structure is beyond the bounds (time, memory, object count).
``not-issued-by-us``
    No certification signature, or one made by a certificate that is not a pinned issuer
    certificate (configured, current or past), or not the first signature. A certificate
    under a trusted root, even a commission member's, is not the issuer.
``modified``
    The issuer certified it, but something is wrong after that: a signature does not hold
    (not intact, not valid, untrusted, or a change its DocMDP rules forbid); bytes or a
    revision were appended after the last signature that Qujat would not add (anything but
    validation data); the XMP metadata or document information was replaced; a field is
    signed by someone other than the signer registered for it; one certificate signed
    several fields; or the registry knows the document but not these bytes.
``unknown``
    The file holds up as far as the file can show, but no registry said it issued these
    bytes: offline without a registry, or a registry with no revision of that hash.
``revoked``
    Byte-identical to a revision Qujat issued, and the document is revoked (the decision
    carries the date and reason).
``expired``
    Byte-identical to an issued revision; the document's validity ended (valid-until past).
``awaiting-signatures``
    Byte-identical to an issued revision, but a required field is still empty in this
    copy, or the registry says the document still awaits signatures.
``genuine``
    Only when all of these hold: byte-identical to a revision Qujat issued; the document is
    currently valid; certified by a pinned issuer certificate; every required field signed,
    each by the signer registered for it; nothing after the last signature but what Qujat
    added (validation data); every signature holds.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from verify.inspection import Inspection
from verify.pdf import PdfReport

__all__ = [
    "Decision",
    "Facts",
    "FieldCheck",
    "RegistryFacts",
    "Verdict",
    "check_fields",
    "decide",
    "judge",
]


class Verdict(enum.StrEnum):
    """What a person is told about a file (see the module docstring for each)."""

    GENUINE = "genuine"
    REVOKED = "revoked"
    EXPIRED = "expired"
    AWAITING_SIGNATURES = "awaiting-signatures"
    MODIFIED = "modified"
    NOT_ISSUED_BY_US = "not-issued-by-us"
    UNKNOWN = "unknown"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class RegistryFacts:
    """What the registry says about the file's SHA-256."""

    matched: bool
    """A revision Qujat issued has exactly these bytes."""
    status: str | None = None
    """The stored status of the matched document (``issued``, ``revoked``,
    ``awaiting-signatures``); ``None`` when nothing matched."""
    valid_until: date | None = None
    """The document's last day of validity, if it has one."""
    revoked_at: datetime | None = None
    """When the document was revoked."""
    revocation_reason: str | None = None
    """Why it was revoked, as recorded."""
    known_document: bool = False
    """Without a hash match: the registry knows the document the file claims to be (its
    embedded id), so the bytes were changed rather than never issued."""


@dataclass(frozen=True)
class FieldCheck:
    """Whether each required field is signed by the signer registered for it."""

    empty: tuple[str, ...] = ()
    """Required fields with no signature yet."""
    wrong_signer: tuple[str, ...] = ()
    """Fields signed by a certificate other than the one registered for that role."""
    repeated_signer: bool = False
    """One certificate signed more than one field."""


@dataclass(frozen=True)
class Facts:
    """Everything :func:`decide` needs; each comes from a check made elsewhere."""

    readable: bool
    """The file parsed within the bounds."""
    today: date
    """The day to judge validity on."""
    certified_by_issuer: bool = False
    """The certification signature is a pinned issuer certificate's, and the first."""
    signatures_hold: bool = False
    """Every signature is intact, valid, trusted, and allowed by the DocMDP rules."""
    appended: bool = False
    """Bytes or revisions after the last signature that Qujat would not add."""
    metadata_replaced: bool = False
    """XMP metadata or document information changed after the certification."""
    fields: FieldCheck = FieldCheck()
    """The required fields' signers."""
    registry: RegistryFacts | None = None
    """The registry's answer; ``None`` when no registry was consulted (offline)."""


@dataclass(frozen=True)
class Decision:
    """The verdict and why."""

    verdict: Verdict
    """The one word a person is told."""
    reasons: tuple[str, ...] = ()
    """What led to it, in English, for the report (never a name or an IIN)."""
    revoked_at: datetime | None = None
    """With ``revoked``: when."""
    revocation_reason: str | None = None
    """With ``revoked``: why."""


def decide(facts: Facts) -> Decision:
    """The verdict the facts support; ``genuine`` only when every condition holds."""
    if not facts.readable:
        return Decision(Verdict.UNREADABLE, ("the file cannot be read within the bounds",))
    if not facts.certified_by_issuer:
        return Decision(Verdict.NOT_ISSUED_BY_US, ("not certified by a Qujat issuer key",))
    wrong = _what_is_modified(facts)
    if wrong:
        return Decision(Verdict.MODIFIED, wrong)
    registry = facts.registry
    if registry is None:
        if facts.fields.empty:
            return _awaiting(facts.fields.empty)
        return Decision(Verdict.UNKNOWN, ("no registry was consulted",))
    if not registry.matched:
        if registry.known_document:
            return Decision(Verdict.MODIFIED, ("no issued revision has these bytes",))
        return Decision(Verdict.UNKNOWN, ("the registry has no revision with these bytes",))
    if registry.status == "revoked":
        return Decision(
            Verdict.REVOKED,
            ("the document was revoked",),
            revoked_at=registry.revoked_at,
            revocation_reason=registry.revocation_reason,
        )
    if registry.valid_until is not None and facts.today > registry.valid_until:
        return Decision(Verdict.EXPIRED, (f"valid until {registry.valid_until.isoformat()}",))
    if facts.fields.empty or registry.status == "awaiting-signatures":
        return _awaiting(facts.fields.empty)
    if registry.status != "issued":
        return Decision(Verdict.UNKNOWN, (f"the registry says {registry.status!r}",))
    return Decision(Verdict.GENUINE)


def _awaiting(empty: tuple[str, ...]) -> Decision:
    reason = f"unsigned fields: {', '.join(empty)}" if empty else "the document awaits signatures"
    return Decision(Verdict.AWAITING_SIGNATURES, (reason,))


def _what_is_modified(facts: Facts) -> tuple[str, ...]:
    reasons = []
    if not facts.signatures_hold:
        reasons.append("a signature does not hold")
    if facts.appended:
        reasons.append("something was appended after the last signature")
    if facts.metadata_replaced:
        reasons.append("the metadata was replaced after signing")
    if facts.fields.wrong_signer:
        reasons.append("fields signed by someone else: " + ", ".join(facts.fields.wrong_signer))
    if facts.fields.repeated_signer:
        reasons.append("one certificate signed several fields")
    return tuple(reasons)


def check_fields(
    inspection: Inspection, required: Mapping[str, Collection[str]] | None = None
) -> FieldCheck:
    """Each required field against the certificates (SHA-256) registered for it.

    ``required`` maps a field name to the certificates allowed to sign it (a member may
    hold several over time). Without it (offline), every field in the file is required
    and any signer is accepted, but no certificate may sign two fields.
    """
    signed = {f.name: f.signer_sha256 for f in inspection.fields if f.signer_sha256}
    names = list(required) if required is not None else [f.name for f in inspection.fields]
    empty = tuple(name for name in names if name not in signed)
    wrong: tuple[str, ...] = ()
    if required is not None:
        wrong = tuple(
            name for name, allowed in required.items()
            if name in signed and signed[name] not in allowed
        )  # fmt: skip
    return FieldCheck(empty, wrong, bool(inspection.repeated_signers))


def judge(
    report: PdfReport | None,
    inspection: Inspection | None,
    *,
    registry: RegistryFacts | None,
    today: date,
    required: Mapping[str, Collection[str]] | None = None,
) -> Decision:
    """:func:`decide` from a validation report and an inspection of the same file.

    ``report`` or ``inspection`` is ``None`` when the file could not be read.
    """
    if report is None or inspection is None:
        return decide(Facts(readable=False, today=today))
    return decide(
        Facts(
            readable=True,
            today=today,
            certified_by_issuer=inspection.certified_by_issuer,
            signatures_hold=bool(report.signatures)
            and all(s.bottom_line for s in report.signatures)
            and not report.modified_after_signing,
            appended=inspection.appended,
            metadata_replaced=inspection.metadata_changed or inspection.info_changed,
            fields=check_fields(inspection, required),
            registry=registry,
        )
    )
