"""The allow-listed fetcher against loopback HTTP servers; a canary proves that a URL outside
the allow-list is never requested, not even through a redirect."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from asn1crypto import ocsp, x509

from signing.errors import FetchFailed, FetchRefused
from signing.gost.pkcs12 import GostKeyStore
from signing.pki_fetch import (
    FetchPolicy,
    fetch,
    fetch_crl,
    fetch_ocsp,
    ocsp_request,
)
from tests.support.loopback import LoopbackHTTP

_Server = LoopbackHTTP


@pytest.fixture
def canary() -> Iterator[_Server]:
    server = _Server({"/": (200, b"secret", {}, 0.0)})
    yield server
    server.close()


@pytest.fixture
def nca(canary: _Server, gost_crl: bytes) -> Iterator[_Server]:
    server = _Server(
        {
            "/crl/ca.crl": (200, gost_crl, {}, 0.0),
            "/crl/big.crl": (200, b"x" * 5000, {}, 0.0),
            "/crl/slow.crl": (200, b"late", {}, 1.0),
            "/crl/moved.crl": (302, b"", {"Location": canary.base + "/"}, 0.0),
            "/ocsp/": (200, b"ocsp-answer", {}, 0.0),
        }
    )
    yield server
    server.close()


def _policy(nca: _Server, **kw: float) -> FetchPolicy:
    return FetchPolicy(
        allowed_prefixes=(nca.base + "/crl/", nca.base + "/ocsp/"),
        **kw,  # type: ignore[arg-type]
    )


def test_allowed_url_is_fetched(nca: _Server, gost_crl: bytes) -> None:
    assert fetch_crl(nca.base + "/crl/ca.crl", _policy(nca)) == gost_crl


def test_url_outside_the_allow_list_is_never_requested(nca: _Server, canary: _Server) -> None:
    policy = _policy(nca)
    for url in (
        canary.base + "/",
        canary.base + "/crl/ca.crl",
        nca.base + "/other",
        nca.base + "@127.0.0.1/crl/ca.crl",
        "file:///etc/passwd",
        nca.base.replace("http", "gopher") + "/crl/ca.crl",
    ):
        with pytest.raises(FetchRefused):
            fetch(url, policy)
    assert canary.hits == [] and nca.hits == []


def test_a_redirect_is_not_followed(nca: _Server, canary: _Server) -> None:
    with pytest.raises(FetchFailed, match="302"):
        fetch(nca.base + "/crl/moved.crl", _policy(nca))
    assert canary.hits == []


def test_size_cap_and_timeout(nca: _Server) -> None:
    with pytest.raises(FetchFailed, match="too large"):
        fetch(nca.base + "/crl/big.crl", _policy(nca, max_bytes=1000))
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="in time"):
        fetch(nca.base + "/crl/slow.crl", _policy(nca, timeout=0.3))
    assert time.monotonic() - started < 1.5


def test_unreachable_is_a_503_error() -> None:
    policy = FetchPolicy(allowed_prefixes=("http://127.0.0.1:9/",), timeout=0.5)
    with pytest.raises(FetchFailed) as info:
        fetch("http://127.0.0.1:9/x", policy)
    assert info.value.http_status == 503


def test_ocsp_request_is_posted(
    nca: _Server, individual: GostKeyStore, gost_ca: x509.Certificate
) -> None:
    body = fetch_ocsp(nca.base + "/ocsp/", individual.certificate, gost_ca, _policy(nca))
    assert body == b"ocsp-answer" and nca.hits == ["/ocsp/"]


def test_ocsp_request_names_the_certificate(
    individual: GostKeyStore, gost_ca: x509.Certificate
) -> None:
    req = ocsp.OCSPRequest.load(ocsp_request(individual.certificate, gost_ca))
    cid = req["tbs_request"]["request_list"][0]["req_cert"]
    assert cid["serial_number"].native == individual.certificate.serial_number
