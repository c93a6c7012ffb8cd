"""``qujat verify --registry URL`` against a real server: a copy of any revision Qujat issued
(here the B-T file from before the upgrader's B-LTA revision) is genuine, not only the
current file; changed bytes under the same id, and a revision of another document, are not."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from forms import get_form
from tests.e2e.serverproc import running_server

FORM = "qualification-certificate"


def _verify(path: Path, base: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "verify", str(path), "--registry", base,
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_any_issued_revision_is_genuine_through_the_registry(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the upgrader waits 3 s between passes: the first download is the B-T revision
    with running_server(data, {"QUJAT_LTV_POLL_SECONDS": "3"}) as (base, key):
        headers = {"Authorization": f"Bearer {key}"}
        body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
        docs = []
        for _ in range(2):
            r = httpx.post(f"{base}/v1/documents", json=body, headers=headers, timeout=60)
            assert r.status_code == 201, r.text
            docs.append(r.json())
        first = httpx.get(f"{base}{docs[0]['links']['pdf']}", headers=headers).content
        for _ in range(300):
            if httpx.get(f"{base}/v1/verify/{docs[0]['id']}").json()["level"] == "B-LTA":
                break
            time.sleep(0.1)
        current = httpx.get(f"{base}{docs[0]['links']['pdf']}", headers=headers).content
        assert current != first  # the upgrader made a new revision: `first` is an older copy
        old, now = tmp_path / "old.pdf", tmp_path / "now.pdf"
        old.write_bytes(first)
        now.write_bytes(current)
        for path in (old, now):
            done = _verify(path, base, data)
            assert done.returncode == 0, done.stdout + done.stderr
            assert done.stdout.split()[-1] == "GENUINE"

        changed = bytearray(first)  # the attack: same id, other bytes
        changed[len(first) // 3] ^= 0x01
        bad = tmp_path / "changed.pdf"
        bad.write_bytes(bytes(changed))
        done = _verify(bad, base, data)
        assert done.returncode == 1 and done.stdout.split()[-1] != "GENUINE", done.stdout

        import hashlib

        sha = hashlib.sha256(first).hexdigest()
        own = httpx.get(f"{base}/v1/verify/{docs[0]['id']}/revisions/{sha}")
        assert own.status_code == 200 and own.json()["revision"] == 1, own.text
        assert own.json()["document_id"] == docs[0]["id"]
        # a revision of one document is no revision of another; an unknown hash is nothing
        other = httpx.get(f"{base}/v1/verify/{docs[1]['id']}/revisions/{sha}")
        assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
        unknown = httpx.get(f"{base}/v1/verify/{docs[0]['id']}/revisions/{'0' * 64}")
        assert unknown.status_code == 404
