"""The public answers about a document id — ``GET /v1/verify/{id}`` and the page
``/v/{id}`` — kept in this worker's memory, ready to send, and revalidated cheaply.

Building a view costs a document read, its revisions, the rulebook and a serialisation or
a Jinja render (≈ 1–3 ms); a cached answer costs a dictionary read. Each entry remembers the
document's version (:func:`registry.versions.document_version`) and is trusted for at most
:data:`REVALIDATE_SECONDS`; after that the next request reads the version again (one
indexed query) and keeps the entry only if it is unchanged. So a revocation, a new
countersignature or an LTV upgrade made by any process shows on every worker within
:data:`REVALIDATE_SECONDS` (0.25 s), whatever the clocks say. A write committed by this
process (:class:`registry.versions.WriteCounter`) makes every entry revalidate at once, and
the day changing does too (``expired`` is a matter of the date).

HTTP caches downstream get ``ETag`` (the body's hash: ``If-None-Match`` answers 304) and
``Cache-Control: public, max-age=1`` (:data:`CACHE_CONTROL`): a CDN may keep an answer one
second, so a revocation is hidden behind it for at most 1 s + 0.25 s. These answers hold
public facts only, the same for every visitor (no authorisation, no cookie); the page
varies by language alone (``?lang=`` is in the URL, ``Accept-Language`` is named in
``Vary``). Unknown ids are not kept (nothing to save, and no memory for a scanner).
Memory is bounded by :data:`MAX_BYTES` of bodies, least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request, Response

from api.pages import SECURITY_HEADERS, render_page
from api.responses import verification_public
from api.schemas import VerificationPublic
from registry.versions import DocumentVersion, WriteCounter, document_version, document_versions
from workflow import logged_lookup
from workflow.context import Context
from workflow.public import PublicView

__all__ = [
    "CACHE_CONTROL",
    "MAX_BYTES",
    "REVALIDATE_SECONDS",
    "Answer",
    "PublicCache",
    "json_answer",
    "log_hit",
    "page_answer",
    "page_context",
    "public_cache",
    "respond",
]

REVALIDATE_SECONDS = 0.25
"""How long an entry is trusted before its document's version is read again."""
MAX_BYTES = 8 * 1024 * 1024
"""Bodies kept per worker, at most (≈ 1,000 documents with JSON and a page in each language)."""
REVALIDATE_BATCH = 500
"""Ids revalidated by one query, at most."""
CACHE_CONTROL = "public, max-age=1"
"""What downstream caches are told: keep it one second (then ask, with the ETag)."""

_JSON = "json"
log = logging.getLogger("qujat.verify")


@dataclass(frozen=True)
class Answer:
    """A response ready to send: status, body, its ETag and headers."""

    status: int
    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]
    """Every header but Content-Length (the ETag and Cache-Control among them)."""
    view_status: str
    """The document's status (``valid``, ``revoked``…), for the lookup log."""
    raw: tuple[tuple[bytes, bytes], ...] = ()
    """The headers as ASGI sends them, Content-Length included."""
    raw_not_modified: tuple[tuple[bytes, bytes], ...] = ()
    """The headers of its 304: ETag, Cache-Control, Vary."""

    def header_dict(self) -> dict[str, str]:
        """The headers as a dict (for a Starlette response)."""
        return dict(self.headers)

    def matches(self, if_none_match: str | None) -> bool:
        """Whether an ``If-None-Match`` header names this answer (→ 304)."""
        if not if_none_match:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or self.etag in tags


def _answer(status: int, body: bytes, media: str, extra: dict[str, str], shown: str) -> Answer:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"content-type": media, **extra, "cache-control": CACHE_CONTROL, "etag": etag}
    raw = tuple((k.encode(), v.encode()) for k, v in headers.items())
    kept = (b"etag", b"cache-control", b"vary")
    return Answer(
        status, body, etag, tuple(headers.items()), shown,
        raw=(*raw, (b"content-length", str(len(body)).encode())),
        raw_not_modified=tuple(h for h in raw if h[0] in kept),
    )  # fmt: skip


_PAGE_HEADERS = {
    **{k.lower(): v for k, v in SECURITY_HEADERS.items() if k != "Cache-Control"},
    "vary": "Accept-Language",
}


def page_context(view: VerificationPublic | None, lang: str) -> dict[str, Any]:
    """What the verification templates are given: the view, the form's title and the
    category in the page's language."""
    if view is None or not view.form_title:
        return {"v": view, "title": "", "category": None}
    title = view.form_title["ru" if lang == "ru" else "kk"]
    category = view.details.get("category_ru" if lang == "ru" else "category_kk")
    return {"v": view, "title": title, "category": category}


def log_hit(doc_id: str, answer: Answer, via: str, started: float) -> None:
    """Log a lookup answered from memory as :func:`workflow.logged_lookup` logs the others
    (id, status, latency; ``started`` is its ``perf_counter()``, 0 for "not timed")."""
    if log.isEnabledFor(logging.INFO):
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            "lookup id=%s status=%s via=%s ms=%.1f cached", doc_id, answer.view_status, via, ms
        )


def json_answer(view: PublicView) -> Answer:
    """``GET /v1/verify/{id}``'s answer for ``view``."""
    body = verification_public(view).model_dump_json().encode()
    return _answer(200, body, "application/json", {}, str(view.status))


def page_answer(view: PublicView, lang: str) -> Answer:
    """``/v/{id}``'s answer for ``view`` in ``lang`` (404 for an unknown id)."""
    public = verification_public(view)
    status = 404 if public.status == "unknown" else 200
    html = render_page("verify.html", lang, status, **page_context(public, lang)).body
    return _answer(status, bytes(html), "text/html; charset=utf-8", _PAGE_HEADERS, public.status)


def respond(answer: Answer, request: Request) -> Response:
    """``answer`` as a response to ``request``: 304 if its ``If-None-Match`` names it."""
    if answer.matches(request.headers.get("if-none-match")):
        kept = ("etag", "cache-control", "vary")
        return Response(status_code=304, headers={k: v for k, v in answer.headers if k in kept})
    return Response(answer.body, status_code=answer.status, headers=answer.header_dict())


def public_cache(request: Request) -> PublicCache:
    """The worker's cache of public answers (made by :func:`api.app.create_app`)."""
    cache: PublicCache = request.app.state.public_cache
    return cache


@dataclass
class _Entry:
    version: DocumentVersion
    day: date
    writes: int
    """This process's write count when the entry was last found current."""
    checked: float
    """``time.monotonic()`` when it was last found current."""
    answers: dict[str, Answer] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(a.body) for a in self.answers.values()) + 512


class PublicCache:
    """This worker's public answers by document id (thread-safe: the event loop reads it,
    the thread pool fills it)."""

    def __init__(
        self,
        ctx: Context,
        writes: WriteCounter,
        *,
        revalidate_seconds: float = REVALIDATE_SECONDS,
        max_bytes: int = MAX_BYTES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx, self.writes = ctx, writes
        self.revalidate_seconds, self.max_bytes = revalidate_seconds, max_bytes
        self._monotonic = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _today(self) -> date:
        return self.ctx.clock().date()

    # Without I/O: what the event loop may call

    def fresh(self, doc_id: str, kind: str) -> Answer | None:
        """The kept answer ``kind`` (``json`` or ``page:<lang>``) if it may be sent without
        asking the registry; else ``None``."""
        with self._lock:
            entry = self._entries.get(doc_id)
            if entry is None or (answer := entry.answers.get(kind)) is None:
                return None
            if not self._current(entry):
                return None
            self._entries.move_to_end(doc_id)
            return answer

    def _current(self, entry: _Entry) -> bool:
        return (
            entry.writes == self.writes.value
            and self._monotonic() - entry.checked < self.revalidate_seconds
            and entry.day == self._today()
        )

    def has(self, doc_id: str, kind: str) -> bool:
        """Whether an answer is kept (fresh or not) — worth a revalidation."""
        with self._lock:
            entry = self._entries.get(doc_id)
            return entry is not None and kind in entry.answers

    # With I/O: for the thread pool

    def due(self, first: str, limit: int = REVALIDATE_BATCH) -> list[str]:
        """``first`` and the other kept ids due for revalidation, most recently used
        first, at most ``limit``: one query revalidates them all."""
        with self._lock:
            due = [first]
            for doc_id in reversed(self._entries):
                if len(due) >= limit:
                    break
                if doc_id != first and not self._current(self._entries[doc_id]):
                    due.append(doc_id)
            return due

    def revalidate(self, doc_id: str) -> bool:
        """Read the document's version; keep the entry (fresh again) if it is unchanged,
        drop it otherwise. Whether it was kept."""
        return doc_id in self.revalidate_many([doc_id])

    def revalidate_many(self, doc_ids: list[str]) -> set[str]:
        """:meth:`revalidate` for each of ``doc_ids`` in one query; the ids kept."""
        writes, checked, day = self.writes.value, self._monotonic(), self._today()
        versions = document_versions(self.ctx.registry.engine, doc_ids)
        kept = set()
        with self._lock:
            for doc_id in doc_ids:
                entry = self._entries.get(doc_id)
                if entry is None:
                    continue
                if versions.get(doc_id) != entry.version or day != entry.day:
                    self._drop(doc_id)
                    continue
                entry.writes, entry.checked = writes, checked
                kept.add(doc_id)
        return kept

    def json(self, doc_id: str) -> Answer:
        """``GET /v1/verify/{id}``'s answer, from memory when current."""
        return self._answer(doc_id, _JSON, "json", json_answer)

    def page(self, doc_id: str, lang: str) -> Answer:
        """``/v/{id}``'s answer in ``lang``, from memory when current."""
        return self._answer(doc_id, f"page:{lang}", "page", lambda v: page_answer(v, lang))

    def _answer(
        self, doc_id: str, kind: str, via: str, build: Callable[[PublicView], Answer]
    ) -> Answer:
        kept = self.fresh(doc_id, kind)
        if kept is None and self.has(doc_id, kind) and self.revalidate(doc_id):
            kept = self.fresh(doc_id, kind)
        if kept is not None:
            log_hit(doc_id, kept, via, 0.0)
            return kept
        # the version first, then the view: a change in between leaves an entry that the
        # next revalidation finds outdated, never a stale view under a current version
        writes, checked, day = self.writes.value, self._monotonic(), self._today()
        version = document_version(self.ctx.registry.engine, doc_id)
        view = logged_lookup(self.ctx, doc_id, via)
        answer = build(view)
        if version is not None and view.status != "unknown":
            self._keep(doc_id, kind, answer, _Entry(version, day, writes, checked))
        return answer

    def _keep(self, doc_id: str, kind: str, answer: Answer, fresh: _Entry) -> None:
        with self._lock:
            entry = self._entries.get(doc_id)
            if entry is not None and entry.version == fresh.version and entry.day == fresh.day:
                self._bytes -= entry.size
                entry.writes = min(entry.writes, fresh.writes)
                entry.checked = min(entry.checked, fresh.checked)
            else:
                if entry is not None:
                    self._drop(doc_id)
                entry = fresh
                self._entries[doc_id] = entry
            entry.answers[kind] = answer
            self._bytes += entry.size
            self._entries.move_to_end(doc_id)
            while self._bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def _drop(self, doc_id: str) -> None:
        entry = self._entries.pop(doc_id, None)
        if entry is not None:
            self._bytes -= entry.size

    def __len__(self) -> int:
        return len(self._entries)
