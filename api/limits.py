"""Bounded request bodies: refuse early (Content-Length) and while streaming."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from forms.errors import ErrorDetail

__all__ = ["BodyLimit"]


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: at most ``default`` bytes of body, ``uploads`` for upload paths."""

    def __init__(
        self,
        app: ASGIApp,
        default: int,
        uploads: int,
        upload_paths: tuple[str, ...],
        path_limits: dict[str, int] | None = None,
    ):
        self.app, self.default, self.uploads, self.upload_paths = (
            app,
            default,
            uploads,
            upload_paths,
        )
        self.path_limits = path_limits or {}
        """Limits of particular paths (``POST /v1/batches``), above the other two."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.path_limits.get(scope["path"]) or (
            self.uploads if scope["path"] in self.upload_paths else self.default
        )
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body: dict[str, Any] = error_body(
        "payload_too_large",
        f"The request body is larger than {limit} bytes",
        [ErrorDetail("body", "max_size", f"at most {limit} bytes")],
    )
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": payload})
