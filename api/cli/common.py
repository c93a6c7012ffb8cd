"""What the commands share: settings from the environment and ``--data-dir``, secrets
written privately, the development API key."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from api.settings import Settings

__all__ = ["DEV_KEY_FILE", "ensure_dev_api_key", "settings_of", "write_secret"]

DEV_KEY_FILE = "dev-api-key"


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with ``--data-dir`` if given."""
    overrides: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "forwarded_allow_ips", None):
        overrides["forwarded_allow_ips"] = [args.forwarded_allow_ips]
    return Settings(**overrides)


def write_secret(path: Path, text: str) -> None:
    """Write ``text`` to a new file only its owner reads."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")


def ensure_dev_api_key(settings: Settings) -> None:
    """On a development server's first start, create an API key and say where it is."""
    from api.services import build_services

    path = settings.data_dir / DEV_KEY_FILE
    if settings.env != "development" or path.exists():
        if path.exists():
            print(f"qujat: development API key in {path}", file=sys.stderr)
        return
    services = build_services(settings)
    _, secret = services.registry.create_api_key(
        "Development organisation", {"issue", "sign", "revoke", "admin"}
    )
    write_secret(path, secret)
    print(f"qujat: created a development API key (scopes issue,sign,revoke,admin) in {path}:")
    print(secret, flush=True)
