"""``/v1/batches``: progress, a result per item, and no document twice.

On SQLite the batches run in the app's local process pool (two processes); on PostgreSQL
(``QUJAT_TEST_DATABASE_URL``) two ``qujat worker`` processes run them from procrastinate's
queue, started here.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.services import Services
from registry.models import DocumentRow
from tests.e2e.workers import batch_workers
from tests.support.fixtures import Org
from workflow import item_key

FORMS = ("qualification-certificate", "course-certificate")


@pytest.fixture(scope="module")
def workers(services: Services) -> Iterator[None]:
    """Two ``qujat worker`` processes when batches go through procrastinate."""
    with batch_workers(services.settings):
        yield


def example(client: TestClient, form: str) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"/v1/forms/{form}/example").json()
    return data


def wait_done(client: TestClient, org: Org, batch_id: str, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/v1/batches/{batch_id}", headers=org.headers).json()
        if body["status"] == "done":
            return body
        time.sleep(0.2)
    raise AssertionError(f"batch not done in {timeout} s: {body}")


def test_a_batch_of_several_forms_with_one_invalid_item(
    client: TestClient, org: Org, services: Services, workers: None
) -> None:
    items = [
        {"form": FORMS[i % 2], "lang": ("kk", "ru")[i % 2], "data": example(client, FORMS[i % 2])}
        for i in range(7)
    ]
    bad: dict[str, Any] = copy.deepcopy(items[3])
    bad["data"]["holder"]["iin"] = "123456789012"
    items[3] = bad
    r = client.post("/v1/batches", json={"items": items}, headers=org.headers)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["total"] == 7 and accepted["status"] == "running"
    assert accepted["links"]["self"] == f"/v1/batches/{accepted['id']}"

    done = wait_done(client, org, accepted["id"])
    assert (done["issued"], done["failed"], done["pending"]) == (6, 1, 0)
    assert done["finished_at"] is not None
    results = done["items"]
    assert [i["index"] for i in results] == list(range(7))
    failed = results[3]
    assert failed["status"] == "failed" and failed["document_id"] is None
    assert failed["error"]["code"] == "validation_failed"
    assert any(d["field"].endswith("iin") for d in failed["error"]["details"])
    for item in results[:3] + results[4:]:
        assert item["status"] == "issued" and item["error"] is None
        doc = client.get(f"/v1/documents/{item['document_id']}", headers=org.headers).json()
        assert doc["form"] == item["form"] and doc["lang"] == item["lang"]
    with services.registry.engine.connect() as conn:
        keys = [item_key(accepted["id"], i) for i in range(7)]
        count = conn.scalar(select(func.count()).where(DocumentRow.idempotency_key.in_(keys)))
    assert count == 6

    page = client.get(f"/v1/batches/{accepted['id']}?offset=5&limit=1", headers=org.headers).json()
    assert [i["index"] for i in page["items"]] == [5]


def test_a_batch_is_its_organisations_only(client: TestClient, org: Org, make_org: Any) -> None:
    items = [{"form": FORMS[0], "lang": "kk", "data": {"nothing": True}}]
    batch = client.post("/v1/batches", json={"items": items}, headers=org.headers).json()
    other = make_org("issue")
    r = client.get(f"/v1/batches/{batch['id']}", headers=other.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get("/v1/batches/nope", headers=org.headers).status_code == 404


def test_batch_requests_are_checked(client: TestClient, org: Org, make_org: Any) -> None:
    item = {"form": FORMS[0], "lang": "kk", "data": {}}
    assert client.post("/v1/batches", json={"items": [item]}).status_code == 401
    reader = make_org("revoke")
    r = client.post("/v1/batches", json={"items": [item]}, headers=reader.headers)
    assert r.status_code == 403
    r = client.post("/v1/batches", json={"items": []}, headers=org.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_failed"
    r = client.post("/v1/batches", json={"items": [item] * 10_001}, headers=org.headers)
    assert r.status_code == 422
