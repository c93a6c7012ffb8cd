"""``qujat keys create | list | rotate | revoke``: API keys of client organisations.

A secret is printed once, as the last line of ``create`` and ``rotate``, and is stored only
as its SHA-256; ``list`` never shows one.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.cli.common import settings_of

__all__ = ["add_keys_commands"]

SCOPES = frozenset({"issue", "sign", "revoke", "admin"})


def cmd_keys(args: argparse.Namespace) -> int:
    from registry import Registry
    from registry.keys import rotate_api_key

    settings = settings_of(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        if args.keys_command == "create":
            scopes = {s.strip() for s in args.scopes.split(",") if s.strip()}
            unknown = scopes - SCOPES
            if unknown or not scopes:
                print(f"qujat: unknown scopes {sorted(unknown)}", file=sys.stderr)
                return 2
            record, secret = registry.create_api_key(args.org, scopes)
            print(
                f"key id {record.id} for {record.organisation!r}, scopes {','.join(sorted(scopes))}"
            )
            print(secret)
        elif args.keys_command == "list":
            for k in registry.api_keys():
                state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
                print(f"{k.id}\t{k.organisation}\t{','.join(sorted(k.scopes))}\t{state}")
        elif args.keys_command == "rotate":
            record, secret = rotate_api_key(registry, args.key_id)
            print(
                f"key id {record.id} for {record.organisation!r}, scopes "
                f"{','.join(sorted(record.scopes))}; {args.key_id} is revoked as of now"
            )
            print(secret)
        elif args.keys_command == "revoke":
            registry.revoke_api_key(args.key_id)
            print(f"revoked {args.key_id}")
    finally:
        registry.close()
    return 0


def add_keys_commands(sub: Any) -> None:
    """Register ``keys`` and its subcommands on the top-level subparsers ``sub``."""
    k = sub.add_parser("keys", help="manage API keys")
    ks = k.add_subparsers(dest="keys_command", required=True)
    kc = ks.add_parser("create", help="create a key; prints it as the last line")
    kc.add_argument("--org", required=True)
    kc.add_argument("--scopes", default="issue")
    kc.add_argument("--data-dir")
    kl = ks.add_parser("list", help="list keys (never their secrets)")
    kl.add_argument("--data-dir")
    ko = ks.add_parser(
        "rotate",
        help="replace a key by a new one (same organisation and scopes); the old one is "
        "revoked at once; prints the new key as the last line",
    )
    ko.add_argument("key_id")
    ko.add_argument("--data-dir")
    kr = ks.add_parser("revoke", help="revoke a key by id")
    kr.add_argument("key_id")
    kr.add_argument("--data-dir")
    k.set_defaults(func=cmd_keys)
