"""``/v1/webhooks`` over HTTP: admin scope, one organisation's endpoints only, the secret
shown once, rotation, deliveries; issuing and revoking a document send real events to a
real receiver on loopback."""

from __future__ import annotations

import json
import re
import time

from fastapi.testclient import TestClient

from forms import get_form
from tests.support.fixtures import MakeOrg
from tests.webhook_receiver import receiver


def _error(r: object, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]  # type: ignore[no-any-return]


def test_register_list_delete(client: TestClient, make_org: MakeOrg) -> None:
    admin = make_org("admin")
    r = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["document.issued"]},
        headers=admin.headers,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_")
    assert r.headers["Location"] == f"/v1/webhooks/{created['id']}"
    listed = client.get("/v1/webhooks", headers=admin.headers).json()["items"]
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0] and created["secret"] not in json.dumps(listed)
    assert client.delete(f"/v1/webhooks/{created['id']}", headers=admin.headers).status_code == 204
    assert client.get("/v1/webhooks", headers=admin.headers).json()["items"] == []
    _error(client.delete(f"/v1/webhooks/{created['id']}", headers=admin.headers), 404, "not_found")


def test_admin_scope_and_organisation(client: TestClient, make_org: MakeOrg) -> None:
    admin, other, issuer = make_org("admin"), make_org("admin"), make_org("issue")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["document.issued"]}
    _error(client.post("/v1/webhooks", json=body), 401, "unauthenticated")
    _error(client.post("/v1/webhooks", json=body, headers=issuer.headers), 403, "forbidden")
    _error(client.get("/v1/webhooks", headers=issuer.headers), 403, "forbidden")
    hook = client.post("/v1/webhooks", json=body, headers=admin.headers).json()["id"]
    assert client.get("/v1/webhooks", headers=other.headers).json()["items"] == []
    for method, path in [
        ("delete", f"/v1/webhooks/{hook}"),
        ("get", f"/v1/webhooks/{hook}/deliveries"),
        ("post", f"/v1/webhooks/{hook}/rotate-secret"),
        ("post", f"/v1/webhooks/{hook}/deliveries/abc/retry"),
    ]:
        _error(client.request(method, path, headers=other.headers), 404, "not_found")


def test_refused_urls_and_events(client: TestClient, make_org: MakeOrg) -> None:
    admin = make_org("admin")
    cases = [
        ({"url": "https://169.254.169.254/x", "events": ["document.issued"]}, "webhook_url_public"),
        ({"url": "https://10.0.0.1/x", "events": ["document.issued"]}, "webhook_url_public"),
        ({"url": "http://93.184.216.34/x", "events": ["document.issued"]}, "webhook_url_https"),
        ({"url": "https://u:p@93.184.216.34/x", "events": ["document.issued"]}, None),
    ]
    for body, rule in cases:
        error = _error(client.post("/v1/webhooks", json=body, headers=admin.headers), 422,
                       "validation_failed")  # fmt: skip
        if rule:
            assert error["details"][0]["rule"] == rule  # type: ignore[index]
    bad = {"url": "http://127.0.0.1:9/x", "events": ["document.eaten"]}
    _error(client.post("/v1/webhooks", json=bad, headers=admin.headers), 422, "validation_failed")
    none = {"url": "http://127.0.0.1:9/x", "events": []}
    _error(client.post("/v1/webhooks", json=none, headers=admin.headers), 422, "validation_failed")
    assert client.get("/v1/webhooks", headers=admin.headers).json()["items"] == []


def test_rotate_secret(client: TestClient, make_org: MakeOrg) -> None:
    admin = make_org("admin")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["document.issued"]}
    created = client.post("/v1/webhooks", json=body, headers=admin.headers).json()
    r = client.post(
        f"/v1/webhooks/{created['id']}/rotate-secret",
        json={"overlap_seconds": 3600},
        headers=admin.headers,
    )
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_until"] is not None
    r = client.post(
        f"/v1/webhooks/{created['id']}/rotate-secret",
        json={"overlap_seconds": -1},
        headers=admin.headers,
    )
    _error(r, 422, "validation_failed")


def test_issue_and_revoke_send_signed_events(client: TestClient, make_org: MakeOrg) -> None:
    org = make_org("admin")
    example = get_form("course-certificate").example
    iins = re.findall(r"\d{12}", json.dumps(example))
    with receiver() as r:
        created = client.post(
            "/v1/webhooks",
            json={"url": r.url, "events": ["document.issued", "document.revoked"]},
            headers=org.headers,
        ).json()
        r.secrets.append(created["secret"])
        doc = client.post(
            "/v1/documents",
            json={"form": "course-certificate", "lang": "kk", "data": example},
            headers=org.headers,
        ).json()
        client.post(
            f"/v1/documents/{doc['id']}/revoke", json={"reason": "issued by mistake"},
            headers=org.headers,
        )  # fmt: skip
        got = list(r.wait_for(2, timeout=30).values())
        deliveries = _settled(client, org.headers, created["id"], 2)
    assert [g.body["type"] for g in got] == ["document.issued", "document.revoked"]
    issued = got[0].body["data"]["document"]
    assert issued["id"] == doc["id"] and issued["form"] == "course-certificate"
    assert issued["holder_name"] == doc["holder_name"]
    assert issued["links"]["verify_page"] == f"http://testserver/v/{doc['id']}"
    assert got[1].body["data"]["reason"] == "issued by mistake"
    raw = json.dumps([g.body for g in got])
    assert iins and not any(iin in raw for iin in iins)  # never a full IIN
    assert {d["status"] for d in deliveries} == {"succeeded"}
    assert {d["event_id"] for d in deliveries} == {g.webhook_id for g in got}
    attempt = deliveries[0]["attempts"][0]
    assert attempt["status_code"] == 200 and attempt["response_body"] == "ok"
    retry = f"/v1/webhooks/{created['id']}/deliveries/{deliveries[0]['id']}/retry"
    _error(client.post(retry, headers=org.headers), 409, "conflict")  # not failed


def test_another_organisations_documents_send_nothing(
    client: TestClient, make_org: MakeOrg
) -> None:
    watcher, issuer = make_org("admin"), make_org("issue")
    with receiver() as r:
        created = client.post(
            "/v1/webhooks", json={"url": r.url, "events": ["document.issued"]},
            headers=watcher.headers,
        ).json()  # fmt: skip
        r.secrets.append(created["secret"])
        client.post(
            "/v1/documents",
            json={"form": "course-certificate", "lang": "kk",
                  "data": get_form("course-certificate").example},
            headers=issuer.headers,
        )  # fmt: skip
        time.sleep(1.0)
    assert r.requests == 0


def _settled(client: TestClient, headers: dict[str, str], hook: str, n: int) -> list[dict]:  # type: ignore[type-arg]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = client.get(f"/v1/webhooks/{hook}/deliveries", headers=headers).json()["items"]
        if len(items) == n and all(i["status"] != "pending" for i in items):
            return items  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(items)
