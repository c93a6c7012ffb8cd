"""Countersignatures across processes: seven members sign at once against ``qujat serve
--workers 2``, then the chair and the secretary; every signature lands exactly once.

On PostgreSQL when ``QUJAT_TEST_DATABASE_URL`` is set; otherwise on SQLite, whose file lock
serialises the two processes' writers just as PostgreSQL's row locks do.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from api.services import build_services
from signing import ensure_dev_pki
from tests.e2e.serverproc import free_port
from tests.e2e.workers import children, kill_group, serve, setup
from tests.pdftools import pdfsig
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from verify import load_trust_roots, validate_pdf


def _nss_db(folder: Path, ca: Path) -> str:
    """An NSS database trusting the server's development CA, for pdfsig."""
    db = folder / "nss"
    db.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{db}"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "ca", "-t", "CT,C,C", "-i", str(ca)],
        check=True,
    )
    return f"sql:{db}"


def test_a_commission_signs_at_once_across_two_workers(tmp_path: Path) -> None:
    settings, env, _ = setup(tmp_path)
    services = build_services(settings)
    try:
        _, secret = services.registry.create_api_key("Commission", {"issue", "sign", "admin"})
    finally:
        services.registry.close()
    pki = ensure_dev_pki(settings.keys_dir)
    names = [*PRESENT_MEMBERS, CHAIR, SECRETARY]
    people = {n: make_member(pki, tmp_path, n, server_held=True) for n in names}
    port = free_port()
    proc = serve(settings, env, port, 2, tmp_path / "serve.log")
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {secret}"}
    try:
        assert len(children(proc.pid)) >= 2  # uvicorn's worker processes
        ids = {}
        for name, m in people.items():
            body = {"certificate": m.certificate_pem}
            r = httpx.post(f"{base}/v1/signers", json=body, headers=headers, timeout=60)
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]
            hold_key(settings, ids[name], f"pkcs12:{m.p12}")
        signers = {"chair": ids[CHAIR], "members": [ids[m] for m in PRESENT_MEMBERS],
                   "secretary": ids[SECRETARY]}  # fmt: skip
        doc = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
               "signers": signers}  # fmt: skip
        r = httpx.post(f"{base}/v1/documents", json=doc, headers=headers, timeout=60)
        assert r.status_code == 201, r.text
        doc_id = r.json()["id"]

        def sign(name: str) -> httpx.Response:
            with httpx.Client(timeout=120) as client:  # a connection each: both workers answer
                return client.post(
                    f"{base}/v1/documents/{doc_id}/signatures",
                    json={"signer_id": ids[name]},
                    headers=headers,
                )

        with ThreadPoolExecutor(len(PRESENT_MEMBERS)) as pool:
            answers = list(pool.map(sign, PRESENT_MEMBERS))
        assert [a.status_code for a in answers] == [200] * 7, [a.text for a in answers]
        for name in (CHAIR, SECRETARY):
            r = sign(name)
            assert r.status_code == 200, r.text
        again = sign(PRESENT_MEMBERS[0])
        assert again.status_code == 409, again.text  # issued: no more signatures

        done: dict[str, Any] = httpx.get(f"{base}/v1/documents/{doc_id}", headers=headers).json()
        assert done["status"] == "issued"
        required = done["required_signers"]
        assert [r["signer_id"] for r in required] == [ids[n] for n in names]
        assert all(r["signed"] for r in required)
        pdf = httpx.get(f"{base}/v1/documents/{doc_id}/pdf", headers=headers).content
    finally:
        kill_group(proc)
    ca = settings.keys_dir / "ca.pem"
    report = validate_pdf(pdf, load_trust_roots([ca]))
    assert report.ok and not report.modified_after_signing and not report.empty_fields
    assert all(s.bottom_line for s in report.signatures)  # document timestamps (B-LTA) too
    signatures = [s for s in report.signatures if not s.timestamp]
    assert len(signatures) == 10  # the issuer and nine countersigners, once each
    signed_by = sorted(str(s.signer_name) for s in signatures[1:])
    assert signed_by == sorted(names)
    out = pdfsig(pdf, _nss_db(tmp_path, ca))
    assert out.count("Signature is Valid.") == 10, out
    assert "Signature is Invalid" not in out
