"""Outbound HTTP for webhook deliveries, made safe against the receivers we are told of.

An organisation chooses the URL we post to, so the URL is hostile input: it could point at
the cloud metadata service, a database on the private network, or a host whose DNS answer
changes between our check and our connection (DNS rebinding). So:

- ``https`` only, unless the operator allows plain ``http`` to loopback (development);
- the host is resolved once, *every* address it resolves to is checked, and the connection
  goes to the checked address (TLS still verifies the certificate against the host name);
- private, loopback, link-local, multicast and reserved addresses are refused unless the
  operator allows them;
- redirects are never followed (``http.client`` follows none); a short timeout bounds the
  whole request, and at most ``max_response_bytes`` of the answer are read.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from forms.errors import ErrorDetail, FormDataInvalid

__all__ = ["OutboundPolicy", "Response", "UrlRefused", "check_url", "post"]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(FormDataInvalid):
    """The webhook URL may not be called (scheme, credentials, address); ``rule`` says why."""


@dataclass(frozen=True)
class OutboundPolicy:
    """What the operator allows outbound requests to do."""

    allow_http_loopback: bool = False
    """Plain ``http`` to a loopback address (development only); never to anywhere else."""
    allow_private: bool = False
    """``https`` to private, loopback and link-local addresses (a receiver on the
    operator's own network)."""
    timeout_seconds: float = 5.0
    """The whole request (connect, send, read) must finish within this."""
    max_response_bytes: int = 64 * 1024
    """At most this much of a response is read; the rest is ignored."""


@dataclass(frozen=True)
class Response:
    """What a receiver answered."""

    status: int
    body: bytes
    """At most ``max_response_bytes`` of the body."""
    truncated: bool


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]
    """Every address the host resolved to, each checked; connections go to these only."""

    @property
    def address(self) -> str:
        return self.addresses[0]


def _refuse(rule: str, message: str) -> UrlRefused:
    return UrlRefused([ErrorDetail("url", rule, message)], f"The webhook URL is refused: {message}")


def _allowed(ip: IpAddress, policy: OutboundPolicy, scheme: str) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if ip.is_multicast or ip.is_unspecified:
        return False
    if scheme == "http":  # plain http only ever to this machine, and only if allowed
        return policy.allow_http_loopback and ip.is_loopback
    return ip.is_global or policy.allow_private


def _resolve(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse("webhook_url_resolves", f"{host!r} does not resolve") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_url(url: str, policy: OutboundPolicy) -> _Target:
    """Where a request to ``url`` would go; :class:`UrlRefused` if it may not go there."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("webhook_url_syntax", "not a URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _refuse("webhook_url_https", "the URL must be https://host/…")
    if parts.username is not None or parts.password is not None:
        raise _refuse("webhook_url_credentials", "no user or password in the URL")
    if parts.scheme == "http" and not policy.allow_http_loopback:
        raise _refuse("webhook_url_https", "only https URLs are allowed")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise _refuse("webhook_url_resolves", f"{host!r} does not resolve")
    for ip in addresses:
        if parts.scheme == "http" and not ip.is_loopback:
            raise _refuse("webhook_url_https", "plain http is allowed to loopback only")
        if not _allowed(ip, policy, parts.scheme):
            raise _refuse(
                "webhook_url_public",
                f"{host!r} resolves to {ip}, a private, loopback or reserved address",
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    checked = tuple(dict.fromkeys(str(ip) for ip in addresses))  # in the resolver's order
    return _Target(parts.scheme, host, port, path, checked)


def _connect(addresses: tuple[str, ...], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of ``addresses`` that answers (no second name lookup,
    not even of a literal: ``socket.create_connection`` would ask the resolver again)."""
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect((address, port))
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate checks against the host name."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        sock = _connect(self._addresses, self.port, self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _Deadline(OSError):
    """The receiver took longer than the whole request may."""


def post(url: str, body: bytes, headers: dict[str, str], policy: OutboundPolicy) -> Response:
    """POST ``body`` to ``url`` under ``policy``. Raises :class:`UrlRefused` for a URL that
    may not be called and :class:`OSError` (incl. ``TimeoutError``) when the request fails;
    a redirect is an answer like any other (not followed)."""
    target = check_url(url, policy)
    deadline = time.monotonic() + policy.timeout_seconds
    conn: http.client.HTTPConnection = (
        _PinnedHTTPS(target, policy.timeout_seconds)
        if target.scheme == "https"
        else _PinnedHTTP(target, policy.timeout_seconds)
    )
    # socket timeouts bound each read, not their sum: a receiver dripping one byte at a
    # time would hold the request forever, so the socket is shut at the deadline
    watchdog = threading.Timer(policy.timeout_seconds, _shut, args=(conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "Qujat-Webhooks/1",
                "Connection": "close",
            },
        )
        answer = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size <= policy.max_response_bytes:
            if time.monotonic() > deadline:  # a receiver dripping bytes must not hold us
                raise _Deadline("response too slow")
            chunk = answer.read1(min(8192, policy.max_response_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        truncated = len(data) > policy.max_response_bytes
        return Response(answer.status, data[: policy.max_response_bytes], truncated)
    except http.client.HTTPException as exc:
        if time.monotonic() > deadline:
            raise TimeoutError("the receiver took too long") from None
        raise OSError(f"bad HTTP answer: {type(exc).__name__}") from None
    except OSError:
        if time.monotonic() > deadline:
            raise TimeoutError("the receiver took too long") from None
        raise
    finally:
        watchdog.cancel()
        conn.close()


def _shut(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
