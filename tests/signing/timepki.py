"""A test NCA on a fixed calendar, for travelling in time: short-lived issuer certificates
(an old key revoked as superseded when the issuer moves to a new one), two TSAs one after
the other, and CRLs and timestamps made at any moment by Certomancer (nothing served)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl, tsp, x509
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel, ServiceLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing import IssuerKey


def at(text: str) -> datetime:
    """A moment on the calendar, e.g. ``at("2026-03-01")``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


ROOT_FROM, ROOT_TO = "2026-01-01", "2040-01-01"
OLD_FROM, OLD_TO, OLD_REVOKED = "2026-01-01", "2026-07-01", "2026-05-01"
NEW_FROM, NEW_TO = "2026-05-01", "2027-05-01"
TSA1_FROM, TSA1_TO = "2026-01-01", "2027-01-01"
TSA2_FROM, TSA2_TO = "2026-10-01", "2030-06-01"

_CONFIG = """
external-url-prefix: "http://127.0.0.1:9"
keysets:
  k:
    keys: {{{keys}}}
pki-architectures:
  time:
    keyset: k
    entity-defaults: {{country-name: KZ, organization-name: Qujat time-travel PKI}}
    entities:
      root: {{common-name: Time NCA}}
      old: {{common-name: Issuer old key}}
      new: {{common-name: Issuer new key}}
      tsa1: {{common-name: Time TSA 1}}
      tsa2: {{common-name: Time TSA 2}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "{root_from}T00:00:00+0000", valid-to: "{root_to}T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage,
                          params: [digital_signature, key_cert_sign, crl_sign]}}
      old:
        issuer: root
        validity: {{valid-from: "{old_from}T00:00:00+0000", valid-to: "{old_to}T00:00:00+0000"}}
        revocation: {{revoked-since: "{old_revoked}T00:00:00+0000", reason: superseded}}
        extensions: &leaf
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      new:
        issuer: root
        validity: {{valid-from: "{new_from}T00:00:00+0000", valid-to: "{new_to}T00:00:00+0000"}}
        extensions: *leaf
      tsa1:
        issuer: root
        validity: {{valid-from: "{tsa1_from}T00:00:00+0000", valid-to: "{tsa1_to}T00:00:00+0000"}}
        extensions: &tsa
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      tsa2:
        issuer: root
        validity: {{valid-from: "{tsa2_from}T00:00:00+0000", valid-to: "{tsa2_to}T00:00:00+0000"}}
        extensions: *tsa
    services:
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P7D"}}
      time-stamping:
        tsa1: {{signing-key: tsa1, signing-cert: tsa1}}
        tsa2: {{signing-key: tsa2, signing-cert: tsa2}}
"""


@dataclass(frozen=True)
class TimePki:
    """The calendar PKI."""

    arch: Any

    @property
    def root(self) -> x509.Certificate:
        return self.arch.get_cert(CertLabel("root"))

    def issuer(self, label: str) -> IssuerKey:
        """The issuer's key ``old`` or ``new`` as Qujat loads keys."""
        cert = self.arch.get_cert(CertLabel(label))
        key = self.arch.key_set.get_private_key(KeyLabel(label))
        store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        store.register(self.root)
        signer = SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=store)
        return IssuerKey(signer, cert, (self.root,), f"Issuer {label} key")

    def timestamper(self, label: str, moment: datetime) -> TimeStamper:
        """TSA ``tsa1`` or ``tsa2`` answering as at ``moment``."""
        return _Certomancer(
            self.arch.service_registry.summon_timestamper(ServiceLabel(label), at_time=moment)
        )

    def crl(self, moment: datetime) -> crl.CertificateList:
        """The root's CRL as published at ``moment`` (lists the old key from its revocation)."""
        return self.arch.service_registry.get_crl(ServiceLabel("root"), at_time=moment)

    def context(self, moment: datetime) -> ValidationContext:
        """What the issuer's server gathers validation data with at ``moment``."""
        return ValidationContext(
            trust_roots=[self.root],
            crls=[self.crl(moment)],
            moment=moment,
            allow_fetching=False,
            revocation_mode="hard-fail",
        )


class _Certomancer(TimeStamper):
    """pyHanko's TimeStamper over Certomancer's in-process responder."""

    def __init__(self, responder: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._responder = responder

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return self._responder.request_tsa_response(req)


def time_pki(folder: Path) -> TimePki:
    """Build the calendar PKI in ``folder`` (EC keys; the TSAs too)."""
    labels = ["root", "old", "new", "tsa1", "tsa2"]
    for label in labels:
        key = ec.generate_private_key(ec.SECP256R1())
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
        )  # fmt: skip
    text = _CONFIG.format(
        keys=", ".join(f"{lb}: {{path: {lb}.key.pem}}" for lb in labels),
        root_from=ROOT_FROM, root_to=ROOT_TO, old_from=OLD_FROM, old_to=OLD_TO,
        old_revoked=OLD_REVOKED, new_from=NEW_FROM, new_to=NEW_TO,
        tsa1_from=TSA1_FROM, tsa1_to=TSA1_TO, tsa2_from=TSA2_FROM, tsa2_to=TSA2_TO,
    )  # fmt: skip
    (folder / "certomancer.yml").write_text(text)
    config = CertomancerConfig.from_file(str(folder / "certomancer.yml"))
    return TimePki(config.get_pki_arch(ArchLabel("time")))
