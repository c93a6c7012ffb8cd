"""Long-term validation: when each signature is proven to have existed, and at what PAdES
level it stands (ETSI EN 319 142-1: B-B, B-T, B-LT, B-LTA).

A signature is judged at the time its earliest trusted timestamp proves (proof of
existence): its own signature timestamp, else the first document timestamp after it. The
certificates and revocation answers come from the file's DSS only; nothing is fetched.
Document timestamps form a chain, newest first: the newest is judged now, each earlier one
at the time of the next (which proves it existed then, while its TSA certificate was good).

A document whose newest timestamp's TSA certificate has expired is ``lapsed``: nothing it
holds can be proven any more, whatever the signatures were.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms, crl, ocsp, x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import ValidationInfoReadingError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from signing.gost.validator import GOST_ALGORITHM_POLICY, GOST_SIGNATURE_VALIDATOR
from signing.ltv_gost import (
    GostEvidenceUnavailable,
    gost_chain_evidence,
    is_gost_answer,
    is_gost_signed,
)

__all__ = [
    "Evidence",
    "Level",
    "LtvStatus",
    "context_at",
    "lapsed_at",
    "read_evidence",
    "signature_timestamp_time",
    "supported_by_evidence",
    "token_time",
]


class Level(enum.StrEnum):
    """PAdES baseline levels, lowest first."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


class LtvStatus(enum.StrEnum):
    """The document's long-term verdict."""

    VALID = "valid"
    INVALID = "invalid"
    REVOKED = "revoked"
    """A signature was made after its certificate was revoked (see ``revoked_at``)."""
    LAPSED = "lapsed"
    """The newest timestamp's TSA certificate expired without renewal: not provable."""


@dataclass(frozen=True)
class Evidence:
    """The validation data a PDF carries in its DSS."""

    certs: list[x509.Certificate] = field(default_factory=list)
    crls: list[crl.CertificateList] = field(default_factory=list)
    ocsps: list[ocsp.OCSPResponse] = field(default_factory=list)

    @property
    def has_revocation_data(self) -> bool:
        return bool(self.crls or self.ocsps)


def read_evidence(reader: PdfFileReader) -> Evidence:
    """The DSS's certificates, CRLs and OCSP responses (empty if there is no DSS or it
    cannot be read: a broken DSS proves nothing, it does not break the signatures)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return Evidence(
            list(dss.load_certs()),
            [crl.CertificateList.load(r.get_object().read_data(DecodePurpose.CRL))
             for r in dss.crls],
            [ocsp.OCSPResponse.load(r.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
             for r in dss.ocsps],
        )  # fmt: skip
    except (ValidationInfoReadingError, PdfError, ValueError, KeyError, TypeError,
            AttributeError):  # fmt: skip
        return Evidence()


def context_at(
    roots: list[x509.Certificate],
    evidence: Evidence,
    moment: datetime,
    *,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    """A validation context at ``moment`` over the trust roots and the file's evidence.

    Revocation data issued after ``moment`` counts (``retroactive_revinfo``): a CRL of the
    day after the signature says the certificate was good at the signature's time.
    """
    return ValidationContext(
        trust_roots=roots,
        other_certs=evidence.certs,
        # GOST-signed answers are judged by signing.revocation (see verify.signatures):
        # certvalidator cannot use a CRL of the NCA's non-self-signed anchor, and one it
        # cannot use makes it distrust a signer it would otherwise trust
        crls=[c for c in evidence.crls if not is_gost_answer(c)],
        ocsps=[o for o in evidence.ocsps if not is_gost_answer(o)],
        moment=moment,
        allow_fetching=False,
        revocation_mode=revocation_mode,
        retroactive_revinfo=True,
        # GOST R 34.10-2015 certificates, CRLs, OCSP answers and CMS verify; GOST
        # 34.310-2004 is refused with its name (other algorithms: certvalidator's own)
        signature_validator=GOST_SIGNATURE_VALIDATOR,
        algorithm_usage_policy=GOST_ALGORITHM_POLICY,
    )


def token_time(token: cms.SignedData) -> datetime:
    """The ``genTime`` of an RFC 3161 token (unverified: check the token first)."""
    tst = token["encap_content_info"]["content"].parsed
    return tst["gen_time"].native  # type: ignore[no-any-return]


def signature_timestamp_time(sig: EmbeddedPdfSignature) -> datetime | None:
    """The time the signature's timestamp token claims, if it has one."""
    unsigned = sig.signer_info["unsigned_attrs"]
    if not unsigned:
        return None
    for attr in unsigned:
        if attr["type"].native == "signature_time_stamp_token":
            return token_time(attr["values"][0]["content"])
    return None


def lapsed_at(token: cms.SignedData) -> datetime:
    """When the token's TSA certificate expires: the end of what the token proves."""
    cert = extract_certificate_info(token).signer_cert
    return cert["tbs_certificate"]["validity"]["not_after"].native  # type: ignore[no-any-return]


async def supported_by_evidence(
    signed_data: cms.SignedData,
    roots: list[x509.Certificate],
    evidence: Evidence,
    moment: datetime,
    *,
    timestamp: bool = False,
) -> bool:
    """Whether the signer of ``signed_data`` validates at ``moment`` with revocation
    required, from the file's evidence alone: the test of B-LT."""
    if not evidence.has_revocation_data:
        return False
    if is_gost_signed(signed_data):
        try:
            gost_chain_evidence(
                signed_data, roots, evidence.certs, evidence.crls, evidence.ocsps, moment
            )
        except (GostEvidenceUnavailable, ValueError, KeyError, TypeError, AttributeError):
            return False
        return True
    info = extract_certificate_info(signed_data)
    context = context_at(roots, evidence, moment, revocation_mode="hard-fail")
    validator = CertificateValidator(
        info.signer_cert, intermediate_certs=info.other_certs, validation_context=context
    )
    try:
        if timestamp:
            await validator.async_validate_usage(  # type: ignore[no-untyped-call]
                set(), extended_key_usage={"time_stamping"}
            )
        else:
            await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]
    except (PathError, ValidationError, ValueError):
        return False
    return True
