"""Batches under abuse: one organisation's flood, a batch that must stop, a key revoked.

Each test is the attack it stops, on the real registry and the real batch workers (the
app's local pool on SQLite; two ``qujat worker`` processes from procrastinate's queue on
PostgreSQL): a 10-item batch must not wait behind another organisation's big one, a
cancelled batch or one whose key was revoked must not issue one document more, and an
organisation cannot queue more than its quotas.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import Settings, create_app
from api.services import Services, build_services
from registry.models import DocumentRow
from tests.e2e.workers import batch_workers
from tests.support.databases import fresh_database_url
from tests.support.errors import assert_error_shape
from tests.support.fixtures import Org
from workflow import item_key

FORM = "qualification-certificate"


@pytest.fixture(scope="module")
def workers(services: Services) -> Iterator[None]:
    """Two ``qujat worker`` processes when batches go through procrastinate."""
    with batch_workers(services.settings):
        yield


def _items(client: TestClient, n: int) -> list[dict[str, Any]]:
    data = client.get(f"/v1/forms/{FORM}/example").json()
    return [{"form": FORM, "lang": "kk", "data": data}] * n


def _batch(client: TestClient, org: Org, batch_id: str) -> Any:
    r = client.get(f"/v1/batches/{batch_id}?limit=0", headers=org.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _until(check: Callable[[], Any], timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _documents_of(services: Services, batch_id: str, total: int) -> int:
    """Documents the registry holds under the batch's items' keys, counted there."""
    keys = [item_key(batch_id, i) for i in range(total)]
    with services.registry.engine.connect() as conn:
        found = conn.scalar(select(func.count()).where(DocumentRow.idempotency_key.in_(keys)))
    return int(found or 0)


def test_a_small_batch_is_not_starved_by_another_organisations_flood(
    client: TestClient, make_org: Any, workers: None
) -> None:
    flood, small = make_org("issue"), make_org("issue")
    big = client.post("/v1/batches", json={"items": _items(client, 300)}, headers=flood.headers)
    assert big.status_code == 202, big.text
    _until(lambda: _batch(client, flood, big.json()["id"])["issued"] > 0)  # workers busy
    r = client.post("/v1/batches", json={"items": _items(client, 5)}, headers=small.headers)
    assert r.status_code == 202, r.text
    done = _until(lambda: (b := _batch(client, small, r.json()["id"]))["status"] == "done" and b)
    assert done["issued"] == 5
    flooding = _batch(client, flood, big.json()["id"])
    # first in, first out would have finished all 300 first
    assert flooding["status"] == "running" and flooding["pending"] > 100, flooding


def test_a_cancelled_batch_issues_nothing_more(
    client: TestClient, org: Org, services: Services, workers: None
) -> None:
    total = 200
    r = client.post("/v1/batches", json={"items": _items(client, total)}, headers=org.headers)
    batch_id = r.json()["id"]
    _until(lambda: _batch(client, org, batch_id)["issued"] > 0)
    cancelled = client.delete(f"/v1/batches/{batch_id}", headers=org.headers)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "cancelled" and body["cancelled"] > 0
    time.sleep(3)  # a worker in the middle of a group has settled it by now
    final = client.get(f"/v1/batches/{batch_id}", headers=org.headers).json()
    assert final["status"] == "cancelled" and final["pending"] == 0
    assert final["issued"] + final["cancelled"] + final["failed"] == total
    assert final["issued"] < total
    # the issued ones stay, and nothing was issued behind the items' backs
    assert _documents_of(services, batch_id, total) == final["issued"]
    for item in final["items"]:
        if item["status"] == "cancelled":
            assert item["document_id"] is None and item["error"]["code"] == "cancelled"
        else:
            assert item["status"] == "issued" and item["document_id"]
    time.sleep(2)
    assert _documents_of(services, batch_id, total) == final["issued"]
    # a DELETE again answers the batch as it is
    again = client.delete(f"/v1/batches/{batch_id}", headers=org.headers)
    assert again.status_code == 200 and again.json()["cancelled"] == final["cancelled"]


def test_cancelling_another_organisations_batch_is_a_404(
    client: TestClient, org: Org, make_org: Any, services: Services, workers: None
) -> None:
    r = client.post("/v1/batches", json={"items": _items(client, 30)}, headers=org.headers)
    batch_id = r.json()["id"]
    for headers in (make_org("issue", "admin").headers, org.headers):
        for target in (batch_id, "nope", "x" * 5000, batch_id.upper()):
            if headers is org.headers and target == batch_id:
                continue
            got = client.delete(f"/v1/batches/{target}", headers=headers)
            assert got.status_code == 404, got.text
            assert_error_shape(got.json(), "not_found")
    reader = make_org("revoke")  # not allowed to issue, so not to cancel either
    got = client.delete(f"/v1/batches/{batch_id}", headers=reader.headers)
    assert got.status_code == 403
    assert_error_shape(got.json(), "forbidden")
    assert client.delete(f"/v1/batches/{batch_id}").status_code == 401
    done = _until(lambda: (b := _batch(client, org, batch_id))["status"] == "done" and b)
    assert done["issued"] == 30 and done["cancelled"] == 0  # untouched by the attempts


def test_revoking_the_key_stops_its_batches(
    client: TestClient, make_org: Any, services: Services, workers: None
) -> None:
    owner = make_org("issue")
    total = 200
    r = client.post("/v1/batches", json={"items": _items(client, total)}, headers=owner.headers)
    batch_id = r.json()["id"]
    _until(lambda: _documents_of(services, batch_id, total) > 0)
    services.registry.revoke_api_key(owner.key.id)  # the operator's `qujat keys revoke`
    # the revoked key reads nothing any more: the registry is looked at directly

    def stopped() -> Any:
        batch = _store(services).get(batch_id)
        return batch.status == "cancelled" and batch.pending == 0 and batch

    batch = _until(stopped, 120)
    time.sleep(2)
    issued = _documents_of(services, batch_id, total)
    assert issued == _store(services).get(batch_id).issued < total
    assert batch.cancelled > 0
    codes = {i.error["code"] for i in _store(services).items(batch_id) if i.status == "cancelled"}
    assert codes == {"api_key_revoked"}
    time.sleep(2)
    assert _documents_of(services, batch_id, total) == issued


def _store(services: Services) -> Any:
    from registry.batches import BatchStore

    return BatchStore(services.registry.engine)


@pytest.fixture
def small_quotas(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=fresh_database_url(tmp_path),
        public_base_url="http://testserver",
        batch_max_pending=50,
        batch_max_per_hour=80,
        ltv_upgrader="worker",
    )
    services = build_services(settings)
    with TestClient(create_app(services=services)) as client:
        client.app.state.quota_services = services  # type: ignore[attr-defined]
        yield client
    services.registry.close()


def test_an_organisation_cannot_queue_past_its_quotas(small_quotas: TestClient) -> None:
    client = small_quotas
    services: Services = client.app.state.quota_services  # type: ignore[attr-defined]
    greedy, other = Org(services, {"issue"}), Org(services, {"issue"})
    items = _items(client, 1)
    # invalid data: refused per item when run, but every one counts against the quotas
    bogus = [{"form": FORM, "lang": "kk", "data": {"nothing": True}}]
    too_many = client.post("/v1/batches", json={"items": items * 51}, headers=greedy.headers)
    assert too_many.status_code == 429, too_many.text
    details = assert_error_shape(too_many.json(), "batch_quota_exceeded")
    assert details[0]["rule"] == "max_pending"
    with services.registry.engine.connect() as conn:  # refused: nothing stored
        assert conn.exec_driver_sql("SELECT count(*) FROM batches").scalar() == 0
    first = client.post("/v1/batches", json={"items": bogus * 50}, headers=greedy.headers)
    assert first.status_code == 202, first.text
    # the other organisation's quota is its own
    assert (
        client.post("/v1/batches", json={"items": bogus}, headers=other.headers).status_code == 202
    )
    cancelled = client.delete(f"/v1/batches/{first.json()['id']}", headers=greedy.headers)
    assert cancelled.status_code == 200
    # nothing pending any more, but 50 of its 80 this hour are spent
    r = client.post("/v1/batches", json={"items": bogus * 31}, headers=greedy.headers)
    assert r.status_code == 429
    assert assert_error_shape(r.json(), "batch_quota_exceeded")[0]["rule"] == "max_per_hour"
    assert (
        client.post("/v1/batches", json={"items": bogus * 30}, headers=greedy.headers).status_code
        == 202
    )
