"""What an NCA RK certificate says about its holder, and the rules Qujat enforces on it.

Subject fields, as the NCA writes them: ``SERIALNUMBER=IIN<12 digits>`` (the person),
``OU=BIN<12 digits>`` and ``O=<name>`` for a legal entity, ``CN`` = surname and first name,
``SURNAME``, ``GIVENNAME`` = patronymic.

Holder type and role come from the NCA's policy OIDs in extendedKeyUsage. The table below is
the one of the Rules for the use of registration certificates (order of the Minister,
adilet.zan.kz V2000021440) as the NCA's integration libraries (Kalkan wrappers, NCANode)
carry it. Confirmed by the test pack: 1.2.398.3.3.4.1.1 (the individual's keys) and
1.2.398.3.3.4.1.2 + .2.1 (the first head's keys). NOT confirmed by the pack (no such key in
it): .2.2 signing right, .2.3 financial signing right, .2.4 HR, .2.5 employee, .2.6
information system.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from asn1crypto import x509

from forms.errors import ErrorDetail
from signing.errors import NcaProfileError

INDIVIDUAL = "1.2.398.3.3.4.1.1"
LEGAL_ENTITY = "1.2.398.3.3.4.1.2"

#: EKU policy OID -> (role key, Russian name as the Rules give it)
ROLES: dict[str, tuple[str, str]] = {
    "1.2.398.3.3.4.1.2.1": ("first_head", "Первый руководитель юридического лица"),
    "1.2.398.3.3.4.1.2.2": ("signing_right", "Лицо, наделенное правом подписи"),
    "1.2.398.3.3.4.1.2.3": (
        "financial_signing_right",
        "Лицо, наделенное правом подписи финансовых документов",
    ),
    "1.2.398.3.3.4.1.2.4": ("hr", "Сотрудник отдела кадров"),
    "1.2.398.3.3.4.1.2.5": ("employee", "Сотрудник организации"),
    "1.2.398.3.3.4.1.2.6": ("information_system", "Информационная система юридического лица"),
}
#: Roles that may sign for the organisation (issue its documents).
SIGNING_ROLES = frozenset({"first_head", "signing_right"})

_IIN = re.compile(r"^IIN(\d{12})$")
_BIN = re.compile(r"^BIN(\d{12})$")


def _refuse(rule: str, message: str) -> NcaProfileError:
    return NcaProfileError(message, [ErrorDetail("certificate", rule, message)])


def id_checksum_ok(number: str) -> bool:
    """The IIN/BIN check digit (weights 1..11, then 3..11,1,2 when the first gives 10)."""
    if not re.fullmatch(r"\d{12}", number):
        return False
    digits = [int(c) for c in number]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        check = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if check != 10:
            return check == digits[11]
    return False


@dataclass(frozen=True)
class NcaPkiProfile:
    """Which identifiers count as valid. Production: checksum only. A test profile may list
    fake identifiers, each admitted ONLY in certificates issued by one of its test CAs (by
    issuer name), so a production CA's certificate with a bad checksum is still refused."""

    name: str
    fake_ids: frozenset[str] = frozenset()
    test_issuers: tuple[x509.Name, ...] = field(default=())

    def id_acceptable(self, number: str, cert: x509.Certificate) -> bool:
        """True if `number` passes the checksum or is an admitted test identifier."""
        if id_checksum_ok(number):
            return True
        return number in self.fake_ids and any(cert.issuer == n for n in self.test_issuers)


PRODUCTION = NcaPkiProfile("production")


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate says, for registration and for the verification page."""

    person: str
    iin: str
    holder: Literal["individual", "legal_entity", "unknown"]
    roles: tuple[str, ...]
    organisation: str | None
    bin: str | None
    issuer: str
    valid_from: datetime
    valid_to: datetime
    serial_hex: str

    @property
    def iin_masked(self) -> str:
        """The IIN with its middle hidden (for public pages)."""
        return self.iin[:4] + "****" + self.iin[-2:]

    @property
    def can_sign_for_organisation(self) -> bool:
        """A legal-entity key with the right to sign (first head or signing right)."""
        return self.holder == "legal_entity" and bool(SIGNING_ROLES & set(self.roles))


def _attr(name: x509.Name, key: str) -> str | None:
    value = name.native.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def certificate_facts(
    cert: x509.Certificate, profile: NcaPkiProfile = PRODUCTION
) -> CertificateFacts:
    """Read an NCA certificate; :class:`NcaProfileError` if it has no valid IIN (or a bad BIN)."""
    subject = cert.subject
    serial = _attr(subject, "serial_number") or ""
    m = _IIN.match(serial)
    if not m:
        raise _refuse("nca_iin_missing", "The certificate has no SERIALNUMBER=IIN…")
    iin = m.group(1)
    if not profile.id_acceptable(iin, cert):
        raise _refuse("nca_iin_invalid", "The IIN in the certificate fails its checksum")
    eku = cert.extended_key_usage_value
    policies = set(eku.native) if eku is not None else set()
    holder: Literal["individual", "legal_entity", "unknown"] = "unknown"
    if LEGAL_ENTITY in policies:
        holder = "legal_entity"
    elif INDIVIDUAL in policies:
        holder = "individual"
    roles = tuple(ROLES[o][0] for o in sorted(policies) if o in ROLES)
    bin_value = None
    ou = _attr(subject, "organizational_unit_name")
    if ou and (b := _BIN.match(ou)):
        bin_value = b.group(1)
        if not profile.id_acceptable(bin_value, cert):
            raise _refuse("nca_bin_invalid", "The BIN in the certificate fails its checksum")
    if holder == "legal_entity" and bin_value is None:
        raise _refuse("nca_bin_missing", "A legal entity's certificate without OU=BIN…")
    return CertificateFacts(
        person=_attr(subject, "common_name") or "",
        iin=iin,
        holder=holder,
        roles=roles,
        organisation=_attr(subject, "organization_name") if holder == "legal_entity" else None,
        bin=bin_value,
        issuer=_attr(cert.issuer, "common_name") or cert.issuer.human_friendly,
        valid_from=cert.not_valid_before,
        valid_to=cert.not_valid_after,
        serial_hex=format(cert.serial_number, "x"),
    )


def require_signing_key(cert: x509.Certificate) -> None:
    """A signing key: keyUsage digitalSignature + nonRepudiation. An NCA authentication key
    (digitalSignature + keyEncipherment, EKU clientAuth) is refused."""
    ku = cert.key_usage_value
    usages: Collection[str] = set(ku.native) if ku is not None else set()
    if not {"digital_signature", "non_repudiation"} <= set(usages):
        raise _refuse(
            "nca_not_signing_key",
            "This is not a signing key (an authentication key?): keyUsage lacks "
            "digitalSignature + nonRepudiation",
        )


def require_organisation_signer(facts: CertificateFacts, bin_expected: str) -> None:
    """The organisation's issuer key: a legal entity's key with the right to sign, whose BIN
    is the organisation's."""
    if not facts.can_sign_for_organisation:
        raise _refuse("nca_no_signing_right", "The key has no right to sign for an organisation")
    if facts.bin != bin_expected:
        raise _refuse("nca_bin_mismatch", "The key belongs to another organisation (BIN)")
