"""The public answers kept in memory (:mod:`api.public_cache`): sent while current, found
outdated by the document's version after a change made by another process (a second
engine on the same registry stands for it), at once after a change made by this one;
ETag, 304 and Cache-Control on the wire; bounded memory; private answers never public."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.public_cache import CACHE_CONTROL, REVALIDATE_SECONDS, PublicCache
from api.services import Services
from registry import Registry
from registry.upgrades import advance
from registry.versions import WriteCounter
from tests.support.documents import issue
from tests.support.fixtures import Org


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def other(services: Services) -> Iterator[Registry]:
    """The same registry through an engine of its own: what another process sees."""
    registry = Registry.open(services.settings.db_url, services.settings.files_dir)
    yield registry
    registry.close()


def _cache(services: Services, ticks: Ticks, **kw: int) -> PublicCache:
    """A cache that counts no write of this process (the suite's background threads,
    such as the webhook dispatcher, write now and then): only the version tells."""
    return PublicCache(services.context, WriteCounter(), monotonic=ticks, **kw)


def test_another_process_revocation_shows_at_the_next_revalidation(
    client: TestClient, org: Org, services: Services, other: Registry
) -> None:
    doc = issue(client, org, "course-certificate")
    ticks = Ticks()
    cache = _cache(services, ticks)
    valid = cache.json(doc["id"])
    assert b'"status":"valid"' in valid.body
    other.revoke(doc["id"], "issued in error")
    # kept: not read again within the interval (this is memory, not the database)
    assert cache.fresh(doc["id"], "json") is valid
    ticks.now += REVALIDATE_SECONDS
    assert cache.fresh(doc["id"], "json") is None
    revoked = cache.json(doc["id"])
    assert b'"status":"revoked"' in revoked.body and revoked.etag != valid.etag
    assert cache.fresh(doc["id"], "json") is revoked


def test_an_unchanged_document_is_kept_after_revalidation(
    client: TestClient, org: Org, services: Services
) -> None:
    doc = issue(client, org, "course-certificate")
    ticks = Ticks()
    cache = _cache(services, ticks)
    first = cache.page(doc["id"], "ru")
    ticks.now += REVALIDATE_SECONDS * 3
    assert cache.fresh(doc["id"], "page:ru") is None
    assert cache.revalidate(doc["id"]) is True
    assert cache.fresh(doc["id"], "page:ru") is first
    assert cache.fresh(doc["id"], "page:kk") is None  # another language: not made yet


def test_this_process_write_makes_every_answer_revalidate_at_once(
    client: TestClient, org: Org, services: Services
) -> None:
    doc = issue(client, org, "course-certificate")
    cache = PublicCache(services.context, services.writes, monotonic=Ticks())
    cache.json(doc["id"])
    cache.page(doc["id"], "kk")
    services.registry.revoke(doc["id"], "issued in error")
    assert cache.fresh(doc["id"], "json") is None and cache.fresh(doc["id"], "page:kk") is None
    assert b'"status":"revoked"' in cache.json(doc["id"]).body
    assert "Құжат кері қайтарылған" in cache.page(doc["id"], "kk").body.decode()


def test_an_ltv_upgrade_by_another_process_changes_the_level_shown(
    client: TestClient, org: Org, services: Services, other: Registry
) -> None:
    doc = issue(client, org, "course-certificate")
    ticks = Ticks()
    cache = _cache(services, ticks)
    before = cache.json(doc["id"])
    assert b'"level":"B-T"' in before.body
    record = other.get(doc["id"])
    pdf = other.pdf(record) + b"\n"  # another file: the upgrader's next revision
    now = datetime.now(UTC)
    moved = advance(other, record, pdf, level="B-LTA", reason="upgraded",
                    archive_timestamp_at=now, tsa_expires_at=None, now=now)  # fmt: skip
    assert moved is not None
    assert cache.fresh(doc["id"], "json") is before
    ticks.now += REVALIDATE_SECONDS
    after = cache.json(doc["id"])
    assert b'"level":"B-LTA"' in after.body and after.etag != before.etag


def test_a_new_day_rebuilds_the_answer(client: TestClient, org: Org, services: Services) -> None:
    doc = issue(client, org, "course-certificate")
    today = [datetime.now(UTC)]
    ctx = dataclasses.replace(services.context, clock=lambda: today[0])
    cache = PublicCache(ctx, WriteCounter(), monotonic=Ticks())
    cache.json(doc["id"])
    assert cache.fresh(doc["id"], "json") is not None
    today[0] += timedelta(days=1)  # ``expired`` is a matter of the date
    assert cache.fresh(doc["id"], "json") is None


def test_memory_is_bounded_least_recently_used_first(
    client: TestClient, org: Org, services: Services
) -> None:
    ids = [issue(client, org, "course-certificate")["id"] for _ in range(4)]
    one = len(_cache(services, Ticks()).json(ids[0]).body)
    cache = _cache(services, Ticks(), max_bytes=2 * (one + 600))
    for doc_id in ids:
        cache.json(doc_id)
    assert len(cache) == 2
    assert cache.fresh(ids[0], "json") is None and cache.fresh(ids[3], "json") is not None


def test_unknown_ids_are_not_kept(services: Services) -> None:
    cache = _cache(services, Ticks())
    for doc_id in ("a" * 32, "z" * 300, "<script>"):
        assert b'"status":"unknown"' in cache.json(doc_id).body
        assert cache.page(doc_id, "en").status == 404
    assert len(cache) == 0


def test_etag_304_and_cache_control_on_the_wire(client: TestClient, app: FastAPI, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    url = f"/v1/verify/{doc['id']}"
    built = client.get(url)  # built by the route
    kept = client.get(url)  # sent from memory by the middleware
    assert built.content == kept.content and built.headers["etag"] == kept.headers["etag"]
    assert app.state.public_cache.fresh(doc["id"], "json") is not None
    assert kept.headers["cache-control"] == CACHE_CONTROL
    assert kept.headers["content-type"] == "application/json"
    assert kept.json()["status"] == "valid"
    not_modified = client.get(url, headers={"If-None-Match": kept.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == kept.headers["etag"]
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    page_url = f"/v/{doc['id']}"
    ru = client.get(page_url, headers={"Accept-Language": "ru"})
    ru_again = client.get(page_url, headers={"Accept-Language": "ru"})
    en = client.get(page_url + "?lang=en", headers={"Accept-Language": "ru"})
    assert ru.text == ru_again.text and "Документ действителен" in ru.text
    assert "The document is valid" in en.text and en.headers["etag"] != ru.headers["etag"]
    for page in (ru, ru_again, en):
        assert page.headers["cache-control"] == CACHE_CONTROL
        assert page.headers["vary"] == "Accept-Language"
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert page.headers["x-frame-options"] == "DENY"
    assert client.get(page_url + "?lang=en", headers={"If-None-Match": en.headers["etag"]}
                      ).status_code == 304  # fmt: skip


def test_private_and_per_visitor_answers_are_never_public(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    own = client.get(f"/v1/documents/{doc['id']}", headers=org.headers)
    assert own.status_code == 200 and "public" not in own.headers.get("cache-control", "")
    assert client.get("/v/check").headers["cache-control"] == "no-store"
    lookup = client.post("/v/lookup", data={"registration_number": "x", "iin": "871008401427"})
    assert lookup.headers["cache-control"] == "no-store"


def test_every_answer_due_is_revalidated_by_one_query(
    client: TestClient, org: Org, services: Services, other: Registry
) -> None:
    ids = [issue(client, org, "course-certificate")["id"] for _ in range(3)]
    ticks = Ticks()
    cache = _cache(services, ticks)
    kept = [cache.json(doc_id) for doc_id in ids]
    other.revoke(ids[1], "issued in error")
    ticks.now += REVALIDATE_SECONDS
    due = cache.due(ids[0])
    assert due[0] == ids[0] and set(due) == set(ids)
    assert cache.revalidate_many(due) == {ids[0], ids[2]}
    assert cache.fresh(ids[0], "json") is kept[0] and cache.fresh(ids[2], "json") is kept[2]
    assert cache.fresh(ids[1], "json") is None
    assert b'"status":"revoked"' in cache.json(ids[1]).body
