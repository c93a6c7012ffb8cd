"""What ``POST /v1/documents`` costs beyond the hot path, on one core (issue 17, item 1:
the HTTP layer's parsing, validation and serialisation).

The app is called as an ASGI application in one event loop, with no client and no socket, so
every figure is the server's own: the request as uvicorn would hand it over (its HTTP parsing,
in C, is left out), through every middleware, the routing, the dependencies and FastAPI's
thread pool, to the response's bytes. The app's lifespan is not entered, so no background
thread (upgrader, webhook dispatcher) shares the core.

* whole: one issuance through the app; ``issue()``: the flow the route calls, timed in place;
  the HTTP layer: the difference, request by request;
* its parts, each alone: the body's JSON parsing and validation as the route's model, the
  NUL check every route depends on, the API key's lookup, and the response (``to_public``,
  then validation and JSON as FastAPI does for the route's response model);
* the trips to the thread pool and back the route makes, alone and empty;
* the rest, by difference: middleware, routing and dependency resolution.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
from pydantic import TypeAdapter
from starlette.requests import Request

import api.routes.documents as routes
from api import create_app
from api.deps import refuse_nul
from api.responses import to_public
from api.schemas import DocumentCreate, DocumentPublic
from api.services import Services
from bench.stages import FORM, _InPlace, _Samples, _time
from forms import get_form
from workflow import Actor, IssueRequest, issue

__all__ = ["http_layer"]

Row = tuple[str, str, str, str]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
PATH = "/v1/documents"


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def _receive(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:  # the app asks again only to learn of a disconnect: there is none
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _post(app: Any, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    statuses: list[int] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(_scope(headers), _receive(body), send)
    if statuses != [201]:
        raise RuntimeError(f"POST {PATH} answered {statuses}, not 201")


async def _atime(n: int, step: Callable[[], Awaitable[object]]) -> _Samples:
    """``step`` awaited ``n`` times one after another in one task, each timed, after one
    to warm up: :func:`bench.stages._time` for a coroutine.

    One task for all of them, as uvicorn's server task outlives its requests: anyio keeps
    its worker threads for the task they were started under, so a task per request (a
    ``run_until_complete`` each) started a new thread for every request and charged it to
    the HTTP layer (0.5-0.9 ms a request here)."""
    await step()
    samples = _Samples()
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        await step()
        samples.add(time.perf_counter() - wall, time.process_time() - cpu)
    return samples


async def _trips(count: int) -> None:
    """``count`` trips to the thread pool and back with nothing to do: what FastAPI's
    hand-offs of a request cost alone."""
    for _ in range(count):
        await anyio.to_thread.run_sync(int)


HOPS = 3
"""Trips to the thread pool a ``POST /v1/documents`` makes (a profile of the route): the
API key's lookup (a plain ``def`` dependency, it reads the registry), the route (a plain
``def``: the hot path blocks), and FastAPI's validation of a plain route's response."""


def http_layer(services: Services, n: int) -> list[Row]:
    """One issuance through the ASGI app, the share of ``issue()`` in it, and the HTTP
    layer's parts (see the module's docstring)."""
    _, secret = services.registry.create_api_key("Bench HTTP layer", {"issue"})
    app = create_app(services=services)
    data = dict(get_form(FORM).example)
    body = json.dumps({"form": FORM, "lang": "kk", "data": data}).encode()
    headers = [
        (b"host", b"bench"),
        (b"authorization", f"Bearer {secret}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    loop = asyncio.new_event_loop()
    timer = _InPlace()
    timer.wrap(routes, "issue", "issue")
    try:
        whole = loop.run_until_complete(_atime(n, lambda: _post(app, headers, body)))
        inner = timer.stages["issue"]
        inner.wall, inner.cpu = inner.wall[-n:], inner.cpu[-n:]  # the warm-up's call left out
        layer = _Samples()
        for i in range(n):
            layer.add((whole.wall[i] - inner.wall[i]) / 1000, (whole.cpu[i] - inner.cpu[i]) / 1000)

        key = services.registry.api_key_for(secret)
        assert key is not None
        done = issue(services.context, Actor.of(key), IssueRequest(FORM, "kk", data))
        public = TypeAdapter(DocumentPublic)
        scope = _scope(headers)

        def nul_check(i: int) -> None:  # its receive answers at once: one step, no loop
            step = refuse_nul(Request(scope, _receive(body)))
            try:
                step.send(None)
            except StopIteration:
                return
            raise RuntimeError("refuse_nul waited")

        def response(i: int) -> bytes:
            return public.dump_json(
                public.validate_python(to_public(services.context, done.record, done.level))
            )

        parts = [
            (
                "    body: JSON parsing + DocumentCreate validation",
                _time(n, lambda i: DocumentCreate.model_validate(json.loads(body))),
            ),
            ("    the NUL check of the body (refuse_nul)", _time(n, nul_check)),
            (
                "    API key lookup (one indexed SELECT)",
                _time(n, lambda i: services.registry.api_key_for(secret)),
            ),
            ("    response: to_public + validation + JSON", _time(n, response)),
            (
                f"    {HOPS} trips to the thread pool and back, empty",
                loop.run_until_complete(_atime(n, lambda: _trips(HOPS))),
            ),
        ]
    finally:
        timer.undo()
        loop.close()
    rest = statistics.median(layer.wall) - sum(statistics.median(s.wall) for _, s in parts)
    return [
        whole.row("POST /v1/documents as an ASGI call, whole", "no client, no socket"),
        inner.row("  of which issue(): the hot path", "the stages above"),
        layer.row("  the HTTP layer: whole − issue(), per request", "—"),
        *(samples.row(label, "alone") for label, samples in parts),
        (
            "    the rest: middleware, routing, dependencies",
            f"{rest:.2f} ms",
            "",
            "by difference",
        ),
    ]
