"""Years later, with ``faketime``: the real server issues two documents (B-LTA through the
background upgrader), ``qujat ltv renew`` runs 2.5 years on (the development TSA rotated,
one document renewed), and a server 3.5 years on — past the first TSA certificate's
expiry — judges the renewed document valid and the other lapsed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from forms import get_form
from tests.e2e.serverproc import DATABASE_URLS, running_server

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None, reason="Debian's faketime")

FORM = "qualification-certificate"
ROOT = Path(__file__).resolve().parents[2]


def _faked(offset: str) -> dict[str, str]:
    """Environment that makes every later process see the clock ``offset`` on."""
    lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
    return {"LD_PRELOAD": lib, "FAKETIME": offset, "FAKETIME_DONT_RESET": "1"}


def _wait_b_lta(base: str, headers: dict[str, str], doc_id: str) -> None:
    for _ in range(300):
        if httpx.get(f"{base}/v1/documents/{doc_id}", headers=headers).json()["level"] == "B-LTA":
            return
        time.sleep(0.1)
    raise AssertionError("the upgrader did not bring the document to B-LTA")


def _upload(base: str, pdf: bytes) -> dict[str, object]:
    r = httpx.post(f"{base}/v1/verify", files={"file": ("d.pdf", pdf, "application/pdf")},
                   timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_renewed_document_valid_unrenewed_lapsed_years_later(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = []
    with running_server(data) as (base, key):
        headers = {"Authorization": f"Bearer {key}"}
        body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
        for _ in range(2):
            r = httpx.post(f"{base}/v1/documents", json=body, headers=headers, timeout=60)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        for doc_id in ids:
            _wait_b_lta(base, headers, doc_id)
    renewed, unrenewed = sorted(ids)

    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(_faked("+912d"))  # 2.5 years on: the TSA certificate has half a year left
    if data in DATABASE_URLS:  # the servers' registry is on PostgreSQL
        env["QUJAT_DATABASE_URL"] = DATABASE_URLS[data]
    out = subprocess.run(
        [sys.executable, "-m", "api.cli", "ltv", "renew", "--limit", "1", "--margin-days",
         "365", "--quiet", "--data-dir", str(data)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "seen 1 renewed 1" in out.stdout

    (data / "dev-api-key").unlink()  # the server prints a new key on start: ours to use
    with running_server(data, _faked("+1277d")) as (base, key):  # 3.5 years on
        headers = {"Authorization": f"Bearer {key}"}
        results = {}
        for doc_id in (renewed, unrenewed):
            pdf = httpx.get(f"{base}/v1/documents/{doc_id}/pdf", headers=headers).content
            report = _upload(base, pdf)
            assert int(str(report["validated_at"])[:4]) >= int(time.strftime("%Y")) + 3
            results[doc_id] = report["ltv_status"]
        public = httpx.get(f"{base}/v1/verify/{renewed}").json()
        assert public["ltv"]["renewed_at"] is not None
    assert results == {renewed: "valid", unrenewed: "lapsed"}
