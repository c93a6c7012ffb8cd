"""ASGI middleware answering ``GET /v1/verify/{id}`` and ``GET /v/{id}`` from the worker's
:class:`~api.public_cache.PublicCache` without entering the framework.

FastAPI's routing, dependency solving and response validation cost ≈ 0.1 ms per request,
many times a cached answer's cost; this middleware sits inside the rate limit and the
request metrics (both still apply) and sends a current kept answer itself — a 304 when
``If-None-Match`` names it. An answer kept but due for revalidation is revalidated here,
together with every other answer due (one version query for all, in the thread pool;
requests arriving meanwhile wait for the same query). Anything else — a miss, a changed document, a
database error, any other path — goes on to the application unchanged, whose routes build
the answer through the same cache and whose one error handler renders any error.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.i18n import pick_lang
from api.public_cache import Answer, PublicCache, log_hit
from registry.store import is_id

__all__ = ["PublicLookups"]

_JSON_PREFIX = "/v1/verify/"
_PAGE_PREFIX = "/v/"
_NOT_IDS = frozenset({"check", "lookup"})


@dataclass(frozen=True)
class _Route:
    """What :class:`api.metrics.RequestMetrics` reads of a matched route: its template."""

    path: str


_JSON_ROUTE = _Route("/v1/verify/{doc_id}")
_PAGE_ROUTE = _Route("/v/{doc_id}")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _lang(scope: Scope) -> str:
    query = scope.get("query_string") or b""
    wanted = None
    if b"lang=" in query:
        wanted = dict(parse_qsl(query.decode("latin-1"))).get("lang")
    return pick_lang(wanted, _header(scope, b"accept-language"))


class PublicLookups:
    """Sends kept public answers; passes everything else on."""

    def __init__(self, app: ASGIApp, cache: PublicCache) -> None:
        self.app, self.cache = app, cache
        self._revalidating: asyncio.Future[set[str]] | None = None
        """The revalidation under way: requests due at the same time wait for one query."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(_JSON_PREFIX):
            doc_id, kind, via, route = path[len(_JSON_PREFIX) :], "json", "json", _JSON_ROUTE
        elif path.startswith(_PAGE_PREFIX):
            doc_id, via, route = path[len(_PAGE_PREFIX) :], "page", _PAGE_ROUTE
            kind = "" if doc_id in _NOT_IDS else f"page:{_lang(scope)}"
        else:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = await self._kept(doc_id, kind) if kind and is_id(doc_id) else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = route
        await _send(send, answer, answer.matches(_header(scope, b"if-none-match")))
        log_hit(doc_id, answer, via, started)

    async def _kept(self, doc_id: str, kind: str) -> Answer | None:
        answer = self.cache.fresh(doc_id, kind)
        if answer is not None or not self.cache.has(doc_id, kind):
            return answer
        for _ in range(2):  # a revalidation already under way may not have included this id
            task = self._revalidating
            if task is None or task.done():
                due = self.cache.due(doc_id)
                task = asyncio.ensure_future(run_in_threadpool(self.cache.revalidate_many, due))
                self._revalidating = task
            try:
                await asyncio.shield(task)
            except Exception:  # the application's route meets the same error and renders it
                return None
            answer = self.cache.fresh(doc_id, kind)
            if answer is not None or not self.cache.has(doc_id, kind):
                return answer
        return None


async def _send(send: Send, answer: Answer, not_modified: bool) -> None:
    if not_modified:
        start = {"type": "http.response.start", "status": 304, "headers": answer.raw_not_modified}
        await send(start)
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": answer.status, "headers": answer.raw})
    await send({"type": "http.response.body", "body": answer.body})
