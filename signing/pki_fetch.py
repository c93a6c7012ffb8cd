"""Fetching CRLs and OCSP answers from configured places only.

A certificate names its CRL and OCSP URLs, but a certificate that is not yet trusted must
never make the server open a connection (a blind SSRF). So every fetch goes through a
:class:`FetchPolicy`: the URL must start with one of the configured prefixes (the NCA's
CRL/OCSP services by default), redirects are not followed, the whole exchange has a short
deadline and the body a size cap. A refused URL is a 422, a failed or slow fetch a 503.
"""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.parse
from dataclasses import dataclass

from asn1crypto import ocsp, x509

from forms.errors import ErrorDetail
from signing.errors import FetchFailed, FetchRefused

#: The NCA RK's public services (production and test).
NCA_PREFIXES = (
    "http://crl.pki.gov.kz/",
    "http://ocsp.pki.gov.kz/",
    "http://test.pki.gov.kz/crl/",
    "http://test.pki.gov.kz/ocsp/",
)


@dataclass(frozen=True)
class FetchPolicy:
    """Where the server may fetch from, how long it waits and how much it reads."""

    allowed_prefixes: tuple[str, ...] = NCA_PREFIXES
    timeout: float = 3.0
    max_bytes: int = 4 * 1024 * 1024

    def allows(self, url: str) -> bool:
        """True if `url` is a plain http(s) URL under one of the prefixes."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or parts.username or parts.password:
            return False
        if not parts.hostname or any(c in url for c in "\r\n\t \\"):
            return False
        normal = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, "")
        )
        return any(normal.startswith(p) for p in self.allowed_prefixes)


def _refused(url: str) -> FetchRefused:
    msg = "Revocation data may only be fetched from the configured services"
    return FetchRefused(msg, [ErrorDetail("url", "fetch_not_allowed", url[:200])])


def fetch(
    url: str, policy: FetchPolicy, *, body: bytes | None = None, content_type: str = ""
) -> bytes:
    """GET (or POST `body`) `url` under `policy`; the response body, or FetchRefused/Failed."""
    if not policy.allows(url):
        raise _refused(url)
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""  # allows() guarantees a host
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    deadline = time.monotonic() + policy.timeout
    conn = conn_cls(host, parts.port, timeout=policy.timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    resp: http.client.HTTPResponse | None = None
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
        resp = conn.getresponse()
        if resp.status != 200:
            # a redirect is not followed: its target was never checked against the policy
            raise FetchFailed(f"The revocation service answered HTTP {resp.status}")
        declared = resp.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchFailed("The revocation service's answer is too large")
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchFailed("The revocation service did not answer in time")
            chunk = resp.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchFailed("The revocation service's answer is too large")
            chunks.append(chunk)
        return b"".join(chunks)
    except TimeoutError as exc:
        raise FetchFailed("The revocation service did not answer in time") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchFailed(f"The revocation service is unreachable: {type(exc).__name__}") from exc
    finally:
        if resp is not None:  # an answer refused unread still holds the socket
            resp.close()
        conn.close()


def ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    """A DER OCSPRequest for `cert` (SHA-1 CertID, as the NCA's responder accepts)."""
    req = ocsp.OCSPRequest(
        {
            "tbs_request": {
                "request_list": [
                    {
                        "req_cert": {
                            "hash_algorithm": {"algorithm": "sha1"},
                            "issuer_name_hash": hashlib.sha1(issuer.subject.dump()).digest(),
                            "issuer_key_hash": hashlib.sha1(
                                issuer.public_key["public_key"].contents[1:]
                            ).digest(),
                            "serial_number": cert.serial_number,
                        }
                    }
                ]
            }
        }
    )
    return bytes(req.dump())


def fetch_crl(url: str, policy: FetchPolicy) -> bytes:
    """A CRL's bytes from an allowed URL."""
    return fetch(url, policy)


def fetch_ocsp(
    url: str, cert: x509.Certificate, issuer: x509.Certificate, policy: FetchPolicy
) -> bytes:
    """An OCSP response for `cert` from an allowed responder URL."""
    return fetch(
        url, policy, body=ocsp_request(cert, issuer), content_type="application/ocsp-request"
    )


def fetch_revocation(
    cert: x509.Certificate, issuer: x509.Certificate, policy: FetchPolicy
) -> tuple[list[bytes], list[bytes]]:
    """The CRLs and OCSP answers (DER) `cert`'s own CRL distribution points and OCSP URLs
    give, asking only the URLs `policy` allows (any other is skipped without a request).
    Call it only for a certificate already chained to an anchor: its URLs are then the CA's
    word, not an attacker's. FetchFailed if an allowed URL does not answer."""
    ocsps = [fetch_ocsp(url, cert, issuer, policy) for url in cert.ocsp_urls if policy.allows(url)]
    crl_urls = [p.url for p in cert.crl_distribution_points if p.url]
    crls = [fetch_crl(url, policy) for url in crl_urls if policy.allows(url)]
    return crls, ocsps
