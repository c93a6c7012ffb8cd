"""Certificates and extracts that name a protocol must match a decision in it (§12, §20)."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import text

from api.services import Services
from forms import get_form
from tests.conftest import MakeOrg, Org


def issue(
    client: TestClient, org: Org, form: str, data: Any, protocol_id: str | None = None
) -> Response:
    body = {"form": form, "lang": "kk", "data": data, "protocol_id": protocol_id}
    return client.post("/v1/documents", json=body, headers=org.headers)


def protocol(client: TestClient, org: Org) -> dict[str, Any]:
    r = issue(client, org, "protocol-teachers", get_form("protocol-teachers").example)
    assert r.status_code == 201, r.text
    return dict(r.json())


def signed(client: TestClient, org: Org, services: Services) -> str:
    """A protocol the whole commission has signed (status issued)."""
    doc = protocol(client, org)
    record = services.registry.get(doc["id"])
    assert record.status in ("issued", "awaiting-signatures")
    if record.status != "issued":  # the countersigning flow is tested on its own
        with services.registry.engine.begin() as conn:
            conn.execute(
                text("UPDATE documents SET status='issued' WHERE id=:id"), {"id": doc["id"]}
            )
    return str(doc["id"])


def certificate_for(person: dict[str, Any], category: str) -> dict[str, Any]:
    data = copy.deepcopy(dict(get_form("qualification-certificate").example))
    data["holder"] = {"full_name": person["full_name"], "iin": person["iin"]}
    data["category"] = category
    return data


def test_certificate_matching_the_protocol(
    client: TestClient, org: Org, services: Services
) -> None:
    pid = signed(client, org, services)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, org, "qualification-certificate",
              certificate_for(row["person"], row["awarded_category"]), pid)  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["protocol_id"] == pid


def test_certificate_with_another_category_is_refused(
    client: TestClient, org: Org, services: Services
) -> None:
    pid = signed(client, org, services)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, org, "qualification-certificate",
              certificate_for(row["person"], "teacher-master"), pid)  # fmt: skip
    assert r.status_code == 422
    assert {"field": "data.category", "rule": "protocol_category_mismatch"} in [
        {"field": d["field"], "rule": d["rule"]} for d in r.json()["error"]["details"]
    ]


def test_certificate_for_a_person_not_in_the_protocol(
    client: TestClient, org: Org, services: Services
) -> None:
    pid = signed(client, org, services)
    r = issue(client, org, "qualification-certificate",
              certificate_for({"full_name": "Бөтен Адам", "iin": "760212350620"},
                              "teacher-expert"), pid)  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["rule"] == "protocol_person_not_found"


def test_another_organisations_protocol_does_not_exist(
    client: TestClient, make_org: MakeOrg, services: Services
) -> None:
    owner, other = make_org("issue"), make_org("issue")
    pid = signed(client, owner, services)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, other, "qualification-certificate",
              certificate_for(row["person"], row["awarded_category"]), pid)  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["rule"] == "protocol_exists"
