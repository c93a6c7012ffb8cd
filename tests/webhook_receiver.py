"""A real webhook receiver on loopback for the tests: ``http.server`` in a thread.

It verifies every request with the ``standardwebhooks`` package (the one platform engineers
use), keeps what it received, and can be told to answer 500, to be slow, to redirect, to
answer a huge body, or to be down (its socket closed) for a while.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    body: dict[str, Any]
    at: float


@dataclass
class Receiver:
    """State shared with the handler threads."""

    secrets: list[str] = field(default_factory=list)
    mode: str = "ok"
    """ok | fail | slow | redirect | big"""
    slow_seconds: float = 2.0
    received: list[Received] = field(default_factory=list)
    """Every verified request, duplicates included, in arrival order."""
    refused: int = 0
    """Requests whose signature no secret verified."""
    truncated: int = 0
    """Requests whose body ended before its Content-Length: the sender died mid-send (a SIGKILL
    test does that on purpose). Nothing was delivered; the sender must send it again."""
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def unique(self) -> dict[str, Received]:
        """The first arrival of each ``webhook-id`` (what a deduplicating receiver keeps)."""
        with self.lock:
            out: dict[str, Received] = {}
            for r in self.received:
                out.setdefault(r.webhook_id, r)
            return out

    def wait_for(self, count: int, timeout: float = 30.0) -> dict[str, Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.unique()
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{len(self.unique())} of {count} events arrived")

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            declared = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(declared)
            if len(body) < declared:  # the connection closed mid-body: no answer can reach it
                with state.lock:
                    state.truncated += 1
                return
            with state.lock:
                state.requests += 1
                mode = state.mode
            if mode == "slow":
                time.sleep(state.slow_seconds)
            if mode == "fail":
                self._answer(500, b"receiver broken: " + b"x" * 5000)
                return
            if mode == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {k: v for k, v in self.headers.items()}
            payload = None
            for secret in state.secrets:
                try:
                    payload = Webhook(secret).verify(body, headers)
                    break
                except WebhookVerificationError:
                    continue
            if payload is None:
                with state.lock:
                    state.refused += 1
                self._answer(401, b"bad signature")
                return
            with state.lock:
                state.received.append(
                    Received(headers["webhook-id"], json.loads(body), time.monotonic())
                )
            self._answer(200, b"x" * 10_000_000 if mode == "big" else b"ok")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading: the size cap
                self.wfile.write(body)

    return Handler


@contextmanager
def receiver(*secrets: str) -> Iterator[Receiver]:
    """A started receiver trusting ``secrets`` (more may be appended later)."""
    r = Receiver(secrets=list(secrets))
    r.start()
    try:
        yield r
    finally:
        r.stop()
