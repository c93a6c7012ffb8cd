"""A stand-in for NCALayer, the NCA's desktop signing app, for the signing-page tests.

It listens on a loopback WebSocket as NCALayer does, greets with its version, and answers one
``sign`` request (module ``kz.gov.pki.knca.basics``, a digested, detached CMS) with what the
test's ``sign(digest)`` makes from its own key: the key never reaches the server.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

ws_server = pytest.importorskip("websockets.sync.server")

__all__ = ["StandInNcaLayer"]


class StandInNcaLayer:
    """Answers NCALayer ``sign`` requests with the CMS ``sign(digest)`` returns (DER)."""

    def __init__(self, sign: Callable[[bytes], bytes]) -> None:
        self.sign = sign
        self.requests: list[dict[str, Any]] = []
        self.server = ws_server.serve(self.handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, socket: Any) -> None:
        socket.send(json.dumps({"result": {"version": "1.4"}}))
        request = json.loads(socket.recv())
        self.requests.append(request)
        args = request["args"]
        ok = (
            request["module"] == "kz.gov.pki.knca.basics" and request["method"] == "sign"
            and args["format"] == "cms" and args["signingParams"]["digested"] is True
            and args["signingParams"]["encapsulate"] is False
        )  # fmt: skip
        if not ok:
            socket.send(json.dumps({"status": False, "code": "500", "message": "bad request"}))
            return
        cms = self.sign(base64.b64decode(args["data"]))
        result = base64.b64encode(cms).decode()
        socket.send(json.dumps({"status": True, "body": {"result": [result]}}))

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(5)
