"""The real server killed (SIGKILL) again and again while it issues, revokes and delivers
webhooks to a real receiver that is down, slow or answering 500 part of the time: every
committed change's event arrives (verified by ``standardwebhooks``), none is invented, and
per document the events arrive in order."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from api.services import build_services
from api.settings import Settings
from forms import get_form
from registry import Registry
from registry.models import DocumentRow
from registry.models_webhooks import WebhookEventRow
from tests.e2e.serverproc import free_port, start
from tests.support.databases import SERVER_URL, fresh_database_url
from tests.webhook_receiver import Receiver, receiver

KILLS = 5

FAST_RETRIES = {
    "QUJAT_WEBHOOK_TIMEOUT_SECONDS": "1",
    "QUJAT_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "QUJAT_WEBHOOK_RETRY_MAX_INTERVAL_SECONDS": "1",
    "QUJAT_WEBHOOK_POLL_SECONDS": "0.1",
}


def hammer(base: str, key: str, stop: threading.Event, acked: list[tuple[str, str]]) -> None:
    """Issue certificates; revoke about half of them right away."""
    body = {"form": "course-certificate", "lang": "kk",
            "data": get_form("course-certificate").example}  # fmt: skip
    rng = random.Random()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, timeout=5, headers=auth) as client:
        while not stop.is_set():
            try:
                r = client.post("/v1/documents", json=body)
                if r.status_code != 201:
                    continue
                doc_id = r.json()["id"]
                acked.append((doc_id, "document.issued"))
                if rng.random() < 0.5:
                    r = client.post(f"/v1/documents/{doc_id}/revoke", json={"reason": "test"})
                    if r.status_code == 200:
                        acked.append((doc_id, "document.revoked"))
            except httpx.TransportError:
                time.sleep(0.01)


def misbehave(r: Receiver, rng: random.Random, stop: threading.Event) -> None:
    """The receiver goes down, answers 500, is slow, or works, in turns."""
    while not stop.is_set():
        mode = rng.choice(["ok", "ok", "fail", "slow", "down"])
        if mode == "down":
            r.stop()
        else:
            r.mode, r.slow_seconds = mode, 0.4
        stop.wait(rng.uniform(0.2, 0.8))
        if r._server is None:
            r.start()
        r.mode = "ok"


def test_sigkill_during_issuance_and_delivery_loses_no_event(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(FAST_RETRIES)
    settings_kw: dict[str, object] = {"data_dir": data_dir}
    if SERVER_URL:
        env["QUJAT_DATABASE_URL"] = str(fresh_database_url(tmp_path))
        settings_kw["database_url"] = env["QUJAT_DATABASE_URL"]
    services = build_services(Settings(**settings_kw))  # type: ignore[arg-type]
    _, key = services.registry.create_api_key("Webhook crash test", {"admin"})
    services.registry.close()

    rng = random.Random(20261201)
    acked: list[tuple[str, str]] = []
    with receiver() as r:
        for round_ in range(KILLS + 1):
            port = free_port()
            proc = start(data_dir, port, env)
            base = f"http://127.0.0.1:{port}"
            if round_ == 0:
                created = httpx.post(
                    f"{base}/v1/webhooks",
                    json={"url": r.url, "events": ["document.issued", "document.revoked"]},
                    headers={"Authorization": f"Bearer {key}"},
                ).json()
                r.secrets.append(created["secret"])
            if round_ == KILLS:
                break  # the last server stays up and delivers what is left
            stop = threading.Event()
            threads = [threading.Thread(target=hammer, args=(base, key, stop, acked))
                       for _ in range(2)]  # fmt: skip
            threads.append(threading.Thread(target=misbehave, args=(r, rng, stop)))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, 2.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in threads:
                t.join()
        try:
            registry = Registry.open(
                str(settings_kw.get("database_url") or f"sqlite:///{data_dir / 'qujat.db'}"),
                data_dir / "files",
            )
            with registry.engine.connect() as conn:
                events = conn.execute(
                    select(WebhookEventRow.id, WebhookEventRow.type, WebhookEventRow.subject)
                ).all()
                docs = conn.execute(select(DocumentRow.id, DocumentRow.status)).all()
            registry.close()
            got = r.wait_for(len(events), timeout=120)
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    committed = {e.id: (e.subject, e.type) for e in events}
    duplicates = len(r.received) - len(got)
    print(f"{KILLS} kills, {len(acked)} acknowledged changes, {len(events)} events, "
          f"{len(r.received)} requests verified ({duplicates} duplicates), "
          f"{r.truncated} cut short by a kill")  # fmt: skip
    assert r.refused == 0  # every complete request carried a valid signature
    # the outbox holds exactly the committed changes
    issued = {s for s, t in committed.values() if t == "document.issued"}
    assert {d.id for d in docs} == issued
    revoked = {d.id for d in docs if d.status == "revoked"}
    assert revoked == {s for s, t in committed.values() if t == "document.revoked"}
    # every acknowledged change arrived; nothing arrived that was not committed
    arrived = {(g.body["data"]["document"]["id"], g.body["type"]) for g in got.values()}
    assert set(acked) <= arrived
    assert set(got) == set(committed)
    assert all((g.body["data"]["document"]["id"], g.body["type"]) == committed[i]
               for i, g in got.items())  # fmt: skip
    # per document: issued before revoked, also counting duplicates
    seen: dict[str, list[str]] = {}
    for g in r.received:
        seen.setdefault(g.body["data"]["document"]["id"], []).append(g.body["type"])
    for doc_id, types in seen.items():
        if "document.revoked" in types:
            assert types.index("document.issued") < types.index("document.revoked"), doc_id
