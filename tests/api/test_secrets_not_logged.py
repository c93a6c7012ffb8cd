"""No API key secret, passphrase or private key ever reaches a log line, a response or the
registry: a whole issue / read / verify / revoke / keys cycle runs with logging at DEBUG,
and every log record, response and stored byte is searched for the secrets."""

from __future__ import annotations

import base64
import copy
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from fastapi.testclient import TestClient

from api.cli import main as qujat
from api.services import Services
from forms import get_form
from tests.support.databases import sqlite_bytes

FORM = "qualification-certificate"


def private_key_forms(services: Services) -> list[bytes]:
    """The issuer's private key as it could leak: PEM body, DER, raw scalar (hex, bytes)."""
    keys_dir = services.settings.keys_dir
    passphrase = (keys_dir / "issuer.pass").read_bytes().strip()
    key, _, _ = pkcs12.load_key_and_certificates((keys_dir / "issuer.p12").read_bytes(), passphrase)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    return [
        passphrase,
        der,
        base64.b64encode(der)[:48],  # a PEM line's worth
        scalar,
        scalar.hex().encode(),
        str(key.private_numbers().private_value).encode(),
    ]


class Recorder:
    """Every response body and header the client sees."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        self.seen.append(response.content)
        self.seen.append(repr(dict(response.headers)).encode())


@pytest.fixture
def recorded(client: TestClient) -> Iterator[Recorder]:
    recorder = Recorder()
    hooks = client.event_hooks["response"]
    hooks.append(recorder)
    try:
        yield recorder
    finally:
        hooks.remove(recorder)


def test_no_secret_in_logs_responses_or_registry(
    client: TestClient,
    services: Services,
    recorded: Recorder,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    org = "Secrets test organisation"
    _, secret = services.registry.create_api_key(org, {"issue", "revoke", "sign", "admin"})
    headers = {"Authorization": f"Bearer {secret}"}
    near_miss = secret[:-4] + "XXXX"  # a wrong key is still someone's guess at a secret

    body = {"form": FORM, "lang": "kk", "data": copy.deepcopy(dict(get_form(FORM).example))}
    doc = client.post("/v1/documents", json=body, headers=headers).json()
    assert doc["status"] == "issued"
    client.get(f"/v1/documents/{doc['id']}", headers=headers)
    pdf = client.get(doc["links"]["pdf"], headers=headers).content
    client.get(doc["links"]["docx"], headers=headers)
    client.post("/v1/verify", files={"file": ("doc.pdf", pdf, "application/pdf")})
    client.get(f"/v1/verify/{doc['id']}")
    client.get(f"/v/{doc['id']}")
    client.post("/v1/documents", json=body, headers={"Authorization": f"Bearer {near_miss}"})
    client.post("/v1/documents", json={"form": FORM, "data": {"x": secret}}, headers=headers)
    client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "test"}, headers=headers)
    client.get("/v1/status-list")
    client.get("/healthz")

    # the key commands, in this process, on a registry of their own
    data_dir = str(tmp_path / "cli")
    assert qujat(["keys", "create", "--org", org, "--scopes", "issue", "--data-dir", data_dir]) == 0
    created = capsys.readouterr().out.strip().splitlines()
    cli_secret, key_id = created[-1], created[0].split()[2]
    assert qujat(["keys", "rotate", key_id, "--data-dir", data_dir]) == 0
    rotated = capsys.readouterr().out.strip().splitlines()
    rotated_secret = rotated[-1]
    assert qujat(["keys", "list", "--data-dir", data_dir]) == 0
    listing = capsys.readouterr().out
    assert qujat(["keys", "revoke", rotated[0].split()[2], "--data-dir", data_dir]) == 0
    capsys.readouterr()

    secrets_ = [secret.encode(), near_miss.encode(), cli_secret.encode(), rotated_secret.encode()]
    secrets_ += private_key_forms(services)
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records
    ).encode()
    assert caplog.records, "the cycle logged nothing: the capture is not working"
    for value in secrets_:
        assert value not in logged
        assert not any(value in seen for seen in recorded.seen)
        assert value not in listing.encode()
    assert len(recorded.seen) == 2 * 12  # every request above was recorded

    # stored hashed: the registry's database and files hold no secret and no private key
    stored: list[tuple[str, bytes]] = []
    databases = [Path(data_dir) / "qujat.db"]
    if services.settings.db_url.startswith("sqlite:///"):
        databases.append(Path(services.settings.db_url.removeprefix("sqlite:///")))
    # through SQLite (WAL included): reading the file directly would drop the registry's locks
    stored += [(str(p), sqlite_bytes(p)) for p in databases if p.is_file()]
    files = services.registry.files
    stored += [(digest, files.get(digest)) for digest in files.digests()]
    assert stored
    for where, content in stored:
        for value in secrets_:
            assert value not in content, where
