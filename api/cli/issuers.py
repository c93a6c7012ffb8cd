"""``qujat issuers add|list``: an organisation's own issuer key, provisioned by the operator
(never through the API). The database keeps where the key and its passphrase file are."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.cli.common import settings_of

__all__ = ["add_issuer_commands"]


def cmd_issuers_add(args: argparse.Namespace) -> int:
    from api.services import deployment_roots, signer_trust_of
    from registry import Registry
    from workflow.issuers import provision_issuer

    settings = settings_of(args)
    trust = signer_trust_of(settings, deployment_roots(settings))
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        entry = provision_issuer(
            registry.engine, trust, organisation=args.org, bin_=args.bin,
            p12=Path(args.p12), passphrase_file=Path(args.passphrase_file),
            now=datetime.now(UTC),
        )  # fmt: skip
    finally:
        registry.close()
    print(f"issuer key for {entry.organisation!r} (BIN {entry.bin}): {entry.p12_path}")
    return 0


def cmd_issuers_list(args: argparse.Namespace) -> int:
    from registry import Registry
    from registry.issuer_keys import IssuerKeyRegistry

    settings = settings_of(args)
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        for e in IssuerKeyRegistry(registry.engine).all():
            print(f"{e.organisation}\t{e.bin}\t{e.p12_path}\t{e.certificate_sha256[:16]}")
    finally:
        registry.close()
    return 0


def add_issuer_commands(sub: Any) -> None:
    p = sub.add_parser("issuers", help="per-organisation issuer keys (operator only)")
    isub = p.add_subparsers(dest="issuers_command", required=True)
    a = isub.add_parser("add", help="provision an organisation's legal-entity signing key")
    a.add_argument("--org", required=True, help="the organisation (API tenant) name")
    a.add_argument("--bin", required=True, help="the organisation's BIN (must be the key's)")
    a.add_argument("--p12", required=True, help="the NCA PKCS#12 file (GOST 2015 or RSA)")
    a.add_argument("--passphrase-file", required=True, help="file holding its passphrase")
    a.add_argument("--data-dir")
    a.set_defaults(func=cmd_issuers_add)
    ls = isub.add_parser("list", help="the provisioned issuer keys")
    ls.add_argument("--data-dir")
    ls.set_defaults(func=cmd_issuers_list)
