"""pyHanko's fetchers held to the allow-list: validation data gathered while signing
(``QUJAT_EMBED_REVOCATION``, the B-LTA upgrade with ``QUJAT_TSA_URL``) is fetched like every
other fetch of the server, through :func:`signing.pki_fetch.fetch` under a
:class:`~signing.pki_fetch.FetchPolicy`: only from the configured URL prefixes, no
redirects, a deadline and a size cap. A URL outside the list is never asked; the fetch fails
as pyHanko's own failures do (the signature's validation data is then incomplete).
"""

from __future__ import annotations

from asyncio import to_thread
from collections.abc import Awaitable, Iterable

import requests
from pyhanko_certvalidator.fetchers.api import FetcherBackend, Fetchers, FetchLimits
from pyhanko_certvalidator.fetchers.common_utils import FetchBudget
from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import (
    RequestsCertificateFetcher,
)
from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import RequestsOCSPFetcher

from signing.errors import FetchFailed, FetchRefused
from signing.pki_fetch import FetchPolicy, fetch

__all__ = ["AllowListFetcherBackend"]


def _answer(content: bytes) -> requests.Response:
    """A ``requests.Response`` holding ``content``: what pyHanko's fetchers read."""
    response = requests.Response()
    response.status_code = 200
    response._content = content
    return response


class _Guarded:
    """Replaces the fetchers' HTTP calls (``requests`` to any URL) with the policy's."""

    policy: FetchPolicy

    def _get(
        self, url: str, *, acceptable_content_types: Iterable[str]
    ) -> Awaitable[requests.Response]:
        return to_thread(self._guarded_fetch, url, None, "")

    def _post(
        self, url: str, data: bytes, *, content_type: str, acceptable_content_types: Iterable[str]
    ) -> Awaitable[requests.Response]:
        return to_thread(self._guarded_fetch, url, data, content_type)

    def _guarded_fetch(self, url: str, body: bytes | None, content_type: str) -> requests.Response:
        try:
            return _answer(fetch(url, self.policy, body=body, content_type=content_type))
        except (FetchRefused, FetchFailed) as exc:  # pyHanko's fetchers expect these
            raise requests.RequestException(exc.message) from None


class _CRLFetcher(_Guarded, RequestsCRLFetcher):
    def __init__(self, policy: FetchPolicy, budget: FetchBudget) -> None:
        super().__init__(per_request_timeout=policy.timeout, budget=budget)  # type: ignore[no-untyped-call]
        self.policy = policy


class _OCSPFetcher(_Guarded, RequestsOCSPFetcher):
    def __init__(self, policy: FetchPolicy, budget: FetchBudget) -> None:
        super().__init__(per_request_timeout=policy.timeout, budget=budget)
        self.policy = policy


class _CertificateFetcher(_Guarded, RequestsCertificateFetcher):
    def __init__(self, policy: FetchPolicy, budget: FetchBudget) -> None:
        super().__init__(per_request_timeout=policy.timeout, budget=budget)
        self.policy = policy


class AllowListFetcherBackend(FetcherBackend):
    """A ``ValidationContext(fetcher_backend=…)`` that fetches CRLs, OCSP answers and issuer
    certificates only under ``policy``."""

    def __init__(self, policy: FetchPolicy, limits: FetchLimits | None = None) -> None:
        self.policy = policy
        self.limits = limits or FetchLimits()

    def get_fetchers(self) -> Fetchers:
        """Fresh fetchers (and a fresh request budget) for one validation context."""
        budget = FetchBudget(self.limits)
        return Fetchers(
            ocsp_fetcher=_OCSPFetcher(self.policy, budget),
            crl_fetcher=_CRLFetcher(self.policy, budget),
            cert_fetcher=_CertificateFetcher(self.policy, budget),
        )

    async def close(self) -> None:
        """Nothing to release: each fetch opens and closes its own connection."""

    def __repr__(self) -> str:
        return f"AllowListFetcherBackend({self.policy.allowed_prefixes!r})"
