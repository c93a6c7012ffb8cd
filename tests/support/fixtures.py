"""Fixtures shared by the whole suite: a real app over a real SQLite registry in a temp dir."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.services import Services, build_services
from tests.support.databases import fresh_database_url

_orgs = itertools.count(1)

SOFTHSM_MODULES = tuple(
    Path(p)
    for p in (
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    )
)
"""Where Debian's softhsm2 puts its PKCS#11 library."""


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qujat-data")


@pytest.fixture(scope="session")
def services(data_dir: Path) -> Iterator[Services]:
    settings = Settings(
        data_dir=data_dir,
        database_url=fresh_database_url(data_dir),
        public_base_url="http://testserver",
        # the whole suite shares one client address; the rate limits have their own tests
        lookup_burst=100_000,
        upload_burst=100_000,
        sign_burst=100_000,
        # files stay at B-T: no upgrader thread racing the tests' download-then-upload
        # (tests/api/test_ltv.py runs the upgrader and the inline mode on their own apps)
        ltv_upgrader="worker",
        # the member keys tests/signing/test_pkcs11_members.py puts on SoftHSM2
        signer_pkcs11_modules=[p for p in SOFTHSM_MODULES if p.is_file()],
    )
    services = build_services(settings)
    yield services
    services.registry.close()


@pytest.fixture(scope="session")
def app(services: Services) -> FastAPI:
    return create_app(services=services)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


class Org:
    """A client organisation with an API key, as the tests use it."""

    def __init__(self, services: Services, scopes: set[str]) -> None:
        self.name = f"Test organisation {next(_orgs)}"
        self.key, self.secret = services.registry.create_api_key(self.name, scopes)
        self.headers = {"Authorization": f"Bearer {self.secret}"}


MakeOrg = Callable[..., Org]
"""``make_org("issue", "revoke")``: a new organisation with a key of those scopes."""


@pytest.fixture
def org(services: Services) -> Org:
    return Org(services, {"issue", "revoke"})


@pytest.fixture
def make_org(services: Services) -> MakeOrg:
    return lambda *scopes: Org(services, set(scopes))


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, services: Services) -> str:
    """An NSS database trusting the development CA, so pdfsig can judge the chain too."""
    db = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{db}"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "qujat-dev-ca", "-t", "CT,C,C",
         "-i", str(data_dir / "keys" / "ca.pem")],
        check=True,
    )  # fmt: skip
    return f"sql:{db}"
