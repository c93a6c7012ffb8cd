"""Bad input gets one error shape, names the field and the rule, and writes nothing."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.services import Services
from forms import get_form
from registry import LocalFileStore
from registry.models import DocumentRow
from tests.support.errors import assert_error_shape
from tests.support.fixtures import MakeOrg, Org

FORM = "qualification-certificate"


def snapshot(services: Services) -> tuple[int, int]:
    """Rows in the registry and files in the store."""
    with services.registry.engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(DocumentRow)) or 0
    assert isinstance(services.registry.files, LocalFileStore)
    root = Path(services.registry.files.root)
    files = sum(1 for _, _, names in os.walk(root) for n in names if not n.startswith(".tmp"))
    return rows, files


def example() -> dict[str, Any]:
    return copy.deepcopy(dict(get_form(FORM).example))


def post(client: TestClient, org: Org, data: dict[str, Any], form: str = FORM) -> dict[str, Any]:
    r = client.post(
        "/v1/documents", json={"form": form, "lang": "kk", "data": data}, headers=org.headers
    )
    return {"status": r.status_code, "body": r.json()}


@pytest.mark.parametrize(
    ("mutate", "field", "rule"),
    [
        (lambda d: d["holder"].update(iin="871008401428"), "data.holder.iin", "iin_checksum"),
        (lambda d: d.pop("registration_number"), "data.registration_number", "missing"),
        (lambda d: d.update(category="teacher-wizard"), "data.category", "enum"),
        (lambda d: d.update(surprise=1), "data.surprise", "extra_forbidden"),
        (lambda d: d["holder"].update(full_name="Әли\x07"), "data.holder.full_name",
         "name_invalid"),
        (lambda d: d["organisation"].update(bin="940140000386"), "data.organisation.bin",
         "bin_checksum"),
        (lambda d: d["order"].update(date="2024-11-01"), "data", "order_before_decision"),
    ],
)  # fmt: skip
def test_invalid_data_is_refused_and_writes_nothing(
    client: TestClient,
    org: Org,
    services: Services,
    mutate: Callable[[dict[str, Any]], object],
    field: str,
    rule: str,
) -> None:
    before = snapshot(services)
    data = example()
    mutate(data)
    out = post(client, org, data)
    assert out["status"] == 422
    details = assert_error_shape(out["body"], "validation_failed")
    assert {"field": field, "rule": rule} in [
        {"field": d["field"], "rule": d["rule"]} for d in details
    ]
    assert snapshot(services) == before


def test_unknown_form(client: TestClient, org: Org, services: Services) -> None:
    before = snapshot(services)
    out = post(client, org, example(), form="no-such-form")
    assert out["status"] == 404
    details = assert_error_shape(out["body"], "unknown_form")
    assert details[0]["field"] == "form"
    assert snapshot(services) == before
    r = client.get("/v1/forms/no-such-form/schema")
    assert r.status_code == 404
    assert_error_shape(r.json(), "unknown_form")


def test_unknown_language(client: TestClient, org: Org) -> None:
    r = client.post(
        "/v1/documents", json={"form": FORM, "lang": "en", "data": example()}, headers=org.headers
    )
    assert r.status_code == 422
    details = assert_error_shape(r.json(), "validation_failed")
    assert details[0]["field"] == "lang"


def test_oversized_body(client: TestClient, org: Org, services: Services) -> None:
    before = snapshot(services)
    data = example()
    data["position"] = "x" * (services.settings.max_body_bytes + 10)
    r = client.post(
        "/v1/documents", json={"form": FORM, "lang": "kk", "data": data}, headers=org.headers
    )
    assert r.status_code == 413
    assert_error_shape(r.json(), "payload_too_large")
    assert snapshot(services) == before


def test_malformed_json(client: TestClient, org: Org) -> None:
    r = client.post(
        "/v1/documents",
        content=b'{"form": ',
        headers={**org.headers, "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert_error_shape(r.json(), "validation_failed")


def test_unknown_route_and_method(client: TestClient) -> None:
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404
    assert_error_shape(r.json(), "not_found")
    r = client.delete("/v1/forms")
    assert r.status_code == 405
    assert_error_shape(r.json(), "method_not_allowed")


def test_issuing_needs_a_key_with_the_issue_scope(
    client: TestClient, make_org: MakeOrg, services: Services
) -> None:
    body = {"form": FORM, "lang": "kk", "data": example()}
    before = snapshot(services)
    r = client.post("/v1/documents", json=body)
    assert r.status_code == 401
    assert_error_shape(r.json(), "unauthenticated")
    r = client.post("/v1/documents", json=body, headers={"Authorization": "Bearer qj_nope"})
    assert r.status_code == 401
    reader = make_org("revoke")
    r = client.post("/v1/documents", json=body, headers=reader.headers)
    assert r.status_code == 403
    details = assert_error_shape(r.json(), "forbidden")
    assert details[0]["rule"] == "scope_required"
    assert snapshot(services) == before


def test_other_organisations_documents_do_not_exist(client: TestClient, make_org: MakeOrg) -> None:
    owner, other = make_org("issue", "revoke"), make_org("issue", "revoke")
    doc = client.post(
        "/v1/documents", json={"form": FORM, "lang": "kk", "data": example()}, headers=owner.headers
    ).json()
    for path in (f"/v1/documents/{doc['id']}", f"/v1/documents/{doc['id']}/pdf"):
        assert client.get(path, headers=owner.headers).status_code == 200
        r = client.get(path, headers=other.headers)
        assert r.status_code == 404
        assert_error_shape(r.json(), "not_found")
    r = client.post(
        f"/v1/documents/{doc['id']}/revoke", json={"reason": "x"}, headers=other.headers
    )
    assert r.status_code == 404


def test_idempotency_key_returns_the_same_document(
    client: TestClient, org: Org, services: Services
) -> None:
    body = {"form": FORM, "lang": "kk", "data": example()}
    headers = {**org.headers, "Idempotency-Key": "platform-case-4711"}
    first = client.post("/v1/documents", json=body, headers=headers)
    assert first.status_code == 201
    before = snapshot(services)
    again = client.post("/v1/documents", json=body, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["sha256"] == first.json()["sha256"]
    assert snapshot(services) == before

    changed = {**body, "lang": "ru"}
    r = client.post("/v1/documents", json=changed, headers=headers)
    assert r.status_code == 409
    details = assert_error_shape(r.json(), "conflict")
    assert details[0]["rule"] == "idempotency_key_reused"
    assert snapshot(services) == before


def test_ids_that_cannot_be_ours_are_not_found_not_errors(
    client: TestClient, org: Org, make_org: MakeOrg
) -> None:
    """A NUL byte or a huge id must never reach the database (PostgreSQL refuses NULs)."""
    admin = make_org("issue", "sign", "admin")
    for doc_id in ("a%00b", "x" * 300, "%E2%80%8B"):
        assert client.get(f"/v1/documents/{doc_id}", headers=org.headers).status_code == 404
        r = client.post(f"/v1/documents/{doc_id}/revoke", json={"reason": "x"}, headers=org.headers)
        assert r.status_code == 404
        assert client.get(f"/v1/verify/{doc_id}").json()["status"] == "unknown"
        assert client.get(f"/v1/batches/{doc_id}", headers=admin.headers).status_code == 404
    body = {"form": "course-certificate\x00", "lang": "kk", "data": example()}
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 422
    r = client.post("/v1/batches", json={"items": [body]}, headers=org.headers)
    assert r.status_code == 422
    body = {"form": FORM, "lang": "kk", "data": example(), "protocol_id": "ab\x00cd"}
    assert client.post("/v1/documents", json=body, headers=org.headers).status_code == 422
