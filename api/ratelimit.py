"""Rate limits on the public endpoints: a token bucket per client IP and endpoint class.

Two classes: *lookups* (``/v/{id}``, ``/v1/verify/{id}``, keys, status list; cheap) and
*uploads* (``POST /v1/verify``, ``POST /v/check``; each costs a PDF validation). A client
starts with ``burst`` tokens, each request spends one, and tokens come back at the sustained
rate; an empty bucket answers 429 ``rate_limited`` with ``Retry-After``.

The buckets live in this process's memory: with N workers a client gets up to N times the
rate. That is deliberate: a bucket in PostgreSQL would cost a write per lookup (the hot,
public path), and a limiter that fails open is better than one that needs a shared store to
answer. Set the rates per worker, or limit at the load balancer (README, Production).
The client is the address the deployment trusts (:func:`client_address`): the socket peer,
unless that peer is a proxy named in ``QUJAT_FORWARDED_ALLOW_IPS`` (``qujat serve
--forwarded-allow-ips``), whose ``X-Forwarded-For`` then names it. By default no proxy is
trusted, not even loopback: otherwise any client could open a fresh bucket per request with
a made-up header. A third class, *sign*, covers the public signing pages (``/sign/*``).
"""

from __future__ import annotations

import ipaddress
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_body
from forms.errors import ErrorDetail

__all__ = ["Bucket", "RateLimit", "TrustedProxies", "client_address", "endpoint_class"]

_MAX_CLIENTS = 100_000  # buckets kept; the least recently seen client is forgotten first


@dataclass(frozen=True)
class Bucket:
    """A token bucket's shape."""

    rate_per_second: float
    """Tokens regained per second (the sustained rate)."""
    burst: int
    """Tokens a new client starts with, and the most it can save up."""


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies whose forwarded headers count; empty: none (the default)."""

    networks: tuple[_Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> TrustedProxies:
        """From addresses or networks (``10.0.0.1``, ``10.0.0.0/8``, ``::1``); a comma list
        in one entry is split. :class:`ValueError` for anything else."""
        return _parse(tuple(entries))

    def trusts(self, address: str) -> bool:
        """Whether ``address`` is one of the proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)


@lru_cache(maxsize=16)
def _parse(entries: tuple[str, ...]) -> TrustedProxies:
    parts = [p.strip() for e in entries for p in e.split(",") if p.strip()]
    if "*" in parts:
        raise ValueError("trusting every address as a proxy voids the rate limits")
    return TrustedProxies(tuple(ipaddress.ip_network(p, strict=False) for p in parts))


def client_address(scope: Scope, proxies: TrustedProxies) -> str:
    """The client address to key limits on.

    The socket peer, unless it is a trusted proxy: then the right-most ``X-Forwarded-For``
    entry that is not itself a trusted proxy. A header that does not parse (or names only
    proxies) counts as the proxy's own address, so junk cannot open new buckets.
    """
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not proxies.networks or not proxies.trusts(peer):
        return peer
    values = [v for k, v in scope.get("headers") or [] if k.lower() == b"x-forwarded-for"]
    if not values:
        return peer
    try:
        hops = [h.strip() for h in b",".join(values).decode("ascii").split(",")]
        addresses = [str(ipaddress.ip_address(h)) for h in hops]
    except (UnicodeDecodeError, ValueError):
        return peer
    for address in reversed(addresses):
        if not proxies.trusts(address):
            return address
    return peer


def endpoint_class(method: str, path: str) -> str | None:
    """``"upload"``, ``"lookup"``, ``"sign"`` or ``None`` (not limited here: authenticated
    or health)."""
    if method == "POST" and path in ("/v1/verify", "/v/check"):
        return "upload"
    if method == "POST" and path in ("/v1/verify/lookup", "/v/lookup"):
        return "upload"  # an IIN is guessable: held to the stricter bucket
    if path.startswith("/sign/"):
        return "sign"
    if method in ("GET", "HEAD") and (
        path.startswith(("/v/", "/v1/verify/", "/.well-known/qujat/")) or path == "/v1/status-list"
    ):
        return "lookup"
    return None


class RateLimit:
    """ASGI middleware applying :class:`Bucket` limits per (client IP, endpoint class)."""

    def __init__(
        self,
        app: ASGIApp,
        buckets: dict[str, Bucket],
        clock: Callable[[], float] = time.monotonic,
        proxies: TrustedProxies | None = None,
    ) -> None:
        self.app, self.buckets, self.clock = app, buckets, clock
        self.proxies = proxies or TrustedProxies()
        # (ip, class) -> (tokens, last refill); one event loop, so no lock is needed
        self._state: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = endpoint_class(scope["method"], scope["path"])
        bucket = self.buckets.get(kind) if kind else None
        if bucket is None or kind is None:
            await self.app(scope, receive, send)
            return
        wait = self._take((client_address(scope, self.proxies), kind), bucket)
        if wait > 0:
            await _too_many(send, wait)
            return
        await self.app(scope, receive, send)

    def _take(self, key: tuple[str, str], bucket: Bucket) -> float:
        """Spend a token; 0 if there was one, else the seconds until there will be."""
        now = self.clock()
        tokens, last = self._state.pop(key, (float(bucket.burst), now))
        tokens = min(float(bucket.burst), tokens + (now - last) * bucket.rate_per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / bucket.rate_per_second
        self._state[key] = (tokens, now)
        if len(self._state) > _MAX_CLIENTS:
            self._state.popitem(last=False)
        return wait


async def _too_many(send: Send, wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    body = error_body(
        "rate_limited",
        f"Too many requests; try again in {seconds} s",
        [ErrorDetail("client", "rate_limit", f"retry after {seconds} s")],
    )
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"retry-after", str(seconds).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
