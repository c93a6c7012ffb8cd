"""PKI profiles shipped with Qujat: ``nca-test`` is the NCA RK's public test pack (CA
certificates, CRLs, OCSP answers; no private keys), for ``QUJAT_PKI_PROFILE=nca-test``.

A production deployment must refuse this profile (the integration checks
:attr:`PkiProfileData.for_production`); its trust anchors are the pack's CAs, and its
identifier rules admit the pack's fake IINs/BIN only in certificates those CAs issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from asn1crypto import pem, x509

from signing.nca_profile import NcaPkiProfile
from signing.settle import settled

#: The pack's subjects: «ТЕСТОВ ТЕСТ» IIN123456789011 / 123456789012, BIN123456789021.
NCA_TEST_FAKE_IDS = frozenset({"123456789011", "123456789012", "123456789021"})


@dataclass(frozen=True)
class PkiProfileData:
    """Trust anchors and offline revocation data of one profile."""

    name: str
    trust_roots: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...]
    ocsps: tuple[bytes, ...]
    rules: NcaPkiProfile
    for_production: bool


def _certificate(data: bytes) -> x509.Certificate:
    if pem.detect(data):
        data = pem.unarmor(data)[2]
    return settled(x509.Certificate.load(data))  # shared by every check: settled


def load_profile(name: str) -> PkiProfileData:
    """The named profile; ValueError for an unknown name."""
    if name != "nca-test":
        raise ValueError(f"unknown PKI profile {name!r}")
    import signing.gost  # noqa: F401  (GOST OIDs, so the CA certificates parse)

    base = resources.files(__name__).joinpath("nca_test")
    roots = tuple(
        _certificate(f.read_bytes())
        for f in sorted(base.joinpath("ca").iterdir(), key=lambda p: p.name)
    )
    crls = tuple(
        f.read_bytes() for f in sorted(base.joinpath("crl").iterdir(), key=lambda p: p.name)
    )
    ocsps = tuple(
        f.read_bytes() for f in sorted(base.joinpath("ocsp").iterdir(), key=lambda p: p.name)
    )
    rules = NcaPkiProfile("nca-test", NCA_TEST_FAKE_IDS, tuple(c.subject for c in roots))
    return PkiProfileData("nca-test", roots, crls, ocsps, rules, for_production=False)
