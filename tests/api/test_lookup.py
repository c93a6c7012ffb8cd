"""The check by number and IIN (``POST /v1/verify/lookup`` and the page's form): a match
gives the QR's verdict; a wrong number and a wrong IIN give the same bare 404 in the same
time; rate-limited; logged without the IIN; the IIN never stored."""

from __future__ import annotations

import copy
import dataclasses
import logging
import statistics
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import create_app
from api.services import Services
from forms import get_form
from registry.models import DocumentRow
from tests.support.fixtures import Org

IIN = "871008401427"


def _certificate(client: TestClient, org: Org, number: str, iin: str = IIN) -> dict[str, Any]:
    data = copy.deepcopy(dict(get_form("qualification-certificate").example))
    data["registration_number"] = number
    data["holder"]["iin"] = iin
    body = {"form": "qualification-certificate", "lang": "kk", "data": data}
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _lookup(client: TestClient, number: str, iin: str) -> Any:
    return client.post("/v1/verify/lookup", json={"registration_number": number, "iin": iin})


def test_a_match_is_the_qr_verdict(client: TestClient, org: Org, services: Services) -> None:
    doc = _certificate(client, org, "LK-0001")
    by_number = _lookup(client, "LK-0001", IIN)
    assert by_number.status_code == 200, by_number.text
    qr = client.get(f"/v1/verify/{doc['id']}").json()
    assert by_number.json() == qr and qr["status"] == "valid"
    assert _lookup(client, doc["id"], IIN).json() == qr  # the id works as the number
    with services.registry.engine.connect() as conn:
        row = conn.execute(
            select(DocumentRow.registration_number, DocumentRow.holder_iin_hash).where(
                DocumentRow.id == doc["id"]
            )
        ).one()
    assert row.registration_number == "LK-0001"
    assert row.holder_iin_hash and IIN not in row.holder_iin_hash and len(row.holder_iin_hash) == 64
    client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "x"}, headers=org.headers)
    assert _lookup(client, "LK-0001", IIN).json()["status"] == "revoked"


def test_wrong_number_and_wrong_iin_look_alike(client: TestClient, org: Org) -> None:
    _certificate(client, org, "LK-0002")
    other_iin = "880315463059"
    wrong_iin, wrong_number = _lookup(client, "LK-0002", other_iin), _lookup(client, "LK-9", IIN)
    assert wrong_iin.status_code == wrong_number.status_code == 404
    assert wrong_iin.json() == wrong_number.json()
    assert wrong_iin.json()["error"]["code"] == "not_found"
    assert IIN not in wrong_iin.text and "LK-" not in wrong_iin.text
    # a malformed IIN is bad input, in our error shape
    bad = _lookup(client, "LK-0002", "12345")
    assert bad.status_code == 422 and set(bad.json()) == {"error"}


def test_the_same_time_for_both_misses(client: TestClient, org: Org) -> None:
    _certificate(client, org, "LK-0003")

    def timed(number: str, iin: str) -> float:
        started = time.perf_counter()
        assert _lookup(client, number, iin).status_code == 404
        return time.perf_counter() - started

    for _ in range(5):  # warm up
        timed("LK-0003", "880315463059")
        timed("LK-NONE", IIN)
    # interleaved, so a change of the machine's load falls on both kinds alike
    pairs = [(timed("LK-0003", "880315463059"), timed("LK-NONE", IIN)) for _ in range(60)]
    wrong_iin = statistics.median(a for a, _ in pairs)
    wrong_number = statistics.median(b for _, b in pairs)
    # same queries and work on both paths: medians within 30 % (+2 ms of scheduler noise)
    assert abs(wrong_iin - wrong_number) <= 0.3 * min(wrong_iin, wrong_number) + 0.002


def test_logged_without_iin_or_number(
    client: TestClient, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    _certificate(client, org, "LK-0004")
    with caplog.at_level(logging.DEBUG):
        _lookup(client, "LK-0004", IIN)
        _lookup(client, "LK-0004", "880315463059")
        client.post("/v/lookup", data={"registration_number": "LK-0004", "iin": IIN})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "by-number found=True" in text and "by-number found=False" in text
    assert IIN not in text and "880315463059" not in text and "LK-0004" not in text


def test_the_page_form(client: TestClient, org: Org) -> None:
    doc = _certificate(client, org, "LK-0005")
    page = client.get("/v/check")
    assert 'action="/v/lookup' in page.text and 'name="iin"' in page.text
    hit = client.post("/v/lookup?lang=ru", data={"registration_number": "LK-0005", "iin": IIN})
    assert hit.status_code == 200 and doc["holder_name"].split()[0] in hit.text
    assert IIN not in hit.text  # masked, as on the QR's page
    miss = client.post("/v/lookup?lang=ru", data={"registration_number": "LK-0005", "iin": "1"})
    assert miss.status_code == 404 and "не найден" in miss.text


def test_rate_limited(services: Services) -> None:
    settings = services.settings.model_copy(update={"upload_burst": 3})
    app = create_app(services=dataclasses.replace(services, settings=settings))
    with TestClient(app) as client:
        codes = [_lookup(client, "LK-X", IIN).status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        assert client.post("/v/lookup", data={"registration_number": "x"}).status_code == 429


def test_rows_from_before_0012_are_filled_at_start(
    client: TestClient, org: Org, services: Services
) -> None:
    from sqlalchemy import update

    from workflow.lookup import backfill_lookups

    doc = _certificate(client, org, "LK-0006")
    with services.registry.engine.begin() as conn:
        conn.execute(
            update(DocumentRow)
            .where(DocumentRow.id == doc["id"])
            .values(holder_iin_hash=None, registration_number=None)
        )
    assert _lookup(client, "LK-0006", IIN).status_code == 404
    assert backfill_lookups(services.context) >= 1
    assert _lookup(client, "LK-0006", IIN).status_code == 200
