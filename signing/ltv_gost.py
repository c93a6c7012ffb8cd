"""Long-term validation data (PAdES B-LT) for GOST R 34.10-2015 signatures.

pyHanko gathers a DSS by validating each signer's chain with pyhanko-certvalidator in
hard-fail mode. For the NCA's chains that cannot succeed: the NCA's issuing CA is the
configured anchor but not self-signed (its root is not published), and certvalidator does
not accept a CRL signed by such an anchor; the test responder answers "unknown" (hold since
1970) for the individual key. So a GOST signer's data is chosen here instead: its chain up
to the anchor, and the CRLs and OCSP answers of its issuing CA, each checked by
:func:`signing.revocation.check_revocation` (GOST-aware, the same check registration and
verification use), which must find the certificate positively not revoked at the moment.
Its signature timestamp (an ordinary TSA's) goes through pyHanko's own gathering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms, crl, ocsp, x509
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing.gost import oids
from signing.revocation import check_ocsp, check_revocation

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


def gost_evidence(signed_data: cms.SignedData, context: ValidationContext) -> GostEvidence:
    """The chain and revocation answers of a GOST signer, from ``context``'s certificates,
    anchors, CRLs and OCSP answers, at ``context.moment`` (see :func:`gost_chain_evidence`)."""
    manager = context.path_builder.trust_manager
    anchors = list(manager.iter_certs()) if isinstance(manager, SimpleTrustManager) else []
    assert context.moment is not None  # the gathering context is always at a moment
    return gost_chain_evidence(
        signed_data, anchors, list(context.certificate_registry), list(context.crls),
        list(context.ocsps), context.moment,
    )  # fmt: skip


def gost_chain_evidence(
    signed_data: cms.SignedData,
    anchors: list[x509.Certificate],
    certs: list[x509.Certificate],
    crls: list[crl.CertificateList],
    ocsps: list[ocsp.OCSPResponse],
    moment: datetime,
) -> GostEvidence:
    """The signer's chain up to an anchor and the answers that show each certificate below
    the anchor unrevoked at ``moment``. :class:`GostEvidenceUnavailable` if the chain does
    not reach an anchor or a certificate is not positively unrevoked (or was revoked)."""
    info = extract_certificate_info(signed_data)
    pool = [*info.other_certs, *certs, *anchors]
    crl_der = [c.dump() for c in crls]
    ocsp_der = [o.dump() for o in ocsps]
    evidence = GostEvidence()
    cert = info.signer_cert
    anchor_subjects = {a.subject.dump() for a in anchors}
    for _ in range(_MAX_CHAIN):
        issuer = next((c for c in pool if c.subject == cert.issuer and c != cert), None)
        if issuer is None:
            raise GostEvidenceUnavailable(f"no issuer for {cert.subject.human_friendly}")
        status = check_revocation(cert, issuer, moment=moment, crls=crl_der, ocsps=ocsp_der)
        if not status.good:
            raise GostEvidenceUnavailable(
                f"{cert.subject.human_friendly}: {status.status} ({status.detail})"
            )
        evidence.certs.append(cert)
        evidence.crls.extend(
            c for c in crls if c.issuer == issuer.subject and c not in evidence.crls
        )
        # only answers that say "good": an "unknown" one (the test responder's hold since
        # 1970) proves nothing, and another holder's answer does not belong to this chain
        evidence.ocsps.extend(
            o for o in ocsps
            if _answers_for(o, cert) and check_ocsp(cert, issuer, o.dump(), moment=moment).good
        )  # fmt: skip
        if issuer.subject.dump() in anchor_subjects:
            evidence.certs.append(issuer)
            return evidence
        cert = issuer
    raise GostEvidenceUnavailable("the chain is longer than any the NCA issues")


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
