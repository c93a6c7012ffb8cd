"""The real server, started the way the README starts it, on a fresh data directory."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forms import get_form
from tests.e2e.serverproc import running_server
from tests.pdftools import pdfsig
from tests.support.databases import SERVER_URL


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    data_dir = tmp_path_factory.mktemp("server-data")
    with running_server(data_dir) as (base, key):
        yield base, data_dir, key


def test_first_start_generates_keys_with_private_permissions(server) -> None:  # type: ignore[no-untyped-def]
    _base, data_dir, key = server
    for secret in ("keys/ca.key.pem", "keys/issuer.p12", "keys/issuer.pass", "dev-api-key"):
        mode = stat.S_IMODE((data_dir / secret).stat().st_mode)
        assert mode == 0o600, f"{secret} has mode {oct(mode)}"
    assert (data_dir / "dev-api-key").read_text().strip() == key
    assert SERVER_URL or (data_dir / "qujat.db").exists()


def test_issue_download_and_verify_over_http(server) -> None:  # type: ignore[no-untyped-def]
    base, _data_dir, key = server
    headers = {"Authorization": f"Bearer {key}"}
    body = {"form": "qualification-certificate", "lang": "kk",
            "data": get_form("qualification-certificate").example}  # fmt: skip
    doc = httpx.post(f"{base}/v1/documents", json=body, headers=headers, timeout=30).json()
    assert doc["verify_url"] == f"{base}/v/{doc['id']}"
    pdf = httpx.get(f"{base}{doc['links']['pdf']}", headers=headers, timeout=30).content
    assert "Signature is Valid." in pdfsig(pdf)
    assert httpx.get(f"{base}/v1/verify/{doc['id']}", timeout=30).json()["status"] == "valid"
    page = httpx.get(doc["verify_url"], headers={"Accept-Language": "ru-RU,ru;q=0.9"}, timeout=30)
    assert page.status_code == 200 and "Документ действителен" in page.text
    report = httpx.post(f"{base}/v1/verify", files={"file": ("c.pdf", pdf)}, timeout=60).json()
    assert report["verdict"] == "genuine"
