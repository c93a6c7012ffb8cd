"""The qujat command line, run as a person would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import Services
from forms import get_form
from tests.support.fixtures import Org

QUJAT = [sys.executable, "-m", "api.cli"]


def run(
    *args: str, data_dir: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if database_url:  # the registry the test server writes to
        env["QUJAT_DATABASE_URL"] = database_url
    return subprocess.run(
        [*QUJAT, *args, "--data-dir", str(data_dir)], capture_output=True, text=True,
        timeout=120, env=env,
    )  # fmt: skip


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
    assert unsigned.returncode == 1 and "NOT-ISSUED-BY-US" in unsigned.stdout

    bad = tmp_path / "bad.json"
    bad.write_text('{"holder": {}}', encoding="utf-8")
    refused = run("render", "course-certificate", str(bad), "-o", str(out), data_dir=tmp_path)
    assert refused.returncode == 2 and "data.holder.full_name" in refused.stderr


def test_verify_signed_tampered_and_appended(
    tmp_path: Path,
    client: TestClient,
    org: Org,
    data_dir: Path,
    services: Services,
) -> None:
    db = services.settings.db_url
    body = {"form": "qualification-certificate", "lang": "kk",
            "data": get_form("qualification-certificate").example}  # fmt: skip
    doc = client.post("/v1/documents", json=body, headers=org.headers).json()
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    ok = run("verify", str(good), data_dir=data_dir, database_url=db)
    assert ok.returncode == 0 and "GENUINE" in ok.stdout, ok.stdout + ok.stderr
    # offline with no registry at all, a true copy is the most the file can show: unknown
    alone = run("verify", str(good), "--no-registry", data_dir=data_dir, database_url=db)
    assert alone.returncode == 1 and "UNKNOWN" in alone.stdout

    tampered = bytearray(pdf)
    tampered[len(pdf) // 4] ^= 0x20
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(tampered))
    assert run("verify", str(bad), data_dir=data_dir, database_url=db).returncode != 0

    appended = tmp_path / "appended.pdf"
    appended.write_bytes(pdf + b"\n1 0 obj\n<< /Title (forged) >>\nendobj\n%%EOF\n")
    done = run("verify", str(appended), data_dir=data_dir, database_url=db)
    assert done.returncode != 0 and done.stdout.split()[-1] in ("MODIFIED", "UNREADABLE")

    client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "annulled"},
                headers=org.headers)  # fmt: skip
    revoked = run("verify", str(good), data_dir=data_dir, database_url=db)
    assert revoked.returncode == 1 and "REVOKED" in revoked.stdout and "annulled" in revoked.stdout


def test_verify_answers_a_hostile_file_with_a_message(tmp_path: Path, data_dir: Path) -> None:
    # the attack: files that made the old in-process check print a traceback
    cases = {
        "empty.pdf": b"",
        "header.pdf": b"%PDF-1.7\n",
        "xref.pdf": b"%PDF-1.7\nxref\n0 99999999\ntrailer<</Size 99999999>>\nstartxref\n9\n%%EOF",
        "binary.pdf": bytes(range(256)) * 64,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        done = run("verify", str(path), data_dir=data_dir)
        assert done.returncode != 0, name
        assert "Traceback" not in done.stderr + done.stdout, (name, done.stderr)
        assert "UNREADABLE" in done.stdout or done.stderr.startswith("qujat: "), name
    missing = run("verify", str(tmp_path / "absent.pdf"), data_dir=data_dir)
    assert missing.returncode == 2 and missing.stderr.startswith("qujat: ")
    bad = run("verify", str(tmp_path / "empty.pdf"), "--registry", "file:///etc/passwd",
              data_dir=data_dir)  # fmt: skip
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
