"""Whether a certificate may sign for Qujat: it chains to a configured anchor, is inside its
validity, is a signing key, is not revoked, and (for an NCA certificate) fits the NCA profile.

Checked when a signer is registered and again when a signature is made or completed.
Revocation comes from the configured offline data (the ``nca-test`` profile's CRLs and OCSP
answers, say) and, when a :class:`~signing.pki_fetch.FetchPolicy` is given, from the
certificate's own CRL/OCSP URLs, but only once the certificate has chained to an anchor
(a URL from a certificate not yet trusted is never followed) and only under the policy's
allowed prefixes (anything else is skipped without a request). A fetch that fails is
:class:`~signing.errors.FetchFailed` (503).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    ValidationError,
)

from forms.errors import ErrorDetail
from signing.errors import FetchFailed, NcaProfileError
from signing.gost.validator import gost_validation_context
from signing.nca_profile import (
    INDIVIDUAL,
    LEGAL_ENTITY,
    PRODUCTION,
    CertificateFacts,
    NcaPkiProfile,
    certificate_facts,
    require_signing_key,
)
from signing.pki_fetch import FetchPolicy, fetch_revocation
from signing.remembered import Remembered
from signing.revocation import RevocationStatus, check_revocation

__all__ = [
    "CertificateSummary",
    "SignerTrust",
    "TrustedSigner",
    "check_signer",
    "describe",
    "is_nca_certificate",
]


@dataclass(frozen=True)
class SignerTrust:
    """The trust configuration signer certificates are checked against."""

    anchors: tuple[x509.Certificate, ...]
    """Trust anchors (the development CA, ``QUJAT_TRUST_ROOTS``, a profile's CAs)."""
    rules: NcaPkiProfile = PRODUCTION
    """Which identifiers the NCA profile admits (a test profile admits its fake IINs)."""
    crls: tuple[bytes, ...] = ()
    """Offline CRLs (DER)."""
    ocsps: tuple[bytes, ...] = ()
    """Offline OCSP responses (DER)."""
    fetch: FetchPolicy | None = None
    """Where revocation data may be fetched from; ``None``: never fetch."""


@dataclass(frozen=True)
class TrustedSigner:
    """A certificate that passed :func:`check_signer`."""

    issuer: x509.Certificate
    """The certificate that issued it (on the validated path)."""
    revocation: RevocationStatus
    """What the revocation sources said (``good`` or ``unknown``; never ``revoked``)."""
    facts: CertificateFacts | None
    """The NCA profile's reading of it, for an NCA certificate."""


def _refuse(rule: str, message: str) -> NcaProfileError:
    return NcaProfileError(message, [ErrorDetail("certificate", rule, message)])


def is_nca_certificate(cert: x509.Certificate) -> bool:
    """The certificate bears the NCA's holder policy OIDs (individual or legal entity)."""
    eku = cert.extended_key_usage_value
    return eku is not None and bool({INDIVIDUAL, LEGAL_ENTITY} & set(eku.native))


def check_signer(
    cert: x509.Certificate,
    trust: SignerTrust,
    moment: datetime,
    chain: Sequence[x509.Certificate] = (),
) -> TrustedSigner:
    """Check ``cert`` for signing at ``moment``; :class:`NcaProfileError` (422) naming the
    rule it breaks, :class:`FetchFailed` (503) if revocation data could not be fetched."""
    require_signing_key(cert)
    issuer = _validated_issuer(cert, trust, moment, chain)
    facts = certificate_facts(cert, trust.rules) if is_nca_certificate(cert) else None
    status = _revocation(cert, issuer, trust, moment)
    if status.revoked_before(moment):
        when = status.revoked_at.isoformat() if status.revoked_at else "an unknown date"
        raise _refuse(
            "certificate_revoked", f"The certificate was revoked ({when}, {status.source})"
        )
    return TrustedSigner(issuer, status, facts)


def _validated_issuer(
    cert: x509.Certificate,
    trust: SignerTrust,
    moment: datetime,
    chain: Sequence[x509.Certificate],
) -> x509.Certificate:
    if cert.self_signed != "no":
        raise _refuse("certificate_self_signed", "A self-signed certificate cannot sign")
    key = (cert.sha256, tuple(c.sha256 for c in chain), tuple(a.sha256 for a in trust.anchors))
    known = _PATHS.get(key)
    if known is not None and known.start <= moment <= known.end:
        return known.issuer
    # revocation is ours (signing.revocation), so path validation runs soft-fail, offline
    context = gost_validation_context(trust.anchors, moment=moment, other_certs=chain)
    validator = CertificateValidator(cert, validation_context=context)
    try:
        path = asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except (ExpiredError, NotYetValidError) as exc:
        raise _refuse(
            "certificate_expired", f"The certificate is outside its validity: {exc}"
        ) from None
    except PathBuildingError:
        raise _refuse(
            "certificate_untrusted", "The certificate does not chain to a configured trust anchor"
        ) from None
    except (PathValidationError, InvalidCertificateError, ValidationError) as exc:
        raise _refuse(
            "certificate_untrusted", f"The certificate's path is not valid: {exc}"
        ) from None
    issuer = getattr(path.find_issuing_authority(cert), "certificate", None)
    if not isinstance(issuer, x509.Certificate):  # pragma: no cover - anchors are certificates
        raise _refuse("certificate_untrusted", "The issuing authority has no certificate")
    certs = list(path.iter_certs(include_root=True))
    _PATHS.put(key, _KnownPath(
        issuer,
        max(c.not_valid_before for c in certs),
        min(c.not_valid_after for c in certs),
    ))  # fmt: skip
    return issuer


@dataclass(frozen=True)
class _KnownPath:
    """A path validated once: the same certificates validate the same way at any moment
    inside every one's validity (revocation, the part that changes, is checked apart)."""

    issuer: x509.Certificate
    start: datetime
    end: datetime


_PathKey = tuple[bytes, tuple[bytes, ...], tuple[bytes, ...]]
"""The SHA-256 of the certificate, of each chain certificate and of each anchor."""

_PATHS: Remembered[_PathKey, _KnownPath] = Remembered(1024)
"""Validated paths by the certificate, its chain and the anchors (by SHA-256): a held key's
path is built and checked once, not on every signature it makes (≈ 1 ms each)."""


def _revocation(
    cert: x509.Certificate, issuer: x509.Certificate, trust: SignerTrust, moment: datetime
) -> RevocationStatus:
    status = _combined(cert, issuer, moment, trust.crls, trust.ocsps)
    if status.status != "unknown" or trust.fetch is None:
        return status
    # only now, the certificate chained to an anchor: its own URLs, if the policy allows them
    crls, ocsps = fetch_revocation(cert, issuer, trust.fetch)
    if not ocsps and not crls:
        return status
    status = _combined(cert, issuer, moment, crls, ocsps)
    if status.status == "unknown" and "unreadable" in status.detail:
        raise FetchFailed(f"The revocation data fetched cannot be read: {status.detail}")
    return status


def _combined(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    moment: datetime,
    crls: Sequence[bytes],
    ocsps: Sequence[bytes],
) -> RevocationStatus:
    """Every source on its own (one unreadable answer, e.g. of another CA generation, spoils
    no other): revoked by any wins, then good, else unknown."""
    results: list[RevocationStatus] = []
    for kind, items in (("ocsp", ocsps), ("crl", crls)):
        for item in items:
            try:
                if kind == "ocsp":
                    results.append(check_revocation(cert, issuer, moment=moment, ocsps=[item]))
                else:
                    results.append(check_revocation(cert, issuer, moment=moment, crls=[item]))
            except (ValueError, TypeError, KeyError) as exc:
                results.append(RevocationStatus("unknown", "none", detail=f"unreadable: {exc}"))
    for wanted in ("revoked", "good"):
        for r in results:
            if r.status == wanted:
                return r
    detail = "; ".join(r.detail for r in results) or "no revocation data"
    return RevocationStatus("unknown", "none", detail=detail[:500])


class _AnyIdentifiers(NcaPkiProfile):
    """For display only: read what the certificate says, checksum or not."""

    def id_acceptable(self, number: str, cert: x509.Certificate) -> bool:
        return True


_DISPLAY = _AnyIdentifiers("display")


@dataclass(frozen=True)
class CertificateSummary:
    """What a signer's certificate says, for ``GET /v1/signers/{id}`` and public pages."""

    person: str
    iin: str | None
    organisation: str | None
    bin: str | None
    holder: str
    """``individual``, ``legal_entity`` or ``unknown`` (not an NCA certificate)."""
    roles: tuple[str, ...]
    issuer: str
    valid_from: datetime
    valid_to: datetime


def describe(cert: x509.Certificate) -> CertificateSummary:
    """Read ``cert`` without judging it (the checks are :func:`check_signer`'s)."""
    try:
        f = certificate_facts(cert, _DISPLAY)
        return CertificateSummary(
            f.person, f.iin, f.organisation, f.bin, f.holder, f.roles, f.issuer,
            f.valid_from, f.valid_to,
        )  # fmt: skip
    except NcaProfileError:
        subject, issuer = cert.subject.native, cert.issuer.native
        serial = str(subject.get("serial_number") or "")
        return CertificateSummary(
            person=str(subject.get("common_name") or ""),
            iin=serial[3:] if serial.startswith("IIN") and len(serial) == 15 else None,
            organisation=subject.get("organization_name"),
            bin=None,
            holder="unknown",
            roles=(),
            issuer=str(issuer.get("common_name") or cert.issuer.human_friendly),
            valid_from=cert.not_valid_before,
            valid_to=cert.not_valid_after,
        )
