"""Revocation of a signer's certificate from CRL and OCSP bytes, offline, GOST-aware.

Used when a signer is registered and when a signature is made or completed. It works from the
bytes it is given (the NCA's CRLs and OCSP answers, fetched by :mod:`signing.pki_fetch` or
shipped with the ``nca-test`` profile) and verifies their signatures with the same validator
as path building, so GOST R 34.10-2015 CRLs and OCSP responses count.

Why not pyhanko-certvalidator's own revocation checks: when the CRL issuer is itself the trust
anchor and that anchor is not self-signed (the test pack's CA, whose root is not published),
certvalidator cannot build the CRL issuer's path (``truncate_to_issuer_and_append`` raises
LookupError) and reports the CRL as unusable. This module needs only the issuing CA.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp, x509
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.errors import AlgorithmNotSupported
from pyhanko_certvalidator.sig_validate import SignatureValidator

from signing.gost import oids, streebog
from signing.gost.validator import GOST_SIGNATURE_VALIDATOR

Status = Literal["good", "revoked", "unknown"]

#: RFC 6960 2.2: "revoked", reason certificateHold, time 1970-01-01 means "never issued".
_NOT_ISSUED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RevocationStatus:
    """What one source (or the combination) says about a certificate at a moment."""

    status: Status
    source: Literal["crl", "ocsp", "none"]
    revoked_at: datetime | None = None
    reason: str | None = None
    detail: str = ""

    @property
    def good(self) -> bool:
        """Positively not revoked."""
        return self.status == "good"

    def revoked_before(self, moment: datetime) -> bool:
        """Revoked at or before `moment` (a signature made after that is not valid)."""
        return self.status == "revoked" and (self.revoked_at is None or self.revoked_at <= moment)


def _verify(
    validator: SignatureValidator,
    signer: x509.Certificate,
    signature: bytes,
    data: bytes,
    algorithm: Any,
) -> str | None:
    try:
        validator.validate_signature(signature, data, signer.public_key, algorithm)
    except InvalidSignature:
        return "signature does not verify"
    except AlgorithmNotSupported as exc:
        return str(exc)
    return None


def check_crl(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    crl_der: bytes,
    *,
    moment: datetime,
    validator: SignatureValidator = GOST_SIGNATURE_VALIDATOR,
) -> RevocationStatus:
    """The certificate's status in a CRL of its issuer, at `moment`. A CRL that is not the
    issuer's, does not verify, or is not current at `moment` gives ``unknown``."""
    try:
        lst = asn1_crl.CertificateList.load(crl_der)
        tbs = lst["tbs_cert_list"]
        this_update = tbs["this_update"].native
        next_update = tbs["next_update"].native
    except (ValueError, TypeError, KeyError) as exc:
        return RevocationStatus("unknown", "crl", detail=f"unreadable CRL: {exc}")
    if tbs["issuer"] != cert.issuer or issuer.subject != cert.issuer:
        return RevocationStatus("unknown", "crl", detail="the CRL is not the issuer's")
    problem = _verify(
        validator, issuer, lst["signature"].native, tbs.dump(), lst["signature_algorithm"]
    )
    if problem:
        name = oids.algorithm_name(lst["signature_algorithm"]["algorithm"].dotted)
        return RevocationStatus("unknown", "crl", detail=f"CRL ({name}): {problem}")
    if moment < this_update or (next_update is not None and moment > next_update):
        return RevocationStatus(
            "unknown", "crl", detail=f"CRL valid {this_update:%Y-%m-%d}–{next_update:%Y-%m-%d}"
        )
    for entry in tbs["revoked_certificates"]:
        if entry["user_certificate"].native == cert.serial_number:
            reason = None
            for ext in entry["crl_entry_extensions"]:
                if ext["extn_id"].native == "crl_reason":
                    reason = ext["extn_value"].native
            return RevocationStatus(
                "revoked", "crl", entry["revocation_date"].native, reason, "listed in the CRL"
            )
    return RevocationStatus("good", "crl", detail=f"not in the CRL of {this_update:%Y-%m-%d}")


def _hash(name: str, data: bytes) -> bytes:
    if name in (oids.STREEBOG256, oids.STREEBOG512):
        return streebog.digest(name, data)
    return hashlib.new(name, data).digest()


def _cert_id_matches(cid: ocsp.CertId, cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    alg = cid["hash_algorithm"]["algorithm"].native
    try:
        name_hash = _hash(alg, issuer.subject.dump())
        key_hash = _hash(alg, issuer.public_key["public_key"].contents[1:])
    except ValueError:
        return False
    return (
        cid["serial_number"].native == cert.serial_number
        and cid["issuer_name_hash"].native == name_hash
        and cid["issuer_key_hash"].native
        in (key_hash, _hash(alg, issuer.public_key["public_key"].contents))
    )


def check_ocsp(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    ocsp_der: bytes,
    *,
    moment: datetime,
    max_age: timedelta = timedelta(days=7),
    validator: SignatureValidator = GOST_SIGNATURE_VALIDATOR,
) -> RevocationStatus:
    """The certificate's status in an OCSP response signed by its issuer or by a responder the
    issuer delegated (extendedKeyUsage OCSPSigning). The answer must be at most `max_age`
    older than `moment` (when it has no nextUpdate) and not from after it."""
    try:
        resp = ocsp.OCSPResponse.load(ocsp_der)
        if resp["response_status"].native != "successful":
            return RevocationStatus("unknown", "ocsp", detail=resp["response_status"].native)
        basic = resp["response_bytes"]["response"].parsed
        data = basic["tbs_response_data"]
    except (ValueError, TypeError, KeyError) as exc:
        return RevocationStatus("unknown", "ocsp", detail=f"unreadable OCSP response: {exc}")
    responder = issuer
    for candidate in basic["certs"] or []:
        eku = candidate.extended_key_usage_value
        if (
            candidate.issuer == issuer.subject
            and eku is not None
            and "ocsp_signing" in eku.native
            and candidate.not_valid_before <= moment <= candidate.not_valid_after
            and _verify(
                validator,
                issuer,
                candidate["signature_value"].native,
                candidate["tbs_certificate"].dump(),
                candidate["signature_algorithm"],
            )
            is None
        ):
            responder = candidate
            break
    problem = _verify(
        validator, responder, basic["signature"].native, data.dump(), basic["signature_algorithm"]
    )
    if problem:
        return RevocationStatus("unknown", "ocsp", detail=f"OCSP response: {problem}")
    for single in data["responses"]:
        if not _cert_id_matches(single["cert_id"], cert, issuer):
            continue
        this_update = single["this_update"].native
        next_update = single["next_update"].native
        if this_update > moment + timedelta(minutes=5):
            return RevocationStatus(
                "unknown", "ocsp", detail="OCSP answer is from after the moment"
            )
        limit = next_update if next_update is not None else this_update + max_age
        if moment > limit:
            return RevocationStatus(
                "unknown", "ocsp", detail=f"OCSP answer of {this_update} is stale"
            )
        status = single["cert_status"]
        if status.name == "good":
            return RevocationStatus("good", "ocsp", detail=f"OCSP good at {this_update}")
        if status.name == "revoked":
            when = status.chosen["revocation_time"].native
            reason = status.chosen["revocation_reason"].native
            if when == _NOT_ISSUED and reason == "certificate_hold":
                return RevocationStatus(
                    "unknown", "ocsp", detail="the responder does not know this certificate"
                )
            return RevocationStatus("revoked", "ocsp", when, reason, "revoked per OCSP")
        return RevocationStatus("unknown", "ocsp", detail="OCSP status unknown")
    return RevocationStatus("unknown", "ocsp", detail="no answer for this certificate")


def check_revocation(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    *,
    moment: datetime,
    crls: Iterable[bytes] = (),
    ocsps: Iterable[bytes] = (),
    validator: SignatureValidator = GOST_SIGNATURE_VALIDATOR,
) -> RevocationStatus:
    """Combine every source: revoked by any verified source wins, then good, else unknown."""
    results = [check_ocsp(cert, issuer, o, moment=moment, validator=validator) for o in ocsps]
    results += [check_crl(cert, issuer, c, moment=moment, validator=validator) for c in crls]
    for r in results:
        if r.status == "revoked":
            return r
    for r in results:
        if r.status == "good":
            return r
    details = "; ".join(f"{r.source}: {r.detail}" for r in results) or "no revocation data"
    return RevocationStatus("unknown", "none", detail=details)
