"""The QR's offline token, the published keys and the revocation status list, over HTTP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli import main as qujat
from api.services import Services
from tests.pdftools import qr_payloads
from tests.support.documents import issue, pdf_of
from tests.support.fixtures import Org
from verify.offline import parse_key_set, read_status_list, verify_token


def keys(client: TestClient) -> dict:  # type: ignore[type-arg]
    return parse_key_set(client.get("/.well-known/qujat/keys").content)


def status_bits(client: TestClient) -> bytes:
    return read_status_list(client.get("/v1/status-list").text, keys(client)).bits


def test_keys_endpoint(client: TestClient, services: Services) -> None:
    r = client.get("/.well-known/qujat/keys")
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    [jwk] = r.json()["keys"]
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and jwk["alg"] == "ES256"
    assert jwk["kid"] == services.token_key.kid and "d" not in jwk


def test_status_list_is_signed_cacheable_and_big_enough(client: TestClient) -> None:
    r = client.get("/v1/status-list")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vc+jwt")
    assert "max-age=" in r.headers["cache-control"] and r.headers["etag"]
    credential = read_status_list(r.text, keys(client))
    assert len(credential.bits) * 8 >= 131_072
    again = client.get("/v1/status-list", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_revoking_flips_exactly_one_bit(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "course-certificate")
    before = status_bits(client)
    r = client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "issued in error"},
                    headers=org.headers)  # fmt: skip
    assert r.status_code == 200
    after = status_bits(client)
    flipped = [i for i in range(len(after) * 8)
               if (after[i // 8] >> (7 - i % 8)) & 1 != (before[i // 8] >> (7 - i % 8)) & 1
               ] if len(before) == len(after) else None  # fmt: skip
    [payload] = qr_payloads(pdf_of(client, org, doc))
    token = verify_token(payload, keys(client), date(2026, 1, 1)).payload
    assert flipped == [token.status_index]


def test_qr_carries_a_signed_token_that_checks_offline(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    [payload] = qr_payloads(pdf_of(client, org, doc), dpi=150)
    url, _, token = payload.partition("#")
    assert url == doc["verify_url"] and token.startswith("QJ1:")
    today = date(2026, 1, 1)
    from verify.offline import StatusList

    verdict = verify_token(payload, keys(client), today, StatusList(status_bits(client)))
    assert verdict.ok, verdict
    p = verdict.payload
    assert p.doc_id == doc["id"] and p.form == "qualification-certificate"
    assert p.holder_name == "Сәрсенбаева Гүлнұр Жұмабайқызы" and p.category == "teacher-expert"
    assert p.valid_until == date(2029, 11, 22)
    assert "871008401427" not in payload  # never the IIN


def test_cli_verify_qr(
    client: TestClient, org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = issue(client, org, "course-certificate")
    [payload] = qr_payloads(pdf_of(client, org, doc))
    keys_file = tmp_path / "keys.json"
    keys_file.write_bytes(client.get("/.well-known/qujat/keys").content)
    list_file = tmp_path / "status.jwt"
    list_file.write_text(client.get("/v1/status-list").text)
    args = ["--keys", str(keys_file), "--status-list", str(list_file)]
    assert qujat(["verify-qr", payload, *args]) == 0
    assert "VALID" in capsys.readouterr().out
    # without a status list the revocation state is unknown: not a pass
    assert qujat(["verify-qr", payload, "--keys", str(keys_file), "--status-list", "none"]) == 1
    tampered = payload[:-6] + ("AAAAAA" if not payload.endswith("AAAAAA") else "BBBBBB")
    assert qujat(["verify-qr", tampered, *args]) in (1, 2)
    client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "x"}, headers=org.headers)
    list_file.write_text(client.get("/v1/status-list").text)
    assert qujat(["verify-qr", payload, *args]) == 1
    assert "revoked    YES" in capsys.readouterr().out


def test_cli_verify_qr_reads_an_image(
    client: TestClient, org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    doc = issue(client, org, "qualification-certificate")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(pdf_of(client, org, doc))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)  # fmt: skip
    keys_file = tmp_path / "keys.json"
    keys_file.write_bytes(client.get("/.well-known/qujat/keys").content)
    list_file = tmp_path / "status.jwt"
    list_file.write_text(client.get("/v1/status-list").text)
    code = qujat(["verify-qr", str(tmp_path / "page.png"), "--keys", str(keys_file),
                  "--status-list", str(list_file)])  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert doc["id"] in capsys.readouterr().out
