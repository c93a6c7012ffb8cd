"""A loopback HTTP server for tests that fetch (CRLs, OCSP, redirects, slow answers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Answer", "LoopbackHTTP"]

Answer = tuple[int, bytes, dict[str, str], float]
"""Status, body, headers, and a delay in seconds before answering."""

_NOT_FOUND: Answer = (404, b"", {}, 0.0)


class LoopbackHTTP:
    """Answers GET and POST on 127.0.0.1 by path: from ``routes`` (a table, or a function of
    the path, for answers a test changes as it goes); records every path asked for."""

    def __init__(self, routes: Mapping[str, Answer] | Callable[[str], Answer | None]) -> None:
        self.hits: list[str] = []
        answer = routes if callable(routes) else routes.get
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.hits.append(self.path)
                status, body, headers, delay = answer(self.path) or _NOT_FOUND
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
