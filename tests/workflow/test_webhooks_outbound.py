"""Outbound safety of webhook requests: https only in production, no private addresses,
every resolved address checked, no redirects followed, a size cap and a timeout."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from api.settings import Settings
from api.webhooks import webhook_config
from tests.webhook_receiver import receiver
from workflow.outbound import OutboundPolicy, UrlRefused, check_url, post

PRODUCTION = OutboundPolicy()
DEVELOPMENT = OutboundPolicy(allow_http_loopback=True, timeout_seconds=1.0, max_response_bytes=1000)


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://93.184.216.34/hook", "webhook_url_https"),  # plain http, even to a public host
        ("http://127.0.0.1:8080/hook", "webhook_url_https"),  # production: not even loopback
        ("ftp://93.184.216.34/hook", "webhook_url_https"),
        ("https://user:pw@93.184.216.34/hook", "webhook_url_credentials"),
        ("https://10.0.0.1/hook", "webhook_url_public"),
        ("https://192.168.1.10/hook", "webhook_url_public"),
        ("https://172.16.5.4/hook", "webhook_url_public"),
        ("https://169.254.169.254/latest/meta-data", "webhook_url_public"),  # cloud metadata
        ("https://127.0.0.1/hook", "webhook_url_public"),
        ("https://[::1]/hook", "webhook_url_public"),
        ("https://[fe80::1]/hook", "webhook_url_public"),
        ("https://[::ffff:10.0.0.1]/hook", "webhook_url_public"),
        ("https://0.0.0.0/hook", "webhook_url_public"),
        ("https://224.0.0.1/hook", "webhook_url_public"),
        ("https://100.64.0.1/hook", "webhook_url_public"),  # carrier-grade NAT
        ("https://localhost/hook", "webhook_url_public"),  # a name resolving to loopback
        ("https://no-such-host.invalid/hook", "webhook_url_resolves"),
        ("not a url", "webhook_url_https"),
    ],
)
def test_production_refuses(url: str, rule: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        check_url(url, PRODUCTION)
    assert refused.value.details[0].rule == rule
    assert refused.value.http_status == 422


def test_production_accepts_a_public_https_address() -> None:
    target = check_url("https://93.184.216.34:8443/hook?x=1", PRODUCTION)
    assert (target.address, target.port, target.path) == ("93.184.216.34", 8443, "/hook?x=1")


def test_development_allows_http_to_loopback_only() -> None:
    assert check_url("http://127.0.0.1:9/hook", DEVELOPMENT).address == "127.0.0.1"
    with pytest.raises(UrlRefused):
        check_url("http://10.0.0.1/hook", DEVELOPMENT)
    with pytest.raises(UrlRefused):  # private stays refused in development too
        check_url("https://10.0.0.1/hook", DEVELOPMENT)


def test_the_operator_may_allow_private_https_but_never_private_http() -> None:
    allowing = OutboundPolicy(allow_private=True)
    assert check_url("https://10.0.0.1/hook", allowing).address == "10.0.0.1"
    with pytest.raises(UrlRefused):
        check_url("http://10.0.0.1/hook", allowing)


def test_settings_never_allow_http_in_production(tmp_path: Any) -> None:
    dev = webhook_config(Settings(data_dir=tmp_path))
    assert dev.policy.allow_http_loopback
    prod = Settings.model_construct(
        **{**Settings(data_dir=tmp_path).model_dump(), "env": "production"}
    )
    assert not webhook_config(prod).policy.allow_http_loopback


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name resolving to a public and a private address is refused (rebinding, split DNS)."""

    def two_answers(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(UrlRefused) as refused:
        check_url("https://hooks.example.kz/x", PRODUCTION)
    assert "10.0.0.7" in refused.value.details[0].message


def test_the_connection_goes_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolved once: a second, different DNS answer is never used for the connection."""
    with receiver() as r:
        answers = iter([("127.0.0.1", r.port), ("10.9.9.9", r.port)])

        def rebinding(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", next(answers))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        r.mode = "redirect"  # any answer will do; it must come from the checked address
        answer = post(f"http://rebind.test:{r.port}/hook", b"{}", {}, DEVELOPMENT)
    assert answer.status == 302 and r.requests == 1


def test_redirects_are_not_followed() -> None:
    with receiver() as r, receiver() as elsewhere:
        r.mode = "redirect"
        answer = post(r.url, b"{}", {}, DEVELOPMENT)
        assert answer.status == 302
        assert elsewhere.requests == 0 and r.requests == 1


def test_a_huge_answer_is_cut_at_the_cap() -> None:
    from signing.webhooks import new_secret, signed_headers

    secret = new_secret()
    with receiver(secret) as r:
        r.mode = "big"  # ten megabytes after a valid signature
        body = b'{"type":"document.issued"}'
        headers = signed_headers([secret], "msg_1", int(time.time()), body)
        started = time.monotonic()
        answer = post(r.url, body, headers, DEVELOPMENT)
    assert answer.status == 200 and answer.truncated
    assert len(answer.body) == DEVELOPMENT.max_response_bytes
    assert time.monotonic() - started < 2


def test_a_slow_receiver_times_out() -> None:
    with receiver() as r:
        r.mode, r.slow_seconds = "slow", 3.0
        started = time.monotonic()
        with pytest.raises(OSError):
            post(r.url, b"{}", {}, OutboundPolicy(allow_http_loopback=True, timeout_seconds=0.5))
        assert time.monotonic() - started < 2


def test_a_receiver_dripping_bytes_is_cut_at_the_timeout() -> None:
    """Each byte comes before the socket timeout; the whole answer never does."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def drip() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        try:
            for _ in range(50):
                conn.sendall(b"H")
                time.sleep(0.1)
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        post(f"http://127.0.0.1:{port}/x", b"{}", {}, OutboundPolicy(allow_http_loopback=True,
             timeout_seconds=0.5))  # fmt: skip
    assert time.monotonic() - started < 1.0
    server.close()
