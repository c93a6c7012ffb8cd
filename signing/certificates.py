"""Facts a certificate states: read it from PEM or base64 DER, and its subject's name, IIN
(``SERIALNUMBER=IIN…``, the NCA's convention) and organisation."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from asn1crypto import pem, x509

from forms.errors import ErrorDetail, FormDataInvalid

__all__ = ["CertificateFacts", "facts_of", "load_certificate", "to_pem"]


def load_certificate(text: str) -> x509.Certificate:
    """A certificate from PEM (or base64 DER) text; :class:`FormDataInvalid` if unreadable."""
    data = text.encode("ascii", "ignore")
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        else:
            data = base64.b64decode(data, validate=False)
        cert = x509.Certificate.load(data)
        _ = cert.subject.native
    except (ValueError, TypeError, KeyError) as exc:
        raise FormDataInvalid(
            [
                ErrorDetail(
                    "certificate", "certificate_unreadable", f"not an X.509 certificate: {exc}"
                )
            ]
        ) from None
    return cert


def to_pem(cert: x509.Certificate) -> str:
    """The certificate as PEM text."""
    armored: bytes = pem.armor("CERTIFICATE", cert.dump())
    return armored.decode("ascii")


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate's subject says about its holder."""

    common_name: str | None
    """CN: the holder's full name."""
    iin: str | None
    """The IIN, from ``SERIALNUMBER=IIN`` followed by twelve digits."""
    organisation: str | None
    """O: the holder's organisation."""
    sha256: str
    """SHA-256 of the certificate's DER."""


def _attr(subject: dict[str, object], name: str) -> str | None:
    value = subject.get(name)
    return value if isinstance(value, str) and value.strip() else None


def facts_of(cert: x509.Certificate) -> CertificateFacts:
    """The subject facts of ``cert``."""
    subject = cert.subject.native
    serial = _attr(subject, "serial_number") or ""
    iin = serial[3:] if serial.startswith("IIN") and len(serial) == 15 else None
    return CertificateFacts(
        common_name=_attr(subject, "common_name"),
        iin=iin,
        organisation=_attr(subject, "organization_name"),
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )
