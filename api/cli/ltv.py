"""``qujat ltv renew`` (archive timestamps of stored documents) and ``qujat ltv upgrade``
(bring files still below B-LTA up now, without waiting for the upgrader)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from api.cli.common import settings_of

if TYPE_CHECKING:
    from api.services import Services
    from api.settings import Settings

__all__ = ["add_ltv_commands", "cmd_ltv_renew", "cmd_ltv_upgrade"]

CURSOR_FILE = "ltv-renew.cursor"
"""Under data_dir: the last document id an interrupted run finished (the next run goes on
after it; removed once a run gets through)."""


def _bar(out: TextIO, seen: int, total: int, renewed: int, failed: int, started: float) -> None:
    width = 30
    filled = width * seen // max(total, 1)
    rate = seen / max(time.monotonic() - started, 1e-6)
    out.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {seen}/{total} renewed {renewed} "
        f"failed {failed} ({rate:.1f}/s)"
    )
    out.flush()


def cmd_ltv_renew(args: argparse.Namespace) -> int:
    """Renew the archive timestamp of every document that needs it; print the counts."""
    from api.services import build_services

    settings = settings_of(args)
    services = build_services(settings)
    try:
        return _renew(args, settings, services)
    finally:
        services.registry.close()  # the CLI may run in-process (tests): close the pool


def _renew(args: argparse.Namespace, settings: Settings, services: Services) -> int:
    from registry.renewal import RenewalCounts
    from registry.upgrades import count_documents
    from workflow.ltv import renew_documents

    cursor_path = settings.data_dir / CURSOR_FILE
    after = None
    if cursor_path.is_file() and not args.restart:
        after = cursor_path.read_text().strip() or None
        print(f"qujat: resuming after {after}", file=sys.stderr)
    total = count_documents(services.registry, after=after)
    if args.limit is not None:
        total = min(total, args.limit)
    margin = timedelta(days=args.margin_days if args.margin_days is not None
                       else settings.ltv_renewal_margin_days)  # fmt: skip
    started = time.monotonic()

    def progress(counts: RenewalCounts) -> None:
        if counts.last_id is not None:
            cursor_path.write_text(counts.last_id)
        if not args.quiet:
            _bar(sys.stderr, counts.seen, total, counts.renewed, counts.failed, started)

    counts = renew_documents(
        services.context, margin=margin, limit=args.limit, after=after, recheck=args.recheck,
        progress=progress,
    )  # fmt: skip
    if not args.quiet:
        sys.stderr.write("\n")
    if args.limit is None or counts.seen < args.limit:
        cursor_path.unlink(missing_ok=True)  # got through: the next run starts over
    print(
        f"seen {counts.seen} renewed {counts.renewed} current {counts.current} "
        f"lapsed {counts.lapsed} skipped {counts.skipped} failed {counts.failed}"
    )
    return 1 if counts.failed else 0


def cmd_ltv_upgrade(args: argparse.Namespace) -> int:
    """Bring every file still below B-LTA to B-LTA now; print the counts."""
    from api.services import build_services
    from workflow.ltv import UpgradeCounts, upgrade_pending

    services = build_services(settings_of(args))
    total = UpgradeCounts()
    try:
        while True:
            counts = upgrade_pending(services.context, limit=args.batch)
            total.upgraded += counts.upgraded
            total.failed += counts.failed
            total.stale += counts.stale
            if counts.upgraded + counts.stale == 0:  # only failures (or nothing) left
                break
    finally:
        services.registry.close()
    print(f"upgraded {total.upgraded} failed {total.failed} stale {total.stale}")
    return 1 if total.failed else 0


def add_ltv_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``ltv renew`` and ``ltv upgrade``."""
    p = sub.add_parser("ltv", help="long-term validation: archive renewal, B-LTA upgrades")
    ps = p.add_subparsers(dest="ltv_command", required=True)
    r = ps.add_parser("renew", help="renew archive timestamps nearing their TSA's expiry")
    r.add_argument("--margin-days", type=float, help="default: QUJAT_LTV_RENEWAL_MARGIN_DAYS")
    r.add_argument("--limit", type=int, help="visit at most this many documents (resumable)")
    r.add_argument("--recheck", action="store_true", help="read every file, not the registry")
    r.add_argument("--restart", action="store_true", help="ignore an interrupted run's cursor")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--data-dir")
    r.set_defaults(func=cmd_ltv_renew)
    u = ps.add_parser("upgrade", help="bring files still below B-LTA up to B-LTA now")
    u.add_argument("--batch", type=int, default=50)
    u.add_argument("--data-dir")
    u.set_defaults(func=cmd_ltv_upgrade)
