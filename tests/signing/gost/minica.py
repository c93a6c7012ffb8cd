"""A throw-away GOST CA for tests: certificates on either parameter set, signed with our
GOST code, in the NCA's encodings (the pack has no 256-bit key and only one CA)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import algos, crl, x509

from signing.gost.gost3410 import GostPrivateKey


def issue(
    subject: dict[str, str],
    key: GostPrivateKey,
    issuer_key: GostPrivateKey,
    issuer: x509.Name | None,
    *,
    not_before: datetime,
    ca: bool = False,
    serial: int = 1,
    extensions: Sequence[dict[str, Any]] = (),
) -> x509.Certificate:
    """A certificate for `key`, signed by `issuer_key` (self-signed if `issuer` is None),
    with `extensions` (a CRL distribution point, an OCSP URL) beside its key usage."""
    name = x509.Name.build(subject)
    sig_alg = algos.SignedDigestAlgorithm({"algorithm": issuer_key.public_key.signature_oid})
    usage = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
        *extensions,
    ]
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": sig_alg,
            "issuer": issuer if issuer is not None else name,
            "validity": {
                "not_before": x509.Time({"utc_time": not_before}),
                "not_after": x509.Time({"utc_time": not_before + timedelta(days=365)}),
            },
            "subject": name,
            "subject_public_key_info": key.public_key.spki(),
            "extensions": extensions,
        }
    )
    signature = issuer_key.sign(tbs.dump())
    return x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": sig_alg, "signature_value": signature}
    )


def issue_crl(
    issuer: x509.Certificate, issuer_key: GostPrivateKey, *, this_update: datetime
) -> crl.CertificateList:
    """An empty CRL of `issuer`, valid a week from `this_update`, GOST-signed."""
    sig_alg = algos.SignedDigestAlgorithm({"algorithm": issuer_key.public_key.signature_oid})
    tbs = crl.TbsCertList(
        {
            "version": "v2",
            "signature": sig_alg,
            "issuer": issuer.subject,
            "this_update": x509.Time({"utc_time": this_update}),
            "next_update": x509.Time({"utc_time": this_update + timedelta(days=7)}),
        }
    )
    return crl.CertificateList(
        {
            "tbs_cert_list": tbs,
            "signature_algorithm": sig_alg,
            "signature": issuer_key.sign(tbs.dump()),
        }
    )
