"""Certificates and keys the server's threads share are parsed whole before they are shared
(:mod:`signing.settle`): asn1crypto's lazy parse is not thread-safe."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from asn1crypto import pem, x509
from pyhanko_certvalidator import ValidationContext

from signing import DevPki, IssuerKey
from signing.devtsa import DevTimeStamper, ensure_dev_tsa
from signing.nca_keys import load_nca_pkcs12
from signing.pki_profiles import load_profile
from signing.settle import settled, unsettled_parts
from tests.signing.gost.conftest import GOST_PASSWORD, PACK
from verify import load_trust_roots

THREADS = 6


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads switch every microsecond, so that a race shows within a few hundred rounds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _fresh(pki: DevPki) -> x509.Certificate:
    return x509.Certificate.load(pem.unarmor(pki.ca_cert_path.read_bytes())[2])


def _failures(make: Callable[[], x509.Certificate], rounds: int) -> list[str]:
    """What ``THREADS`` threads building a validation context over one shared anchor at
    once raised, over ``rounds`` rounds (each with a new anchor from ``make``)."""
    failures: list[str] = []
    for _ in range(rounds):
        anchor = make()
        start = threading.Barrier(THREADS)

        def build(anchor: x509.Certificate = anchor, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                ValidationContext(trust_roots=[anchor])
            except Exception as exc:  # any failure is the finding
                failures.append(type(exc).__name__)

        threads = [threading.Thread(target=build) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return failures


def test_a_shared_anchor_parsed_lazily_breaks_concurrent_checks(
    pki: DevPki, fast_switching: None
) -> None:
    # the failure this module prevents (IndexError / KeyError inside asn1crypto, a 500 in
    # the SIGKILL countersigning test): the harness below can see it
    assert _failures(lambda: _fresh(pki), rounds=300)


def test_a_settled_anchor_is_checked_by_many_threads_at_once(
    pki: DevPki, fast_switching: None
) -> None:
    assert _failures(lambda: settled(_fresh(pki)), rounds=300) == []


def test_settling_leaves_nothing_to_parse(pki: DevPki) -> None:
    for path in (pki.ca_cert_path, PACK / "ca/nca_gost2022_test.cer",
                 PACK / "certs/individual_valid_sign_2004_rsa.cer"):  # fmt: skip
        data = path.read_bytes()
        cert = x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data)
        assert unsettled_parts(cert), "a certificate just loaded is parsed lazily"
        settled(cert)
        assert unsettled_parts(cert) == []
        der = cert.dump()
        _ = (
            cert.public_key.dump(),
            cert.subject.hashable,
            cert.key_usage_value,
        )  # readers read these
        assert unsettled_parts(cert) == [] and cert.dump() == der


def test_what_the_server_shares_is_settled(pki: DevPki, issuer: IssuerKey) -> None:
    shared: dict[str, x509.Certificate] = {}
    for i, root in enumerate(load_trust_roots([pki.ca_cert_path])):
        shared[f"root {i}"] = root
    for i, root in enumerate(load_profile("nca-test").trust_roots):
        shared[f"profile root {i}"] = root
    keys: dict[str, IssuerKey] = {
        "issuer": issuer,
        "GOST member": load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD),
    }
    for name, key in keys.items():
        shared[name] = key.certificate
        shared.update({f"{name} chain {i}": c for i, c in enumerate(key.chain)})
        mechanism = getattr(key.signer, "signature_mechanism", None)
        if mechanism is not None:
            assert unsettled_parts(mechanism) == [], name
    stamper = DevTimeStamper.load(pki, ensure_dev_tsa(pki))
    shared["TSA"] = stamper.tsa_cert
    assert {name: unsettled_parts(c) for name, c in shared.items() if unsettled_parts(c)} == {}
