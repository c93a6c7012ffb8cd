"""The qujat command line, run as a person would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import Services
from forms import get_form
from tests.support.fixtures import Org

QUJAT = [sys.executable, "-m", "api.cli"]


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*QUJAT, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120
    )


def test_keys_create_prints_the_key_last(tmp_path: Path) -> None:
    done = run("keys", "create", "--org", "Мектеп №1", "--scopes", "issue,sign", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    assert key.startswith("qj_") and len(key) > 40
    listed = run("keys", "list", data_dir=tmp_path)
    assert "Мектеп №1" in listed.stdout and key not in listed.stdout
    bad = run("keys", "create", "--org", "X", "--scopes", "everything", data_dir=tmp_path)
    assert bad.returncode == 2


def test_render_and_verify(tmp_path: Path, services: Services) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(dict(get_form("course-certificate").example)), encoding="utf-8")
    out = tmp_path / "preview.pdf"
    done = run("render", "course-certificate", str(case), "-o", str(out), "--lang", "ru",
               data_dir=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    unsigned = run("verify", str(out), data_dir=tmp_path)
    assert unsigned.returncode == 1 and "INVALID" in unsigned.stdout

    bad = tmp_path / "bad.json"
    bad.write_text('{"holder": {}}', encoding="utf-8")
    refused = run("render", "course-certificate", str(bad), "-o", str(out), data_dir=tmp_path)
    assert refused.returncode == 2 and "data.holder.full_name" in refused.stderr


def test_verify_signed_tampered_and_appended(
    tmp_path: Path,
    client: TestClient,
    org: Org,
    data_dir: Path,
) -> None:
    body = {"form": "qualification-certificate", "lang": "kk",
            "data": get_form("qualification-certificate").example}  # fmt: skip
    doc = client.post("/v1/documents", json=body, headers=org.headers).json()
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    ok = run("verify", str(good), data_dir=data_dir)
    assert ok.returncode == 0 and "VALID" in ok.stdout, ok.stdout + ok.stderr

    tampered = bytearray(pdf)
    tampered[len(pdf) // 4] ^= 0x20
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(tampered))
    assert run("verify", str(bad), data_dir=data_dir).returncode != 0

    appended = tmp_path / "appended.pdf"
    appended.write_bytes(pdf + b"\n1 0 obj\n<< /Title (forged) >>\nendobj\n%%EOF\n")
    assert run("verify", str(appended), data_dir=data_dir).returncode != 0
