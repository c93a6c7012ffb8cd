"""Webhook delivery: events per second delivered, and latency from change to receipt.

``python -m bench.webhooks [--events N]``. A fresh SQLite registry in a temp dir, the
dispatcher as the server runs it (threads in this process), receivers on loopback
(``http.server``, checking each signature with HMAC as a receiver would):

* throughput: N events already committed to the outbox (over 100 documents), delivered to
  one endpoint (``per_endpoint`` requests in flight) and to four endpoints of four
  organisations;
* latency: events committed one by one at about 20 per second; the time from the commit
  of the change to the receiver reading the request, with the default poll interval and a
  short one.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from registry.migrate import upgrade
from registry.store import make_engine, transaction
from workflow import webhooks as flows
from workflow.outbound import OutboundPolicy
from workflow.webhook_dispatch import Dispatcher
from workflow.webhooks import EventPayload, WebhookConfig, Webhooks


class _Sink:
    def __init__(self) -> None:
        self.secret = b""
        self.lock = threading.Lock()
        self.arrivals: dict[str, tuple[float, float]] = {}  # id -> (committed, received)
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                now = time.time()
                msg_id, ts = self.headers["webhook-id"], self.headers["webhook-timestamp"]
                mac = hmac.new(sink.secret, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256)
                expected = "v1," + base64.b64encode(mac.digest()).decode()
                ok = expected in self.headers["webhook-signature"].split(" ")
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if ok:
                    committed = json.loads(body)["data"]["committed"]
                    with sink.lock:
                        sink.arrivals.setdefault(msg_id, (committed, now))

        return Handler

    def wait(self, n: int, timeout: float = 300) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.arrivals) >= n:
                    return time.monotonic()
            time.sleep(0.002)
        raise RuntimeError(f"{len(self.arrivals)} of {n} arrived")


def _context(tmp: Path, name: str, config: WebhookConfig) -> Webhooks:
    engine = make_engine(f"sqlite:///{tmp / name}.db")
    upgrade(engine)
    return Webhooks(sessionmaker(engine, expire_on_commit=False), lambda: datetime.now(UTC), config)


def _endpoint(hooks: Webhooks, org: str, sink: _Sink) -> None:
    _, secret = flows.register_endpoint(hooks, org, sink.url, ["document.issued"])
    sink.secret = base64.b64decode(secret.removeprefix("whsec_"))


def _emit(hooks: Webhooks, org: str, doc: str) -> None:
    with transaction(hooks.sessions) as s:
        flows.emit(s, org, "document.issued", EventPayload(doc, {"committed": time.time()}))


def throughput(tmp: Path, config: WebhookConfig, n: int, endpoints: int) -> float:
    hooks = _context(tmp, f"throughput{endpoints}", config)
    sinks = [_Sink() for _ in range(endpoints)]
    for i, sink in enumerate(sinks):
        _endpoint(hooks, f"org{i}", sink)
    for k in range(n):
        _emit(hooks, f"org{k % endpoints}", f"doc{k % 100}")
    dispatcher = Dispatcher(hooks)
    started = time.monotonic()
    dispatcher.start()
    ended = max(s.wait(n // endpoints) for s in sinks)
    dispatcher.close()
    for s in sinks:
        s.server.shutdown()
    return n / (ended - started)


def latency(tmp: Path, config: WebhookConfig, n: int) -> list[float]:
    hooks = _context(tmp, f"latency{config.poll_seconds}", config)
    sink = _Sink()
    _endpoint(hooks, "org", sink)
    dispatcher = Dispatcher(hooks)
    dispatcher.start()
    for k in range(n):
        _emit(hooks, "org", f"doc{k % 20}")
        time.sleep(0.05)
    sink.wait(n)
    dispatcher.close()
    sink.server.shutdown()
    return sorted((got - committed) * 1000 for committed, got in sink.arrivals.values())


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--latency-events", type=int, default=200)
    args = parser.parse_args()
    config = WebhookConfig(policy=OutboundPolicy(allow_http_loopback=True))
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        print("| measured | figure |\n|---|---|")
        one = throughput(tmp, config, args.events, 1)
        print(f"| {args.events} queued events, 1 endpoint ({config.per_endpoint} in flight) "
              f"| {one:.0f} events/s |")  # fmt: skip
        four = throughput(tmp, config, args.events, 4)
        print(f"| {args.events} queued events, 4 endpoints ({config.workers} threads) "
              f"| {four:.0f} events/s |")  # fmt: skip
        for poll in (config.poll_seconds, 0.02):
            lat = latency(tmp, replace(config, poll_seconds=poll), args.latency_events)
            print(f"| commit → receipt, {args.latency_events} events at ~20/s, poll {poll} s "
                  f"| p50 {statistics.median(lat):.0f} ms, p95 {_pct(lat, 0.95):.0f} ms, "
                  f"p99 {_pct(lat, 0.99):.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
