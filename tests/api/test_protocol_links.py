"""Certificates and extracts that name a protocol must match a decision in it (§12, §20)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from api.services import Services
from forms import get_form
from tests.support.commission import signed_protocol
from tests.support.fixtures import MakeOrg, Org


def issue(
    client: TestClient, org: Org, form: str, data: Any, protocol_id: str | None = None
) -> Response:
    body = {"form": form, "lang": "kk", "data": data, "protocol_id": protocol_id}
    return client.post("/v1/documents", json=body, headers=org.headers)


def signed(client: TestClient, org: Org, services: Services, folder: Path) -> str:
    """A protocol the whole commission has signed (status issued), through the API."""
    return signed_protocol(client, org, services, folder)


def certificate_for(person: dict[str, Any], category: str) -> dict[str, Any]:
    data = copy.deepcopy(dict(get_form("qualification-certificate").example))
    data["holder"] = {"full_name": person["full_name"], "iin": person["iin"]}
    data["category"] = category
    return data


def test_certificate_matching_the_protocol(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    pid = signed(client, org, services, tmp_path)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, org, "qualification-certificate",
              certificate_for(row["person"], row["awarded_category"]), pid)  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["protocol_id"] == pid


def test_certificate_with_another_category_is_refused(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    pid = signed(client, org, services, tmp_path)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, org, "qualification-certificate",
              certificate_for(row["person"], "teacher-master"), pid)  # fmt: skip
    assert r.status_code == 422
    assert {"field": "data.category", "rule": "protocol_category_mismatch"} in [
        {"field": d["field"], "rule": d["rule"]} for d in r.json()["error"]["details"]
    ]


def test_certificate_for_a_person_not_in_the_protocol(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    pid = signed(client, org, services, tmp_path)
    r = issue(client, org, "qualification-certificate",
              certificate_for({"full_name": "Бөтен Адам", "iin": "760212350620"},
                              "teacher-expert"), pid)  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["rule"] == "protocol_person_not_found"


def test_another_organisations_protocol_does_not_exist(
    client: TestClient, make_org: MakeOrg, services: Services, tmp_path: Path
) -> None:
    owner, other = make_org("issue", "sign", "admin"), make_org("issue")
    pid = signed(client, owner, services, tmp_path)
    row = get_form("protocol-teachers").example["decisions"][0]
    r = issue(client, other, "qualification-certificate",
              certificate_for(row["person"], row["awarded_category"]), pid)  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["rule"] == "protocol_exists"
