"""``GET /metrics``: Prometheus text with issuance, latency, lookup and error figures."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.support.fixtures import Org

FORM = "qualification-certificate"


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def test_metrics_count_issuance_latency_lookups_and_errors(client: TestClient, org: Org) -> None:
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/plain")
    was = before.text

    body = {"form": FORM, "lang": "kk", "data": client.get(f"/v1/forms/{FORM}/example").json()}
    doc = client.post("/v1/documents", json=body, headers=org.headers).json()
    assert client.get(f"/v1/verify/{doc['id']}").status_code == 200
    assert client.get(f"/v/{doc['id']}").status_code == 200
    assert client.get("/v1/documents/nosuchdocument", headers=org.headers).status_code == 404
    assert client.post("/v1/documents", json={"form": FORM}, headers=org.headers).status_code == 422

    now = client.get("/metrics").text
    issued = "qujat_documents_issued_total"
    assert sample(now, issued, form=FORM) == sample(was, issued, form=FORM) + 1
    for histogram in ("qujat_render_seconds_count", "qujat_sign_seconds_count"):
        assert sample(now, histogram, form=FORM) == sample(was, histogram, form=FORM) + 1
    lookups = "qujat_verification_lookups_total"
    for kind in ("json", "page"):
        assert sample(now, lookups, kind=kind) == sample(was, lookups, kind=kind) + 1
    errors = "qujat_errors_total"
    assert (
        sample(now, errors, code="validation_failed")
        >= sample(was, errors, code="validation_failed") + 1
    )
    assert sample(now, errors, code="not_found") >= sample(was, errors, code="not_found") + 1
    route = "/v1/documents"
    assert sample(now, "qujat_http_request_seconds_count", method="POST", route=route) >= 2
    assert re.search(r'qujat_render_seconds_bucket\{form="[^"]+",le="0\.05"\}', now)
