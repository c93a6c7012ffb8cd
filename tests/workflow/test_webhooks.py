"""Webhook flows and the dispatcher against a real receiver on loopback and a real
SQLite registry: delivery, retries, the horizon, order per document, several dispatchers,
secret rotation, tenancy."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from forms.errors import FormDataInvalid
from registry import webhooks as store
from registry.errors import Conflict, NotFound
from signing.webhooks import new_secret, sign, signed_headers
from tests.webhook_receiver import Received, Receiver, receiver
from tests.workflow.webhook_fixtures import emit_now, with_config
from workflow import webhooks as flows
from workflow.outbound import OutboundPolicy
from workflow.webhook_dispatch import Dispatcher, next_attempt
from workflow.webhooks import Webhooks


def wait_until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_signature_verifies_with_standardwebhooks() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    body = b'{"type":"document.issued"}'
    now = int(time.time())
    headers = signed_headers([secret], "msg_1", now, body)
    assert Webhook(secret).verify(body, headers) == {"type": "document.issued"}


def test_signature_tampered_or_wrong_secret_is_refused() -> None:
    secret = new_secret()
    body = b'{"type":"document.issued"}'
    headers = signed_headers([secret], "msg_1", int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"type":"document.revoked"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):  # another id, same signature
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_2"})
    assert sign(secret, "msg_1", 1, body) != sign(secret, "msg_1", 2, body)


def _register(hooks: Webhooks, r: Receiver, org: str = "Org A") -> str:
    record, secret = flows.register_endpoint(hooks, org, r.url, list(flows.EVENT_TYPES))
    r.secrets.append(secret)
    return record.id


def test_events_are_delivered_signed_with_their_facts(hooks: Webhooks) -> None:
    with receiver() as r:
        endpoint_id = _register(hooks, r)
        emit_now(hooks, "Org A", "document.issued", "doc1", 1)
        emit_now(hooks, "Org A", "document.revoked", "doc1", 2)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            got = r.wait_for(2)
        finally:
            dispatcher.close()
    bodies = [x.body for x in got.values()]
    assert [b["type"] for b in bodies] == ["document.issued", "document.revoked"]
    assert all(b["id"] == wid for wid, b in zip(got, bodies, strict=True))
    assert bodies[0]["data"] == {"document": {"id": "doc1", "n": 1}}
    assert r.refused == 0
    done = flows.deliveries(hooks, "Org A", endpoint_id)
    assert {d.status for d in done} == {"succeeded"}
    assert all(len(d.attempts) == 1 and d.attempts[0].status_code == 200 for d in done)
    assert done[0].attempts[0].response_body == "ok"


def test_other_organisations_and_unsubscribed_events_are_not_sent(hooks: Webhooks) -> None:
    with receiver() as r:
        record, secret = flows.register_endpoint(hooks, "Org A", r.url, ["document.revoked"])
        r.secrets.append(secret)
        emit_now(hooks, "Org B", "document.revoked", "docB", 1)  # another organisation's
        emit_now(hooks, "Org A", "document.issued", "docA", 1)  # not subscribed
        emit_now(hooks, "Org A", "document.revoked", "docA", 2)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            r.wait_for(1)
            time.sleep(0.5)
        finally:
            dispatcher.close()
    assert [x.body["data"]["document"] for x in r.received] == [{"id": "docA", "n": 2}]
    with pytest.raises(NotFound):  # org B cannot see org A's endpoint
        flows.deliveries(hooks, "Org B", record.id)


def test_receiver_down_then_up_gets_everything_in_order(hooks: Webhooks) -> None:
    with receiver() as r:
        _register(hooks, r)
        r.stop()  # down: connections refused
        for n in range(5):
            for doc in ("a", "b", "c"):
                emit_now(hooks, "Org A", "document.issued", doc, n)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            time.sleep(1.0)
            assert not r.received
            r.start()  # up again, on the same port
            got = r.wait_for(15)
        finally:
            dispatcher.close()
    _assert_in_order(list(got.values()))


def _assert_in_order(arrivals: Sequence[Received]) -> None:
    last: dict[str, int] = {}
    for a in arrivals:
        doc = a.body["data"]["document"]
        assert doc["n"] > last.get(doc["id"], -1), f"{doc} arrived after a later event"
        last[doc["id"]] = doc["n"]


def test_500_is_retried_with_backoff_then_failed_then_resent(hooks: Webhooks) -> None:
    hooks = with_config(hooks, retry_horizon_seconds=3.0)
    with receiver() as r:
        endpoint_id = _register(hooks, r)
        r.mode = "fail"
        emit_now(hooks, "Org A", "document.issued", "doc1", 1)
        emit_now(hooks, "Org A", "document.issued", "doc1", 2)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:

            def all_failed() -> bool:
                ds = flows.deliveries(hooks, "Org A", endpoint_id)
                return len(ds) == 2 and all(d.status == "failed" for d in ds)

            wait_until(all_failed)
            failed = flows.deliveries(hooks, "Org A", endpoint_id)
            first = failed[-1]
            assert len(first.attempts) >= 3  # waits of 0.1, 0.2, 0.4, 0.4 … s within 3 s
            gaps = [
                (b.started_at - a.started_at).total_seconds()
                for a, b in zip(first.attempts, first.attempts[1:], strict=False)
            ]
            # Each retry came no sooner than its backoff allows (a busy machine can only make
            # the gaps longer, so only the lower bound is asserted here; the growth itself is
            # checked exactly in test_the_wait_doubles_up_to_its_cap_then_gives_up).
            cfg = hooks.config
            floors = [
                0.8 * min(cfg.retry_base_seconds * 2**i, cfg.retry_max_interval_seconds)
                for i in range(len(gaps))
            ]
            assert all(g >= f - 0.005 for g, f in zip(gaps, floors, strict=True)), (gaps, floors)
            assert {a.status_code for a in first.attempts} == {500}
            stored = first.attempts[0].response_body or ""
            assert stored.startswith("receiver broken") and len(stored) <= 1025
            assert not r.received
            with pytest.raises(NotFound):
                flows.retry_delivery(hooks, "Org A", endpoint_id, "nosuchdelivery")
            r.mode = "ok"
            for d in reversed(failed):  # oldest first (the list is newest first): in order
                flows.retry_delivery(hooks, "Org A", endpoint_id, d.id)
            got = r.wait_for(2)
        finally:
            dispatcher.close()
    assert [x.body["data"]["document"]["n"] for x in got.values()] == [1, 2]
    with pytest.raises(Conflict):
        flows.retry_delivery(hooks, "Org A", endpoint_id, failed[0].id)  # succeeded now


def test_the_wait_doubles_up_to_its_cap_then_gives_up(hooks: Webhooks) -> None:
    cfg = hooks.config
    assert (cfg.retry_base_seconds, cfg.retry_max_interval_seconds) == (0.1, 0.4)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    far = now + timedelta(days=1)
    for attempts, (low, high) in enumerate([(0.08, 0.1), (0.16, 0.2), (0.32, 0.4), (0.32, 0.4)], 1):
        for _ in range(50):  # the jitter is random: every draw stays in its band
            state, at = next_attempt(hooks, attempts, now, far)
            assert state == store.PENDING
            assert low <= (at - now).total_seconds() <= high, (attempts, at - now)
    # a wait that would end past the horizon fails the delivery now
    state, at = next_attempt(hooks, 1, now, now + timedelta(seconds=0.05))
    assert (state, at) == (store.FAILED, now)
    state, _ = next_attempt(hooks, 1, now, now + timedelta(seconds=0.1))
    assert state == store.PENDING  # 0.08–0.1 s ends within the horizon


def test_a_later_event_waits_for_the_earlier_one_of_its_document(hooks: Webhooks) -> None:
    with receiver() as r:
        _register(hooks, r)
        r.mode = "fail"
        for n in range(6):
            emit_now(hooks, "Org A", "document.issued", "doc1", n)
            emit_now(hooks, "Org A", "document.issued", f"other{n}", 0)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            time.sleep(0.6)
            r.mode = "ok"
            got = r.wait_for(12)
        finally:
            dispatcher.close()
    arrivals = list(got.values())
    _assert_in_order(arrivals)
    doc1 = [a.body["data"]["document"]["n"] for a in arrivals]
    assert [n for n, a in zip(doc1, arrivals, strict=True)
            if a.body["data"]["document"]["id"] == "doc1"] == [0, 1, 2, 3, 4, 5]  # fmt: skip


def test_two_dispatchers_deliver_each_event_once(hooks: Webhooks) -> None:
    with receiver() as r:
        _register(hooks, r)
        for n in range(10):
            for doc in ("a", "b", "c", "d"):
                emit_now(hooks, "Org A", "document.issued", doc, n)
        one, two = Dispatcher(hooks), Dispatcher(hooks)
        one.start()
        two.start()
        try:
            r.wait_for(40)
            time.sleep(0.3)
        finally:
            one.close()
            two.close()
    assert len(r.received) == 40  # no duplicates: every claim is a compare-and-set
    _assert_in_order(list(r.unique().values()))


def test_a_slow_endpoint_does_not_delay_another(hooks: Webhooks) -> None:
    hooks = with_config(hooks, workers=4, per_endpoint=2, policy=OutboundPolicy(
        allow_http_loopback=True, timeout_seconds=5.0))  # fmt: skip
    with receiver() as slow, receiver() as fast:
        slow.mode, slow.slow_seconds = "slow", 2.0
        _register(hooks, slow, "Slow org")
        _register(hooks, fast, "Fast org")
        for n in range(8):
            emit_now(hooks, "Slow org", "document.issued", f"s{n}", 0)
            emit_now(hooks, "Fast org", "document.issued", f"f{n}", 0)
        started = time.monotonic()
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            fast.wait_for(8, timeout=10)
            fast_done = time.monotonic() - started
            assert len(slow.unique()) <= 4  # the slow one needs 8 s for its eight
        finally:
            dispatcher.close()
    assert fast_done < 3.5, fast_done  # alone, the fast one takes well under a second


def test_rotation_both_secrets_sign_during_the_overlap(hooks: Webhooks) -> None:
    with receiver() as r:
        record, old = flows.register_endpoint(hooks, "Org A", r.url, ["document.issued"])
        _, new = flows.rotate_secret(hooks, "Org A", record.id, overlap_seconds=60)
        assert new != old and new.startswith("whsec_")
        r.secrets = [old]  # a receiver not yet updated
        emit_now(hooks, "Org A", "document.issued", "doc1", 1)
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            r.wait_for(1)
            r.secrets = [new]  # and one already updated
            emit_now(hooks, "Org A", "document.issued", "doc2", 1)
            r.wait_for(2)
            _, newest = flows.rotate_secret(hooks, "Org A", record.id, overlap_seconds=0)
            r.secrets = [new]  # the previous secret no longer signs
            emit_now(hooks, "Org A", "document.issued", "doc3", 1)
            wait_until(lambda: r.refused > 0)
            r.secrets = [newest]
            r.wait_for(3)
        finally:
            dispatcher.close()
    assert r.refused >= 1
    listed = flows.list_endpoints(hooks, "Org A")
    assert listed[0].previous_until is not None


def test_deleted_endpoint_gets_nothing_more(hooks: Webhooks) -> None:
    with receiver() as r:
        endpoint_id = _register(hooks, r)
        r.stop()
        emit_now(hooks, "Org A", "document.issued", "doc1", 1)
        dispatcher = Dispatcher(hooks)
        dispatcher.poll()  # fanned out, tried once, refused
        wait_until(lambda: bool(flows.deliveries(hooks, "Org A", endpoint_id)[0].attempts))
        flows.delete_endpoint(hooks, "Org A", endpoint_id)  # (a request in flight may land)
        r.start()
        dispatcher.start()
        time.sleep(0.5)
        dispatcher.close()
    assert not r.received
    assert flows.list_endpoints(hooks, "Org A") == []
    with pytest.raises(NotFound):
        flows.delete_endpoint(hooks, "Org A", endpoint_id)


def test_unknown_events_and_bad_urls_are_refused(hooks: Webhooks) -> None:
    with pytest.raises(FormDataInvalid):
        flows.register_endpoint(hooks, "Org A", "http://127.0.0.1:9/x", ["document.eaten"])
    with pytest.raises(FormDataInvalid):
        flows.register_endpoint(hooks, "Org A", "http://127.0.0.1:9/x", [])
    with pytest.raises(FormDataInvalid) as refused:
        flows.register_endpoint(hooks, "Org A", "https://10.1.2.3/x", ["document.issued"])
    assert refused.value.details[0].rule == "webhook_url_public"
    with pytest.raises(FormDataInvalid):
        flows.outbox_row("Org A", "document.eaten", flows.EventPayload("d", {}))


def test_payloads_carry_public_facts_and_never_a_full_iin() -> None:
    issued = flows.document_issued(
        "https://qujat.example.kz/",
        id="doc1",
        form="qualification-certificate",
        lang="kk",
        status="issued",
        holder_name="Айгерім Сапарова",
        valid_until=date(2031, 6, 1),
        protocol_id="prot1",
    )
    doc = issued.data["document"]
    assert doc["links"]["verify_page"] == "https://qujat.example.kz/v/doc1"
    assert doc["links"]["pdf"] == "https://qujat.example.kz/v1/documents/doc1/pdf"
    assert doc["valid_until"] == "2031-06-01" and issued.subject == "doc1"
    revoked = flows.document_revoked(
        "https://q",
        id="doc1",
        form="f",
        holder_name=None,
        valid_until=None,
        protocol_id=None,
        revoked_at=datetime(2026, 12, 1, tzinfo=UTC),
        reason="wrong IIN 880101300123 typed",
    )
    row = flows.outbox_row("Org A", "document.revoked", revoked)
    text = json.dumps(row.payload)  # type: ignore[attr-defined]
    assert "880101300123" not in text and "********0123" in text


def test_claims_respect_the_lease(hooks: Webhooks) -> None:
    """A delivery leased by a (dead) dispatcher is left alone until its lease runs out."""
    from datetime import timedelta

    from registry.store import transaction

    with receiver() as r:
        _register(hooks, r)
        emit_now(hooks, "Org A", "document.issued", "doc1", 1)
        now = hooks.clock()
        with transaction(hooks.sessions) as s:
            store.fan_out(s, now, lambda at: at + timedelta(seconds=60))
        with transaction(hooks.sessions) as s:
            taken = store.claim(s, "dead", now, now + timedelta(seconds=1), lambda _: 5, 10)
        assert len(taken) == 1
        with transaction(hooks.sessions) as s:
            assert store.claim(s, "other", now, now + timedelta(seconds=1), lambda _: 5, 10) == []
        dispatcher = Dispatcher(hooks)
        dispatcher.start()
        try:
            time.sleep(0.5)
            assert not r.received  # still leased
            r.wait_for(1, timeout=5)  # the lease ran out: taken over
        finally:
            dispatcher.close()
