"""Kill the server (SIGKILL) while members countersign protocols, again and again.

After every kill the registry is checked directly: no row without its file; every
protocol's stored PDF validates and carries exactly 1 (issuer) + the signatures its
required signers are marked as having made; it is ``issued`` if and only if all of them
signed; every signed revision's file is there; every acknowledged signature is committed.
At the end the rest is signed and every protocol ends ``issued`` and valid. A protocol
completed just before a kill has its derivation (extracts, certificates) interrupted: the
restarted server finishes it, so ``POST …/derived`` then adds nothing.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from api.services import build_services
from api.settings import Settings
from registry import Registry
from registry.consistency import check, sweep
from registry.countersign import SigningRegistry
from signing import ensure_dev_pki
from tests.e2e.serverproc import free_port, start
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from tests.support.databases import SERVER_URL, fresh_database_url
from verify import validate_pdf

KILLS = 6
PROTOCOLS = 5
THREADS = 3
ORDER = [*PRESENT_MEMBERS, CHAIR, SECRETARY]  # members first, then the chair, the secretary


class Work:
    """The signatures still to make, shared by the threads that make them."""

    def __init__(self, pending: set[tuple[str, str]], rng: random.Random) -> None:
        self.pending = pending
        self.acknowledged: set[tuple[str, str]] = set()
        self.unexpected: list[str] = []
        self.lock = threading.Lock()
        self.rng = rng

    def pick(self) -> tuple[str, str] | None:
        """A signature of one of the two protocols nearest completion: the threads contend
        on the same documents, and protocols complete (and derive) while kills happen."""
        with self.lock:
            left: dict[str, int] = {}
            for doc_id, _ in self.pending:
                left[doc_id] = left.get(doc_id, 0) + 1
            near = sorted(left, key=lambda d: (left[d], d))[:2]
            return (
                self.rng.choice(sorted(p for p in self.pending if p[0] in near)) if near else None
            )

    def done(self, item: tuple[str, str], acknowledged: bool) -> None:
        with self.lock:
            self.pending.discard(item)
            if acknowledged:
                self.acknowledged.add(item)


def countersign(base: str, headers: dict[str, str], work: Work, stop: threading.Event) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        while not stop.is_set():
            item = work.pick()
            if item is None:
                return
            doc_id, signer_id = item
            try:
                r = client.post(f"/v1/documents/{doc_id}/signatures", json={"signer_id": signer_id})
            except httpx.TransportError:
                time.sleep(0.02)
                continue
            if r.status_code == 200:
                work.done(item, acknowledged=True)
            elif r.status_code == 409 and r.json()["error"]["code"] == "already_signed":
                work.done(item, acknowledged=False)  # a rival thread (or a lost reply) did it
            elif r.status_code == 409 and "is issued" in r.json()["error"]["message"]:
                work.done(item, acknowledged=False)  # its reply was lost in a kill
            elif r.status_code == 409:
                time.sleep(0.02)  # signing order, or too many at once: later
            else:
                work.unexpected.append(f"{r.status_code} {r.text[:300]}")
                time.sleep(0.02)


def check_registry(
    url: str, files: Path, protocols: list[str], roots: Any, acknowledged: set[tuple[str, str]]
) -> tuple[int, int, dict[str, int]]:
    """Assert the invariants; returns the signatures found, the protocols issued and how
    many documents each protocol has derived (extracts, certificates)."""
    registry = Registry.open(url, files)
    signing = SigningRegistry(registry.engine, registry.files)
    found = issued = 0
    derived: dict[str, int] = {}
    try:
        report = check(registry)
        assert report.ok, report.rows_without_file
        for doc_id in protocols:
            record = registry.get(doc_id)
            required = signing.required_signers(doc_id)
            signed = [r for r in required if r.signed_at is not None]
            pdf = registry.pdf(record)
            validation = validate_pdf(pdf, roots)
            assert validation.ok, (doc_id, validation)
            made = [s for s in validation.signatures if not s.timestamp]  # not the B-LTA ones
            fields = sorted(s.field_name for s in made)
            assert len(made) == 1 + len(signed), (doc_id, fields, signed)
            assert set(fields) >= {r.field_name for r in signed}, (doc_id, fields)
            assert (record.status == "issued") == (len(signed) == len(required)), (
                doc_id, record.status, len(signed), len(required),
            )  # fmt: skip
            assert len(record.signatures) == 1 + len(signed), (doc_id, record.signatures)
            revisions = {r.signature_sha256 for r in signed}
            assert len(revisions) == len(signed)
            assert not signed or record.sha256 in revisions
            for r in signed:
                assert r.signature_sha256 and registry.files.exists(r.signature_sha256), r
            ids = {r.signer_id for r in signed}
            assert {s for d, s in acknowledged if d == doc_id} <= ids, "acknowledged, lost"
            derived[doc_id] = len(signing.derived(doc_id))
            found += len(signed)
            issued += record.status == "issued"
    finally:
        registry.close()
    return found, issued, derived


def test_sigkill_during_countersigning_leaves_no_half_signed_protocol(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    # the countersignatures' own guarantees: files stay as the signing flow made them (the
    # B-LTA upgrader, which adds revisions of its own, runs in `qujat worker`, not here)
    env["QUJAT_LTV_UPGRADER"] = "worker"
    settings_kw: dict[str, object] = {"data_dir": data_dir, "ltv_upgrader": "worker"}
    if SERVER_URL:
        env["QUJAT_DATABASE_URL"] = str(fresh_database_url(tmp_path))
        settings_kw["database_url"] = env["QUJAT_DATABASE_URL"]
    services = build_services(Settings(**settings_kw))  # type: ignore[arg-type]
    _, key = services.registry.create_api_key("Crash signing", {"issue", "sign", "admin"})
    roots = services.trust_roots
    pki = ensure_dev_pki(services.settings.keys_dir)
    services.registry.close()
    url = str(settings_kw.get("database_url") or f"sqlite:///{data_dir / 'qujat.db'}")
    files = data_dir / "files"
    headers = {"Authorization": f"Bearer {key}"}
    keys = tmp_path / "members"
    keys.mkdir()
    people = {name: make_member(pki, keys, name, server_held=True) for name in ORDER}

    port = free_port()
    proc = start(data_dir, port, env)
    protocols: list[str] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=60) as client:  # fmt: skip
            for m in people.values():
                r = client.post("/v1/signers", json={"certificate": m.certificate_pem})
                assert r.status_code == 201, r.text
                m.signer_id = r.json()["id"]
                settings = Settings(**settings_kw)  # type: ignore[arg-type]
                hold_key(settings, m.signer_id, f"pkcs12:{m.p12}")
            signers = {
                "chair": people[CHAIR].signer_id,
                "members": [people[m].signer_id for m in PRESENT_MEMBERS],
                "secretary": people[SECRETARY].signer_id,
            }
            for _ in range(PROTOCOLS):
                body = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
                        "signers": signers}  # fmt: skip
                r = client.post("/v1/documents", json=body)
                assert r.status_code == 201, r.text
                assert r.json()["status"] == "awaiting-signatures"
                protocols.append(r.json()["id"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    rng = random.Random(20261123)
    work = Work({(d, people[n].signer_id) for d in protocols for n in ORDER}, rng)
    kills = found_killed = issued_killed = 0
    for _ in range(KILLS):
        port = free_port()
        proc = start(data_dir, port, env)
        stop = threading.Event()
        threads = [
            threading.Thread(target=countersign,
                             args=(f"http://127.0.0.1:{port}", headers, work, stop))
            for _ in range(THREADS)
        ]  # fmt: skip
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.1, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        stop.set()
        for t in threads:
            t.join()
        # with the server's own account of it: a 500's traceback is in its log
        log = (data_dir.parent / f"server-{port}.log").read_text(errors="replace")
        assert not work.unexpected, (
            work.unexpected,
            log[max(log.find("unexpected error"), 0) :][-6000:],
        )
        found_killed, issued_killed, _ = check_registry(
            url, files, protocols, roots, work.acknowledged
        )

    # the rest, in order, on a server that is not killed
    port = free_port()
    proc = start(data_dir, port, env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=60) as client:  # fmt: skip
            for doc_id in protocols:
                required = client.get(f"/v1/documents/{doc_id}").json()["required_signers"]
                for want in sorted(required, key=lambda w: ORDER.index(w["name"])):
                    if not want["signed"]:
                        r = client.post(f"/v1/documents/{doc_id}/signatures",
                                        json={"signer_id": want["signer_id"]})  # fmt: skip
                        assert r.status_code == 200, r.text
                assert client.get(f"/v1/documents/{doc_id}").json()["status"] == "issued"
            # a protocol completed just before a kill had its derivation interrupted; the
            # server finished it when it started again; asking again (idempotent) adds nothing
            _, _, before = check_registry(url, files, protocols, roots, work.acknowledged)
            made: dict[str, int] = {}
            for doc_id in protocols:
                r = client.post(f"/v1/documents/{doc_id}/derived")
                assert r.status_code == 200, r.text
                made[doc_id] = len(r.json())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    found, issued, derived = check_registry(url, files, protocols, roots, work.acknowledged)
    assert issued == PROTOCOLS and found == PROTOCOLS * len(ORDER)
    assert derived == made and len(set(made.values())) == 1 and min(made.values()) > 0
    stranded = sum(before[d] < made[d] for d in protocols)
    assert stranded == 0, "a restart must finish every interrupted derivation"

    registry = Registry.open(url, files)
    try:
        orphans = len(check(registry).unreferenced_files)
        after = sweep(registry, older_than_seconds=0)
        assert after.ok and not after.unreferenced_files and not after.temporary_files
    finally:
        registry.close()
    print(
        f"{kills} kills during countersigning: {len(work.acknowledged)} signatures acknowledged, "
        f"{found_killed} found after the last kill ({issued_killed}/{PROTOCOLS} protocols "
        f"complete); {found} in the end; {orphans} orphan files swept; every derivation "
        f"finished after restarts"
    )
