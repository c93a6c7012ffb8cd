"""``qujat serve``: the HTTP server in this process (``--workers N``: :mod:`api.cli.batch`)."""

from __future__ import annotations

import argparse
import os
from typing import Literal

from api.cli.common import ensure_dev_api_key, settings_of

__all__ = ["FAST_HTTP", "FAST_LOOP", "cmd_serve"]

# uvicorn's C event loop and HTTP parser: a cached public answer costs ≈ 0.05 ms in the
# application, so the server's own per-request work is most of what is left
FAST_LOOP: Literal["uvloop"] = "uvloop"
FAST_HTTP: Literal["httptools"] = "httptools"


def cmd_serve(args: argparse.Namespace) -> int:
    """``qujat serve`` in this process."""
    import uvicorn

    from api.app import create_app

    settings = settings_of(args)
    if args.port and "QUJAT_PUBLIC_BASE_URL" not in os.environ:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        settings = settings.model_copy(update={"public_base_url": f"http://{host}:{args.port}"})
    ensure_dev_api_key(settings)
    app = create_app(settings)
    print(f"qujat: serving on http://{args.host}:{args.port} (data in {settings.data_dir})")
    # uvicorn's own proxy handling trusts loopback by default: off, the app decides
    # (QUJAT_FORWARDED_ALLOW_IPS / --forwarded-allow-ips, api/ratelimit.client_address)
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="info", access_log=False,
        proxy_headers=False, loop=FAST_LOOP, http=FAST_HTTP,
    )  # fmt: skip
    return 0
