"""The public endpoints' per-client token buckets."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from api import create_app
from api.ratelimit import Bucket, RateLimit, endpoint_class
from api.services import Services


def test_429_after_the_burst_with_retry_after(services: Services) -> None:
    settings = services.settings.model_copy(
        update={"lookup_burst": 5, "lookup_rate_per_minute": 6.0, "upload_burst": 2}
    )
    app = create_app(services=dataclasses.replace(services, settings=settings))
    with TestClient(app) as client:
        codes = [client.get("/v1/verify/aaaaaaaa").status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        r = client.get("/v/aaaaaaaa")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
        # uploads have their own bucket; authenticated and health endpoints none
        assert client.post("/v1/verify", content=b"x").status_code == 422
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/forms").status_code == 200


def test_bucket_refills_at_the_sustained_rate() -> None:
    now = [0.0]
    limiter = RateLimit(app=None, buckets={}, clock=lambda: now[0])  # type: ignore[arg-type]
    bucket = Bucket(rate_per_second=2.0, burst=2)
    key = ("203.0.113.9", "lookup")
    assert limiter._take(key, bucket) == 0 and limiter._take(key, bucket) == 0
    assert limiter._take(key, bucket) == 0.5
    now[0] = 0.5
    assert limiter._take(key, bucket) == 0
    assert limiter._take(("198.51.100.1", "lookup"), bucket) == 0  # another client, own bucket


def test_endpoint_classes() -> None:
    assert endpoint_class("GET", "/v/abc") == "lookup"
    assert endpoint_class("GET", "/v1/verify/abc") == "lookup"
    assert endpoint_class("GET", "/v1/status-list") == "lookup"
    assert endpoint_class("GET", "/.well-known/qujat/keys") == "lookup"
    assert endpoint_class("POST", "/v1/verify") == "upload"
    assert endpoint_class("POST", "/v/check") == "upload"
    assert endpoint_class("POST", "/v1/documents") is None
    assert endpoint_class("GET", "/static/verify.css") is None
