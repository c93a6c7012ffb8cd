"""Command line for production footing: ``qujat worker``, ``qujat batch``, ``serve --workers``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from api.cli import serve
from api.cli.common import DEV_KEY_FILE, ensure_dev_api_key, settings_of
from api.settings import Settings

__all__ = ["add_batch_commands"]


def _settings(args: argparse.Namespace) -> Settings:
    return settings_of(args)


def _migrate(settings: Settings) -> None:
    """Bring the registry (and, on PostgreSQL, procrastinate's schema) up to date, once,
    before any worker process starts."""
    from api.batches import runner_kind
    from registry import Registry
    from registry.queue import ensure_queue_schema

    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        if runner_kind(settings) == "procrastinate":
            ensure_queue_schema(registry.engine)
    finally:
        registry.close()


def cmd_serve(args: argparse.Namespace) -> int:
    """``qujat serve``; with ``--workers N`` (N > 1) N uvicorn worker processes."""
    if args.workers <= 1:
        return serve.cmd_serve(args)
    import uvicorn

    settings = _settings(args)
    os.environ["QUJAT_DATA_DIR"] = str(settings.data_dir)
    if getattr(args, "forwarded_allow_ips", None):
        os.environ["QUJAT_FORWARDED_ALLOW_IPS"] = json.dumps([args.forwarded_allow_ips])
    if "QUJAT_PUBLIC_BASE_URL" not in os.environ:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        os.environ["QUJAT_PUBLIC_BASE_URL"] = f"http://{host}:{args.port}"
    settings = Settings()
    _migrate(settings)
    ensure_dev_api_key(settings)
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # /metrics adds up every worker
        metrics_dir = settings.data_dir / "metrics"
        metrics_dir.mkdir(exist_ok=True, mode=0o700)
        for stale in metrics_dir.glob("*.db"):
            stale.unlink()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    print(
        f"qujat: serving on http://{args.host}:{args.port} with {args.workers} workers "
        f"(data in {settings.data_dir})",
        flush=True,
    )
    uvicorn.run(
        "api.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=False,
        proxy_headers=False,  # the app decides whom to trust (api/ratelimit.client_address)
        loop=serve.FAST_LOOP,
        http=serve.FAST_HTTP,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run batch jobs from procrastinate's queue until SIGINT/SIGTERM."""
    from api.batches import QUEUE, init_worker, procrastinate_app, runner_kind, watch_stalled

    settings = _settings(args)
    if runner_kind(settings) != "procrastinate":
        print(
            "qujat: `qujat worker` runs batches on PostgreSQL (QUJAT_DATABASE_URL="
            "postgresql+psycopg://…); the embedded default runs them in the server's own pool",
            file=sys.stderr,
        )
        return 2
    _migrate(settings)
    services, _ = init_worker(settings)  # keys loaded and templates warm before the first job
    if settings.webhook_dispatcher == "worker":  # webhooks delivered here, not by the API
        from api.webhooks import build_webhooks
        from workflow.webhook_dispatch import run_dispatcher

        threading.Thread(
            target=run_dispatcher,
            args=(build_webhooks(services), threading.Event()),
            name="qujat-webhook-dispatcher",
            daemon=True,
        ).start()
    if settings.ltv_upgrader == "worker" and services.timestamper is not None:
        from api.ltv import build_upgrader  # B-LTA upgrades and the periodic renewal here

        build_upgrader(services).start()
    from api.ltv import start_session_sweeper

    start_session_sweeper(services)  # expired prepared sessions and their files, on a timer
    app = procrastinate_app(settings.db_url)
    stalled = settings.batch_stalled_seconds
    name = f"qujat-{socket.gethostname()}-{os.getpid()}"

    async def work() -> None:
        async with app.open_async():
            watcher = asyncio.create_task(watch_stalled(app, stalled))
            print(f"qujat: worker {name} ready (queue {QUEUE})", flush=True)
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=1,  # CPU-bound: one job per process; run a worker per core
                    name=name,
                    update_heartbeat_interval=max(0.5, stalled / 4),
                    stalled_worker_timeout=stalled,
                    delete_jobs="successful",
                )
            finally:
                watcher.cancel()

    asyncio.run(work())
    return 0


def _api_key_secret(args: argparse.Namespace, settings: Settings) -> str:
    secret = args.api_key or os.environ.get("QUJAT_API_KEY")
    if secret:
        return str(secret)
    dev = settings.data_dir / DEV_KEY_FILE
    if dev.exists():
        return dev.read_text().strip()
    raise SystemExit("qujat: give an API key with --api-key or QUJAT_API_KEY")


def _read_items(path: Path) -> list[Any]:
    from api.schemas import DocumentCreate
    from registry.batches import BatchItem

    items = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                case = DocumentCreate.model_validate_json(line)
            except ValidationError as exc:
                raise SystemExit(f"qujat: {path}:{number}: {exc.errors()[0]['msg']}") from None
            items.append(BatchItem(case.form, case.lang, case.data, case.protocol_id))
    if not items:
        raise SystemExit(f"qujat: {path} holds no cases")
    return items


def _bar(out: TextIO, settled: int, total: int, issued: int, failed: int, started: float) -> None:
    width = 30
    filled = width * settled // max(total, 1)
    rate = settled / max(time.monotonic() - started, 1e-6)
    out.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {settled}/{total} "
        f"issued {issued} failed {failed}  {rate:.0f}/s "
    )
    out.flush()


def cmd_batch(args: argparse.Namespace) -> int:
    """Issue every case of a JSONL file as one batch, with a progress bar; resumable."""
    from api.batches import LocalRunner, build_runner, runner_kind
    from registry import Registry
    from registry.batches import BatchStore

    settings = _settings(args)
    if args.workers:
        settings = settings.model_copy(update={"batch_workers": args.workers})
    _migrate(settings)
    registry = Registry.open(settings.db_url, settings.files_dir)
    store = BatchStore(registry.engine)
    runner = build_runner(settings, store)
    try:
        if args.resume:
            batch = store.get(args.resume)
            runner.resume()
        else:
            if args.file is None:
                raise SystemExit("qujat: give a JSONL file of cases, or --resume BATCH_ID")
            key = registry.api_key_for(_api_key_secret(args, settings))
            if key is None or ("issue" not in key.scopes and "admin" not in key.scopes):
                raise SystemExit("qujat: the API key is unknown, revoked or lacks 'issue'")
            batch = runner.submit(key.organisation, key.id, _read_items(Path(args.file)))
        print(f"qujat: batch {batch.id}, {batch.total} cases", file=sys.stderr)
        if runner_kind(settings) == "procrastinate":
            print("qujat: waiting for `qujat worker` processes to run it", file=sys.stderr)
        started = time.monotonic()
        while True:
            batch = store.get(batch.id)
            settled = batch.issued + batch.failed
            if not args.quiet:
                _bar(sys.stderr, settled, batch.total, batch.issued, batch.failed, started)
            if batch.status != "running":  # done, or cancelled (its key revoked)
                break
            time.sleep(0.25)
        wall = time.monotonic() - started
        if isinstance(runner, LocalRunner):
            runner.wait()
        if not args.quiet:
            sys.stderr.write("\n")
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                for item in store.items(batch.id):
                    out.write(json.dumps(item.__dict__, ensure_ascii=False) + "\n")
        print(
            f"batch {batch.id}: {batch.issued} issued, {batch.failed} failed, "
            f"{wall:.1f} s ({batch.total / max(wall, 1e-6):.0f} cases/s)"
        )
        return 0 if batch.failed == 0 else 1
    finally:
        runner.close()
        registry.close()


def add_batch_commands(sub: Any) -> None:
    """Register ``worker`` and ``batch``, and give ``serve`` its ``--workers``."""
    serve = sub.choices["serve"]
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(func=cmd_serve)

    w = sub.add_parser("worker", help="run batch jobs (PostgreSQL deployments); one per core")
    w.add_argument("--data-dir")
    w.set_defaults(func=cmd_worker)

    b = sub.add_parser("batch", help="issue every case of a JSONL file, with a progress bar")
    b.add_argument("file", nargs="?", help='one {"form", "lang", "data"} per line')
    b.add_argument("--api-key", help="default: QUJAT_API_KEY, else the development key")
    b.add_argument("--resume", metavar="BATCH_ID", help="finish an interrupted batch")
    b.add_argument("-o", "--output", help="write each item's result (JSONL)")
    b.add_argument("--workers", type=int, help="local pool processes (embedded default)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--data-dir")
    b.set_defaults(func=cmd_batch)
