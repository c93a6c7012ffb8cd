"""``qujat audit verify``: recompute the audit log's hash chain."""

from __future__ import annotations

import argparse
from typing import Any

from api.cli.common import settings_of

__all__ = ["add_audit_commands"]


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from registry import Registry
    from registry.audit import verify_chain

    settings = settings_of(args)
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        broken = verify_chain(registry.engine)
    finally:
        registry.close()
    if broken is None:
        print("audit log intact")
        return 0
    print(f"audit log BROKEN at entry {broken}")
    return 1


def add_audit_commands(sub: Any) -> None:
    a = sub.add_parser("audit", help="the hash-chained audit log")
    asub = a.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser("verify", help="recompute the chain; exit 1 naming the first broken entry")
    v.add_argument("--data-dir")
    v.set_defaults(func=cmd_audit_verify)
