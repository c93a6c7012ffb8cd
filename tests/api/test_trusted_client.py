"""Whose address the rate limits and the validation pool's shares count: the attacks are a
made-up ``X-Forwarded-For`` per request (a fresh bucket each time) and junk in it."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from api import Settings, create_app
from api.ratelimit import TrustedProxies, client_address, endpoint_class
from api.services import Services
from registry.files import LocalFileStore
from registry.store import make_engine


def _scope(peer: str, forwarded: list[bytes]) -> dict[str, object]:
    return {"client": (peer, 5555), "headers": [(b"x-forwarded-for", v) for v in forwarded]}


@given(st.ip_addresses().map(str), st.lists(st.binary(max_size=40), max_size=3))
def test_no_proxy_trusted_by_default_not_even_loopback(forged: str, junk: list[bytes]) -> None:
    for peer in ("127.0.0.1", "::1", "203.0.113.5"):
        scope = _scope(peer, [forged.encode(), *junk])
        assert client_address(scope, TrustedProxies.parse([])) == peer


_PROXIES = ipaddress.ip_network("10.0.0.0/8")


@given(st.ip_addresses(v=4).filter(lambda ip: ip not in _PROXIES).map(str))
def test_a_trusted_proxy_names_the_client(client_ip: str) -> None:
    proxies = TrustedProxies.parse(["10.0.0.0/8"])
    assert client_address(_scope("10.1.2.3", [client_ip.encode()]), proxies) == client_ip
    # a client's own forged entry to the left changes nothing: the right-most counts
    chain = f"198.51.100.7, {client_ip}, 10.9.9.9".encode()
    assert client_address(_scope("10.1.2.3", [chain]), proxies) == client_ip


@given(st.binary(min_size=1, max_size=60).filter(lambda b: b.strip(b" ,") != b""))
def test_a_malformed_header_counts_as_the_proxy(junk: bytes) -> None:
    proxies = TrustedProxies.parse(["127.0.0.1"])
    try:
        parsed = [ipaddress.ip_address(h.strip()) for h in junk.decode("ascii").split(",")]
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if parsed is None:
        assert client_address(_scope("127.0.0.1", [junk]), proxies) == "127.0.0.1"


def test_trusting_everyone_is_refused() -> None:
    with pytest.raises(ValueError):
        TrustedProxies.parse(["*"])
    with pytest.raises(ValueError):
        TrustedProxies.parse(["not-an-address"])


def test_forged_forwarded_headers_open_no_new_buckets(services: Services) -> None:
    settings = services.settings.model_copy(update={"lookup_burst": 3, "lookup_rate_per_minute": 1})
    app = create_app(services=dataclasses.replace(services, settings=settings))
    with TestClient(app) as client:
        codes = [
            client.get(
                "/v1/verify/aaaaaaaa", headers={"x-forwarded-for": f"198.51.100.{i}"}
            ).status_code
            for i in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]


def test_behind_a_named_proxy_each_client_has_its_bucket(services: Services) -> None:
    settings = services.settings.model_copy(
        update={
            "lookup_burst": 2,
            "lookup_rate_per_minute": 1,
            "forwarded_allow_ips": ["testclient", "127.0.0.1"],
        }
    )
    with pytest.raises(ValueError):  # a name is not an address
        create_app(services=dataclasses.replace(services, settings=settings))
    settings = settings.model_copy(update={"forwarded_allow_ips": ["192.0.2.10"]})
    app = create_app(services=dataclasses.replace(services, settings=settings))
    with TestClient(app, client=("192.0.2.10", 1234)) as client:
        a = [client.get("/v1/verify/aaaaaaaa", headers={"x-forwarded-for": "203.0.113.1"})
             for _ in range(3)]  # fmt: skip
        b = client.get("/v1/verify/aaaaaaaa", headers={"x-forwarded-for": "203.0.113.2"})
    assert [r.status_code for r in a] == [200, 200, 429] and b.status_code == 200


def test_signing_pages_are_rate_limited() -> None:
    assert endpoint_class("GET", "/sign/abc") == "sign"
    assert endpoint_class("POST", "/sign/abc/prepare") == "sign"


def test_database_and_file_store_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the permissive default the finding was made under
    try:
        make_engine(f"sqlite:///{tmp_path / 'qujat.db'}").dispose()
        store = LocalFileStore(tmp_path / "files")
        digest = store.put(b"%PDF- a document full of IINs")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "qujat.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "files").stat().st_mode) == 0o700
    folder = tmp_path / "files" / digest[:2]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / digest).stat().st_mode) == 0o600


def test_settings_name_the_proxies() -> None:
    assert Settings(forwarded_allow_ips=[]).forwarded_allow_ips == []
