"""The real server, started the way the README starts it, on a fresh data directory."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forms import get_form
from tests.databases import SERVER_URL, fresh_database_url
from tests.pdftools import pdfsig


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    data_dir = tmp_path_factory.mktemp("server-data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    if SERVER_URL:  # the same server the rest of the suite runs on, a fresh database
        env["QUJAT_DATABASE_URL"] = fresh_database_url(data_dir)
    log = data_dir.parent / f"{data_dir.name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--data-dir", str(data_dir)],
            stdout=out, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while "serving on" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = log.read_text().splitlines()
    key = next(line.strip() for line in lines if line.startswith("qj_"))
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    try:
        yield base, data_dir, key
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
    pdf = httpx.get(f"{base}{doc['links']['pdf']}", headers=headers).content
    assert "Signature is Valid." in pdfsig(pdf)
    assert httpx.get(f"{base}/v1/verify/{doc['id']}").json()["status"] == "valid"
    page = httpx.get(doc["verify_url"], headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert page.status_code == 200 and "Документ действителен" in page.text
    report = httpx.post(f"{base}/v1/verify", files={"file": ("c.pdf", pdf)}).json()
    assert report["verdict"] == "genuine"
