"""Long-term validation data (PAdES B-LT) for GOST R 34.10-2015 signatures.

pyHanko gathers a DSS by validating each signer's chain with pyhanko-certvalidator in
hard-fail mode. For the NCA's chains that cannot succeed: the NCA's issuing CA is the
configured anchor but not self-signed (its root is not published), and certvalidator does
not accept a CRL signed by such an anchor; the test responder answers "unknown" (hold since
1970) for the individual key. So a GOST signer's data is chosen here instead: its chain up
to the anchor, and the CRLs and OCSP answers of its issuing CA, each checked by
:func:`signing.revocation.check_revocation` (GOST-aware, the same check registration and
verification use), which must find the certificate positively not revoked at the moment.
Where the answers in hand do not (production: a fetching context holds none), the
certificate's own CRL/OCSP URLs are fetched under the configured
:class:`~signing.pki_fetch.FetchPolicy`, once its chain is verified up to an anchor.
Its signature timestamp (an ordinary TSA's) goes through pyHanko's own gathering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms, crl, ocsp, x509
from cryptography.exceptions import InvalidSignature
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing.errors import FetchFailed, FetchRefused
from signing.gost import oids
from signing.gost.validator import GOST_SIGNATURE_VALIDATOR
from signing.pki_fetch import FetchPolicy, fetch_revocation
from signing.revocation import RevocationStatus, check_ocsp, check_revocation

__all__ = [
    "GostEvidence",
    "GostEvidenceUnavailable",
    "gost_chain_evidence",
    "gost_evidence",
    "is_gost_answer",
    "is_gost_signed",
    "timestamp_paths",
    "without_gost_answers",
]

_GOST_KEYS = (oids.KEY_GOST2015_256, oids.KEY_GOST2015_512)
_MAX_CHAIN = 8


@dataclass
class GostEvidence:
    """What a GOST signer's DSS entries hold."""

    certs: list[x509.Certificate] = field(default_factory=list)
    crls: list[crl.CertificateList] = field(default_factory=list)
    ocsps: list[ocsp.OCSPResponse] = field(default_factory=list)


class GostEvidenceUnavailable(ValueError):
    """No answer shows the GOST certificate unrevoked at the moment (or it was revoked)."""


def is_gost_signed(signed_data: cms.SignedData) -> bool:
    """The CMS is signed with a GOST R 34.10-2015 key."""
    try:
        cert = extract_certificate_info(signed_data).signer_cert
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return str(cert.public_key["algorithm"]["algorithm"].dotted) in _GOST_KEYS


def gost_evidence(
    signed_data: cms.SignedData, context: ValidationContext, fetch: FetchPolicy | None = None
) -> GostEvidence:
    """The chain and revocation answers of a GOST signer, from ``context``'s certificates,
    anchors, CRLs and OCSP answers, at ``context.moment``, and fetched under ``fetch`` where
    those do not settle it (see :func:`gost_chain_evidence`)."""
    manager = context.path_builder.trust_manager
    anchors = list(manager.iter_certs()) if isinstance(manager, SimpleTrustManager) else []
    assert context.moment is not None  # the gathering context is always at a moment
    return gost_chain_evidence(
        signed_data, anchors, list(context.certificate_registry), list(context.crls),
        list(context.ocsps), context.moment, fetch=fetch,
    )  # fmt: skip


def gost_chain_evidence(
    signed_data: cms.SignedData,
    anchors: list[x509.Certificate],
    certs: list[x509.Certificate],
    crls: list[crl.CertificateList],
    ocsps: list[ocsp.OCSPResponse],
    moment: datetime,
    *,
    fetch: FetchPolicy | None = None,
) -> GostEvidence:
    """The signer's chain up to an anchor and the answers that show each certificate below
    the anchor unrevoked at ``moment``. Where the answers in hand say "unknown" and
    ``fetch`` is given, the certificate's own CRL/OCSP URLs are asked under that policy
    (:func:`signing.pki_fetch.fetch_revocation`) - only once the whole chain is verified up
    to an anchor, so no URL of an untrusted certificate is ever followed.
    :class:`GostEvidenceUnavailable` if the chain does not reach an anchor, a fetch fails,
    or a certificate is not positively unrevoked (or was revoked)."""
    info = extract_certificate_info(signed_data)
    chain = _verified_chain(info.signer_cert, [*info.other_certs, *certs, *anchors], anchors)
    evidence = GostEvidence()
    for cert, issuer in chain:
        here_crls, here_ocsps = list(crls), list(ocsps)
        status = _status(cert, issuer, moment, here_crls, here_ocsps)
        if status.status == "unknown" and fetch is not None:
            fetched_crls, fetched_ocsps = _fetched(cert, issuer, fetch)
            here_crls += fetched_crls
            here_ocsps += fetched_ocsps
            status = _status(cert, issuer, moment, here_crls, here_ocsps)
        if not status.good:
            raise GostEvidenceUnavailable(
                f"{cert.subject.human_friendly}: {status.status} ({status.detail})"
            )
        evidence.certs.append(cert)
        evidence.crls.extend(
            c for c in here_crls if c.issuer == issuer.subject and c not in evidence.crls
        )
        # only answers that say "good": an "unknown" one (the test responder's hold since
        # 1970) proves nothing, and another holder's answer does not belong to this chain
        evidence.ocsps.extend(
            o for o in here_ocsps
            if _answers_for(o, cert) and check_ocsp(cert, issuer, o.dump(), moment=moment).good
        )  # fmt: skip
    evidence.certs.append(chain[-1][1])  # the anchor
    return evidence


def _verified_chain(
    signer: x509.Certificate, pool: list[x509.Certificate], anchors: list[x509.Certificate]
) -> list[tuple[x509.Certificate, x509.Certificate]]:
    """(certificate, issuer) pairs from ``signer`` up to an anchor, each signature checked."""
    anchor_subjects = {a.subject.dump() for a in anchors}
    chain: list[tuple[x509.Certificate, x509.Certificate]] = []
    cert = signer
    for _ in range(_MAX_CHAIN):
        issuer = next((c for c in pool if c.subject == cert.issuer and c != cert), None)
        if issuer is None:
            raise GostEvidenceUnavailable(f"no issuer for {cert.subject.human_friendly}")
        try:
            GOST_SIGNATURE_VALIDATOR.validate_signature(
                cert["signature_value"].native, cert["tbs_certificate"].dump(),
                issuer.public_key, cert["signature_algorithm"],
            )  # fmt: skip
        except (InvalidSignature, ValueError) as exc:  # AlgorithmNotSupported is one too
            raise GostEvidenceUnavailable(
                f"{cert.subject.human_friendly}: its issuer's signature does not verify ({exc})"
            ) from None
        chain.append((cert, issuer))
        if issuer.subject.dump() in anchor_subjects:
            return chain
        cert = issuer
    raise GostEvidenceUnavailable("the chain is longer than any the NCA issues")


def _status(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    moment: datetime,
    crls: list[crl.CertificateList],
    ocsps: list[ocsp.OCSPResponse],
) -> RevocationStatus:
    try:
        return check_revocation(
            cert, issuer, moment=moment, crls=[c.dump() for c in crls],
            ocsps=[o.dump() for o in ocsps],
        )  # fmt: skip
    except (ValueError, TypeError, KeyError) as exc:  # a fetched answer that is not one
        raise GostEvidenceUnavailable(f"unreadable revocation data: {exc}") from None


def _fetched(
    cert: x509.Certificate, issuer: x509.Certificate, policy: FetchPolicy
) -> tuple[list[crl.CertificateList], list[ocsp.OCSPResponse]]:
    try:
        crl_der, ocsp_der = fetch_revocation(cert, issuer, policy)
        return (
            [crl.CertificateList.load(d) for d in crl_der],
            [ocsp.OCSPResponse.load(d) for d in ocsp_der],
        )
    except (FetchFailed, FetchRefused) as exc:
        raise GostEvidenceUnavailable(f"{cert.subject.human_friendly}: {exc.message}") from None
    except ValueError as exc:
        raise GostEvidenceUnavailable(f"unreadable revocation data: {exc}") from None


async def timestamp_paths(
    sig: EmbeddedPdfSignature, context: ValidationContext
) -> list[ValidationPath]:
    """Validation paths of the signature's timestamp tokens (their revocation data is then
    in ``context`` for the DSS), as :func:`collect_validation_info` gathers them."""
    paths = []
    for signed in (False, True):
        for token in extract_tst_data_iter(sig.signer_info, signed=signed):
            tsa = extract_certificate_info(token)
            validator = CertificateValidator(
                tsa.signer_cert, intermediate_certs=tsa.other_certs, validation_context=context
            )
            paths.append(await validator.async_validate_usage(key_usage=set()))  # type: ignore[no-untyped-call]
    return paths


def _answers_for(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    try:
        data = response.basic_ocsp_response["tbs_response_data"]
        return any(
            r["cert_id"]["serial_number"].native == cert.serial_number for r in data["responses"]
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def without_gost_answers(
    context: ValidationContext, gost: GostEvidence
) -> tuple[list[crl.CertificateList], list[ocsp.OCSPResponse]]:
    """What goes into the DSS: pyHanko would put every CRL and OCSP answer of ``context``
    there; the GOST-signed ones are replaced by those :func:`gost_evidence` chose (the
    profile's other answers - another holder's revocation, "unknown" - only mislead)."""
    crls = [c for c in context.crls if not is_gost_answer(c)]
    ocsps = [o for o in context.ocsps if not is_gost_answer(o)]
    return crls + gost.crls, ocsps + gost.ocsps


def is_gost_answer(answer: crl.CertificateList | ocsp.OCSPResponse) -> bool:
    """A CRL or OCSP answer signed with a GOST algorithm (2015 or 2004): judged by
    :mod:`signing.revocation`, not by certvalidator (which cannot use the NCA's CRLs)."""
    try:
        if isinstance(answer, ocsp.OCSPResponse):
            basic = answer.basic_ocsp_response
            if basic is None:
                return False
            oid = str(basic["signature_algorithm"]["algorithm"].dotted)
        else:
            oid = str(answer["signature_algorithm"]["algorithm"].dotted)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return oid in oids.SIGNATURE_DIGESTS or oid == oids.SIG_GOST2004
