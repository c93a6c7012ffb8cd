"""One signature's verdict: pyHanko's validation of it at its proven time (see
verify.ltv), turned into a :class:`SignatureReport`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from asn1crypto import cms, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.diff_analysis import DiffPolicy, ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import read_certification_data
from pyhanko.sign.validation.status import ModificationInfo, PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from signing.gost import oids
from signing.gost.pdf import streebog_byte_range_digest
from signing.revocation import check_revocation
from verify.ltv import (
    Evidence,
    Level,
    context_at,
    lapsed_at,
    supported_by_evidence,
    token_time,
)

__all__ = ["SignatureReport"]


@dataclass(frozen=True)
class SignatureReport:
    """What one signature (or document timestamp) in the PDF says, and whether it holds."""

    field_name: str
    """The signature field's name, e.g. ``"Issuer"``."""
    signer_name: str | None
    """The signer certificate's subject common name (CN)."""
    signer_organisation: str | None
    """The signer certificate's subject organisation (O), if any."""
    signer_serial: str | None
    """The subject serialNumber, e.g. ``"IIN871008401427"`` on Kazakh NCA certificates."""
    signed_at: datetime | None
    """The time the signer claims (signing-time attribute or ``/M``); not a trusted time."""
    certification: bool
    """Whether this is the document's certification (DocMDP) signature."""
    intact: bool
    """The signed bytes hash to the value the signature covers. Never enough on its own."""
    valid: bool
    """The signature is cryptographically valid for the signer's key."""
    trusted: bool
    """The signer's certificate chains to one of the configured trust roots."""
    coverage: str
    """``entire_file``, ``entire_revision``, ``contiguous_block_from_start`` or ``unclear``."""
    modification_level: str
    """What changed after this signature: ``none``, ``lta_updates``, ``form_filling``,
    ``annotations``, ``other`` (or ``unknown``)."""
    docmdp_ok: bool
    """The changes after this signature are allowed by the document's modification policy."""
    bottom_line: bool
    """pyHanko's overall judgment: intact, valid, trusted, and the later changes allowed."""
    timestamp: bool = False
    """Whether this is a document timestamp (RFC 3161) rather than a person's signature."""
    level: str = "B-B"
    """PAdES baseline level: ``B-B``, ``B-T`` (a trusted timestamp proves its time),
    ``B-LT`` (and the file's DSS validates it offline), ``B-LTA`` (and a document timestamp
    covers it). For a document timestamp: ``B-LT`` when its own data is in the DSS."""
    proven_at: datetime | None = None
    """The time a trusted timestamp proves the signature existed (its signature timestamp,
    else the first document timestamp after it); the signature was judged at this time.
    ``None``: no timestamp proves anything, it was judged now."""
    revoked_at: datetime | None = None
    """When the signer's certificate (or one of its CAs) was revoked, if the file's
    revocation data says it was revoked before the signature's proven time."""
    problem: str | None = None
    """Why a signature could not be evaluated at all (e.g. ``unsupported algorithm: GOST
    34.311-95``), if it could not."""


_GOST_SIGS = frozenset(oids.SIGNATURE_DIGESTS)
_UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, IndexError, StopIteration)


class _Judge:
    """Validates a file's signatures in order, each at its proven time (see verify.ltv)."""

    def __init__(
        self,
        roots: list[x509.Certificate],
        evidence: Evidence,
        now: datetime,
        diff_policy: DiffPolicy | None = None,
    ) -> None:
        self.roots, self.evidence, self.now = roots, evidence, now
        self.diff_policy = diff_policy
        self.lapsed = False
        self._archive: list[tuple[int, datetime]] = []  # trusted document timestamps

    def _context(self, moment: datetime) -> ValidationContext:
        return context_at(self.roots, self.evidence, moment)

    async def all(self, embedded: list[EmbeddedPdfSignature]) -> list[SignatureReport]:
        docs = [s for s in embedded if s.sig_object_type == "/DocTimeStamp"]
        by_id: dict[int, SignatureReport] = {}
        # newest first: each proves the one before it existed. The newest is the last link:
        # judged at its own time, while its TSA certificate lasts (then the file lapsed)
        moment = self._own_time(docs[-1].signed_data) if docs else self.now
        for sig in reversed(docs):
            report = await self._timestamp(sig, moment)
            by_id[id(sig)] = report
            if report.proven_at is not None:
                self._archive.append((sig.signed_revision, report.proven_at))
            moment = report.proven_at or self.now
        newest = [s.signed_data for s in docs[-1:]] or [
            t for s in embedded if s not in docs for t in _signature_tokens(s)
        ]
        if newest:
            try:
                last = max(newest, key=token_time)
                self.lapsed = self.now >= lapsed_at(last)
            except _UNREADABLE:  # a broken token: reported as such by its own validation
                self.lapsed = False
        for sig in embedded:
            if id(sig) not in by_id:
                by_id[id(sig)] = await self._signature(sig)
        return [by_id[id(sig)] for sig in embedded]

    def _own_time(self, token: cms.SignedData) -> datetime:
        """The moment to judge an uncovered timestamp at: its own, unless it lapsed."""
        try:
            claimed = token_time(token)
            return claimed if claimed <= self.now < lapsed_at(token) else self.now
        except _UNREADABLE:
            return self.now

    def _cover(self, revision: int) -> datetime | None:
        """The time of the earliest trusted document timestamp after ``revision``."""
        times = [t for rev, t in self._archive if rev > revision]
        return min(times) if times else None

    async def _timestamp(self, sig: EmbeddedPdfSignature, moment: datetime) -> SignatureReport:
        try:
            status: ModificationInfo = await async_validate_pdf_timestamp(
                sig, validation_context=self._context(moment), diff_policy=self.diff_policy
            )
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
            return _broken(sig, True, exc)
        sound = all(getattr(status, a, False) for a in ("intact", "valid", "trusted"))
        lt = sound and await supported_by_evidence(
            sig.signed_data, self.roots, self.evidence, moment, timestamp=True
        )
        return _report(
            sig, status, True, Level.B_LT if lt else Level.B_T,
            token_time(sig.signed_data) if sound else None,
        )  # fmt: skip

    async def _signature(self, sig: EmbeddedPdfSignature) -> SignatureReport:
        cover = self._cover(sig.signed_revision)
        try:
            token = _token(sig)
            claimed = token_time(token) if token is not None else None
            status = await self._validate_at(sig, claimed or cover or self.now, cover)
            tsv = status.timestamp_validity
            ts_ok = tsv is not None and bool(tsv.intact and tsv.valid and tsv.trusted)
            if claimed is not None and not ts_ok:  # an untrusted timestamp proves nothing
                status = await self._validate_at(sig, cover or self.now, cover)
        except (SignatureValidationError, PdfError, *_UNREADABLE) as exc:
            return _broken(sig, False, exc)
        proven = claimed if ts_ok else cover
        level = Level.B_B
        if proven is not None:
            level = Level.B_T
            lt = await supported_by_evidence(sig.signed_data, self.roots, self.evidence, proven)
            if lt and ts_ok and token is not None:  # and the timestamp's own TSA, too
                lt = await supported_by_evidence(
                    token, self.roots, self.evidence, cover or self._ts_moment(sig),
                    timestamp=True,
                )  # fmt: skip
            if lt:
                level = Level.B_LTA if cover is not None else Level.B_LT
        details = status.revocation_details
        revoked = details.revocation_date if details is not None else None
        if revoked is None:
            revoked = self._gost_revoked(sig, proven or self.now)
        report = _report(sig, status, False, level, proven, revoked)
        if revoked is not None and details is None:  # found by signing.revocation, not pyHanko
            report = replace(report, bottom_line=False, problem=f"revoked {revoked.isoformat()}")
        return report

    def _gost_revoked(self, sig: EmbeddedPdfSignature, moment: datetime) -> datetime | None:
        """A GOST signer's revocation from the file's CRLs/OCSP answers. Certvalidator cannot
        use a CRL whose issuer is a non-self-signed anchor (the NCA's issuing CA, whose root
        is not published), so signing.revocation checks it against the issuing CA."""
        try:
            if sig.signer_info["signature_algorithm"]["algorithm"].dotted not in _GOST_SIGS:
                return None
            cert = sig.signer_cert
            issuers = [c for c in (*self.roots, *self.evidence.certs) if c.subject == cert.issuer]
            if not issuers or not self.evidence.has_revocation_data:
                return None
            status = check_revocation(
                cert, issuers[0], moment=moment,
                crls=[c.dump() for c in self.evidence.crls],
                ocsps=[o.dump() for o in self.evidence.ocsps],
            )  # fmt: skip
        except _UNREADABLE:
            return None
        if status.revoked_before(moment):
            return status.revoked_at or moment
        return None

    def _ts_moment(self, sig: EmbeddedPdfSignature) -> datetime:
        token = _token(sig)
        return self._own_time(token) if token is not None else self.now

    async def _validate_at(
        self, sig: EmbeddedPdfSignature, moment: datetime, cover: datetime | None
    ) -> PdfSignatureStatus:
        _seed_streebog(sig)
        return await async_validate_pdf_signature(
            sig,
            signer_validation_context=self._context(moment),
            ts_validation_context=self._context(cover or self._ts_moment(sig)),
            diff_policy=self.diff_policy,
        )


def _seed_streebog(sig: EmbeddedPdfSignature) -> None:
    """PyHanko hashes the byte range with pyca/cryptography, which has no Streebog: a GOST
    signature's digest is computed here and put in pyHanko's own digest cache; a GOST
    34.311-95 (2004 generation) digest is refused with its name."""
    name = sig.md_algorithm
    if name in (oids.STREEBOG256, oids.STREEBOG512) and name not in sig.external_digests:
        sig.external_digests[name] = streebog_byte_range_digest(sig, name)
    elif name in (oids.DIGEST_GOST34311_95, "gost34311_95_kz"):
        raise UnsupportedAlgorithm(f"unsupported algorithm: {oids.algorithm_name(name)}")


class UnsupportedAlgorithm(ValueError):
    """A signature in an algorithm Qujat does not verify (e.g. GOST 34.310-2004)."""


def _signature_tokens(sig: EmbeddedPdfSignature) -> list[cms.SignedData]:
    token = _token(sig)
    return [token] if token is not None else []


def _token(sig: EmbeddedPdfSignature) -> cms.SignedData | None:
    try:
        unsigned = sig.signer_info["unsigned_attrs"]
        for attr in unsigned or ():
            if attr["type"].native == "signature_time_stamp_token":
                return attr["values"][0]["content"]
    except _UNREADABLE:
        return None
    return None


def _report(
    sig: EmbeddedPdfSignature,
    status: ModificationInfo,
    is_timestamp: bool,
    level: Level,
    proven: datetime | None,
    revoked: datetime | None = None,
) -> SignatureReport:
    subject = _subject(sig)
    mod = status.modification_level
    fill = is_timestamp and _fill_allowed(sig)
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=subject.get("common_name"),
        signer_organisation=subject.get("organization_name"),
        signer_serial=subject.get("serial_number"),
        signed_at=getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None),
        certification=not is_timestamp and _is_certification(sig),
        intact=bool(getattr(status, "intact", False)),
        valid=bool(getattr(status, "valid", False)),
        trusted=bool(getattr(status, "trusted", False)),
        coverage=_enum_name(status.coverage, "unclear"),
        modification_level=_enum_name(mod, "unknown"),
        docmdp_ok=_docmdp_ok(status, fill),
        bottom_line=_bottom_line(status, fill),
        timestamp=is_timestamp,
        level=str(level),
        proven_at=proven,
        revoked_at=revoked,
    )


def _bottom_line(status: ModificationInfo, fill_allowed: bool = False) -> bool:
    if isinstance(status, PdfSignatureStatus):
        return bool(status.bottom_line)
    # a document timestamp: pyHanko gives no bottom line, so apply the same rule
    return bool(
        getattr(status, "intact", False)
        and getattr(status, "valid", False)
        and getattr(status, "trusted", False)
        and _docmdp_ok(status, fill_allowed)
    )


def _docmdp_ok(status: ModificationInfo, fill_allowed: bool = False) -> bool:
    if status.docmdp_ok is not None:
        return bool(status.docmdp_ok)
    # undetermined (pyHanko leaves it so for a timestamp): fine if nothing but validation
    # data came after, or signatures in fields the certification (P=2) lets be filled
    allowed = [ModificationLevel.NONE, ModificationLevel.LTA_UPDATES]
    if fill_allowed:
        allowed.append(ModificationLevel.FORM_FILLING)
    return status.modification_level in allowed


def _fill_allowed(sig: EmbeddedPdfSignature) -> bool:
    """The document's certification lets form fields be filled and signed (DocMDP P=2/3)."""
    try:
        info = read_certification_data(sig.reader)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return info is not None and info.permission in (MDPPerm.FILL_FORMS, MDPPerm.ANNOTATE)


def _broken(sig: EmbeddedPdfSignature, is_timestamp: bool, exc: Exception) -> SignatureReport:
    """A signature pyHanko could not even evaluate: report it, and as failed."""
    try:
        subject = _subject(sig)
    except (ValueError, KeyError, TypeError, SignatureValidationError):
        subject = {}
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=subject.get("common_name"),
        signer_organisation=subject.get("organization_name"),
        signer_serial=subject.get("serial_number"),
        signed_at=None,
        certification=False,
        intact=False,
        valid=False,
        trusted=False,
        coverage="unclear",
        modification_level="unknown",
        docmdp_ok=False,
        bottom_line=False,
        timestamp=is_timestamp,
        problem=_problem(sig, exc),
    )


def _problem(sig: EmbeddedPdfSignature, exc: Exception) -> str:
    """The reason a signature could not be evaluated, naming its algorithm if unsupported."""
    if isinstance(exc, UnsupportedAlgorithm):
        return str(exc)
    try:
        oid = sig.signer_info["signature_algorithm"]["algorithm"].dotted
    except _UNREADABLE:
        return "unreadable signature"
    if oid in (oids.SIG_GOST2004, oids.KEY_GOST2004):
        return f"unsupported algorithm: {oids.algorithm_name(oid)}"
    text = getattr(exc, "failure_message", None) or str(exc) or type(exc).__name__
    return f"invalid signature: {text}"[:300]


def _subject(sig: EmbeddedPdfSignature) -> dict[str, str]:
    native = sig.signer_cert.subject.native
    return {k: str(v) for k, v in native.items() if isinstance(v, str)}


def _is_certification(sig: EmbeddedPdfSignature) -> bool:
    """A certification signature carries a DocMDP transform in its /Reference."""
    try:
        refs = sig.sig_object.get("/Reference", [])
        return any(ref.get_object().get("/TransformMethod") == "/DocMDP" for ref in refs)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _enum_name(value: SignatureCoverageLevel | ModificationLevel | None, default: str) -> str:
    return value.name.lower() if value is not None else default
