"""The events of countersigning, derivation, batches and applications reach a real
receiver on loopback, verified with ``standardwebhooks``, each carrying public facts and
links and never a full IIN; each is written once, with its change."""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.batches import runner_kind
from api.services import Services
from forms import get_form
from registry.models_webhooks import WebhookEventRow
from tests.api.test_applications import ALL_DOCUMENTS, PROVIDER
from tests.e2e.workers import start_workers, stop_workers
from tests.support.commission import protocol_data, signed_protocol
from tests.support.fixtures import MakeOrg, Org
from tests.webhook_receiver import Receiver, receiver

ALL = [
    "protocol.signature_added",
    "protocol.completed",
    "derived_documents.created",
    "batch.completed",
    "application.decided",
]


def _subscribe(client: TestClient, org: Org, r: Receiver, events: list[str]) -> str:
    created = client.post(
        "/v1/webhooks", json={"url": r.url, "events": events}, headers=org.headers
    ).json()
    r.secrets.append(created["secret"])
    return str(created["id"])


def _of(
    r: Receiver, type_: str, count: int, timeout: float = 60, protocol: str | None = None
) -> list[dict[str, Any]]:
    """The first ``count`` or more events of ``type_`` to arrive (of ``protocol``, if given:
    the extracts' events arrive interleaved with their protocol's)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = [
            g.body
            for g in r.unique().values()
            if g.body["type"] == type_
            and (protocol is None or g.body["data"]["protocol"]["id"] == protocol)
        ]
        if len(got) >= count:
            return got
        time.sleep(0.05)
    raise AssertionError(f"{type_}: {len(got)} of {count} arrived")


def _no_full_iin(bodies: list[dict[str, Any]], *inputs: Any) -> None:
    iins = set(re.findall(r"(?<!\d)\d{12}(?!\d)", json.dumps(inputs, ensure_ascii=False)))
    raw = json.dumps(bodies, ensure_ascii=False)
    assert iins and not any(iin in raw for iin in iins)


def test_countersigning_and_derivation_events(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    with receiver() as r:
        _subscribe(client, org, r, ALL)
        protocol = signed_protocol(client, org, services, tmp_path)
        added = _of(r, "protocol.signature_added", 9, protocol=protocol)
        derived = _of(r, "derived_documents.created", 1)
        docs = derived[0]["data"]["documents"]
        # every extract the secretary signs is complete too: one completion each
        completed = _of(r, "protocol.completed", 1 + len(docs))
        time.sleep(0.5)  # nothing more is coming
        extras = [g for g in r.unique().values() if g.body["type"] != "protocol.signature_added"]
    assert r.refused == 0
    ours = [a for a in added if a["data"]["protocol"]["id"] == protocol]
    assert len(ours) == 9  # seven members, the chair, the secretary
    assert [a["data"]["signatures"]["signed"] for a in ours] == list(range(1, 10))
    assert {a["data"]["signatures"]["required"] for a in ours} == {9}
    roles = {a["data"]["signature"]["role"] for a in ours}
    assert {"chair", "secretary"} <= roles
    assert all(a["data"]["signature"]["signer"] for a in ours)
    assert ours[0]["data"]["protocol"]["links"]["verify_page"] == f"http://testserver/v/{protocol}"
    mine = [c for c in completed if c["data"]["protocol"]["id"] == protocol]
    assert len(mine) == 1 and mine[0]["data"]["signatures"] == 9
    # the last signature and the completion are one change: one timestamp
    assert mine[0]["data"]["completed_at"] == ours[-1]["data"]["signature"]["signed_at"]
    made = {d.id for d in services.context.signing.derived(protocol)}
    assert derived[0]["data"]["protocol"]["id"] == protocol and docs
    assert {d["id"] for d in docs} == made
    assert all("extract" in d["form"] and d["links"]["pdf"] for d in docs)
    assert all(d["holder_name"] for d in docs)
    others = {c["data"]["protocol"]["id"] for c in completed} - {protocol}
    assert others == made  # each extract, signed by the secretary, completed once
    assert [e.body["type"] for e in extras].count("derived_documents.created") == 1
    _no_full_iin([*added, *completed, *derived], protocol_data())
    # derivation again (on request) finds everything made and raises no second event
    again = client.post(f"/v1/documents/{protocol}/derived", headers=org.headers)
    assert again.status_code in (200, 201), again.text
    with services.registry.engine.connect() as conn:
        count = conn.scalar(
            select(func.count()).where(
                WebhookEventRow.type == "derived_documents.created",
                WebhookEventRow.subject == protocol,
            )
        )
    assert count == 1


def test_batch_completed(client: TestClient, make_org: MakeOrg, services: Services) -> None:
    org = make_org("issue", "admin")
    # on PostgreSQL batches go through procrastinate: real `qujat worker` processes run them
    procs = (
        start_workers(services.settings, 1)
        if runner_kind(services.settings) == "procrastinate"
        else []
    )
    try:
        _batch_completed(client, org)
    finally:
        stop_workers(procs)


def _batch_completed(client: TestClient, org: Org) -> None:
    items: list[dict[str, Any]] = [
        {"form": "course-certificate", "lang": "kk",
         "data": copy.deepcopy(dict(get_form("course-certificate").example))}
        for _ in range(3)
    ]  # fmt: skip
    items[1]["data"]["holder"]["iin"] = "123456789012"  # fails its check digit
    with receiver() as r:
        _subscribe(client, org, r, ["batch.completed"])
        batch = client.post("/v1/batches", json={"items": items}, headers=org.headers)
        assert batch.status_code == 202, batch.text
        got = _of(r, "batch.completed", 1, timeout=120)
        time.sleep(0.5)
        total = len(r.unique())
    assert total == 1 and r.refused == 0
    data = got[0]["data"]["batch"]
    assert data["id"] == batch.json()["id"]
    assert (data["total"], data["issued"], data["failed"]) == (3, 2, 1)
    assert data["links"]["self"].endswith(f"/v1/batches/{data['id']}") and data["finished_at"]
    _no_full_iin(got, items)


def test_application_decided(client: TestClient, make_org: MakeOrg) -> None:
    org = make_org("issue", "admin")
    data = copy.deepcopy(dict(get_form("application-teacher").example))
    base = {"form": "application-teacher", "lang": "kk", "data": data,
            "submitted_at": "2025-10-14T10:30:00+05:00", "provider": PROVIDER}  # fmt: skip
    with receiver() as r:
        _subscribe(client, org, r, ["application.decided"])
        accepted = client.post(
            "/v1/applications", json={**base, "documents": ALL_DOCUMENTS}, headers=org.headers
        ).json()
        rejected = client.post(
            "/v1/applications", json={**base, "documents": ALL_DOCUMENTS[:2]}, headers=org.headers
        ).json()
        got = _of(r, "application.decided", 2)
    assert r.refused == 0
    by_notice = {g["data"]["notice"]["id"]: g["data"] for g in got}
    yes, no = by_notice[accepted["notice"]["id"]], by_notice[rejected["notice"]["id"]]
    assert yes["decision"] == "accepted" and no["decision"] == "rejected"
    assert yes["application"]["id"] == accepted["application"]["id"] and no["application"] is None
    assert yes["notice"]["form"] == "application-accepted-notice"
    assert no["notice"]["form"] == "application-rejected-notice"
    assert yes["registered_on"] == "2025-10-14"
    assert yes["notice"]["links"]["verify_page"].endswith(f"/v/{yes['notice']['id']}")
    _no_full_iin(got, data)
