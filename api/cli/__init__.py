"""The ``qujat`` command line: serve, keys, render, verify."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from api.cli.audit import add_audit_commands
from api.cli.batch import add_batch_commands
from api.cli.common import settings_of as _settings
from api.cli.issuers import add_issuer_commands
from api.cli.keys import add_keys_commands
from api.cli.ltv import add_ltv_commands
from api.cli.serve import cmd_serve
from api.cli.signers import add_signer_commands
from api.cli.verify import add_verify_command
from forms.errors import QujatError, VerificationError

__all__ = ["main"]


def cmd_render(args: argparse.Namespace) -> int:
    from api.services import policy_of
    from generator import Renderer
    from registry import new_id
    from workflow import document_meta
    from workflow.documents import stated_issue_date
    from workflow.rulebooks import check_new, embedded_rulebook

    data = json.loads(Path(args.data).read_text(encoding="utf-8"))
    settings = _settings(args)
    # the edition and period policy issuance would apply, so the preview is what it would be
    spec, validated = check_new(args.form, data, settings.rulebook_outside_period)
    case = validated.case
    doc_id = new_id()
    issued_on = stated_issue_date(case) or datetime.now(UTC).date()
    meta = document_meta(
        policy_of(settings), settings.issuer_name, doc_id, issued_on, None,
        embedded_rulebook(validated),
    )  # fmt: skip
    pdf = Renderer().render(spec, args.lang, case, meta)
    Path(args.output).write_bytes(pdf)
    print(f"wrote {args.output} ({len(pdf)} bytes, unsigned preview, id {doc_id})")
    return 0


def cmd_registry(args: argparse.Namespace) -> int:
    from registry import Registry
    from registry.consistency import check, sweep

    settings = _settings(args)
    registry = Registry.open(settings.db_url, settings.files_dir)
    report = sweep(registry, args.older_than) if args.sweep else check(registry)
    print(
        f"{report.documents} documents, {report.files} files, "
        f"{len(report.rows_without_file)} rows without their file, "
        f"{len(report.unreferenced_files)} unreferenced files, "
        f"{len(report.temporary_files)} temporary files"
    )
    for doc_id in report.rows_without_file:
        print(f"MISSING FILE for document {doc_id}")
    registry.close()
    return 0 if report.ok else 1


def _fetch(source: str) -> bytes:
    """A file's bytes, or a URL's body (http/https only, bounded)."""
    if source.startswith(("http://", "https://")):
        from urllib.request import urlopen

        with urlopen(source, timeout=15) as response:
            body: bytes = response.read(64 * 1024 * 1024)
            return body
    return Path(source).read_bytes()


def _qr_text(argument: str) -> str:
    """The QR's text: decoded with zbarimg from an image file, else the argument itself."""
    import subprocess

    path = Path(argument)
    if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".pbm", ".pgm", ".ppm"):
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        found = [line for line in done.stdout.splitlines() if "QJ1:" in line]
        if not found:
            raise VerificationError(f"No Qujat QR code found in {path}")
        return found[0]
    return argument


def cmd_verify_qr(args: argparse.Namespace) -> int:
    from verify.offline import parse_key_set, read_status_list, verify_token

    settings = _settings(args)
    base = settings.public_base_url.rstrip("/")
    text = _qr_text(args.qr)
    if args.keys is None and "#" in text:  # the server the QR points to publishes its keys
        base = text.split("/v/")[0]
    keys = parse_key_set(_fetch(args.keys or f"{base}/.well-known/qujat/keys"))
    status_list = None
    if args.status_list != "none":
        source = args.status_list or f"{base}/v1/status-list"
        status_list = read_status_list(_fetch(source).decode("ascii", "replace"), keys)
    verdict = verify_token(text, keys, datetime.now(UTC).date(), status_list)
    p = verdict.payload
    print(f"document   {p.doc_id} ({p.form})")
    print(f"holder     {p.holder_name or '-'}")
    print(f"category   {p.category or '-'}")
    print(f"issued on  {p.issued_on.isoformat()}")
    print(f"valid until {p.valid_until.isoformat() if p.valid_until else '-'}")
    print(f"signature  {'valid' if verdict.signature_valid else 'INVALID'} (key {p.kid})")
    print(f"expired    {'YES' if verdict.expired else 'no'}")
    revoked = {None: "unknown (no status list)", True: "YES", False: "no"}[verdict.revoked]
    print(f"revoked    {revoked}")
    print("VALID" if verdict.ok else "INVALID")
    return 0 if verdict.ok else 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qujat", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the HTTP server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--data-dir")
    s.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRS",
        help="comma-separated proxy addresses/networks whose X-Forwarded-For names the client "
        "(default: QUJAT_FORWARDED_ALLOW_IPS, else none: forwarded headers are ignored)",
    )
    s.set_defaults(func=cmd_serve)

    add_keys_commands(sub)

    add_audit_commands(sub)
    add_signer_commands(sub)
    add_issuer_commands(sub)

    add_batch_commands(sub)
    add_ltv_commands(sub)

    g = sub.add_parser("registry", help="check the registry against its files")
    gs = g.add_subparsers(dest="registry_command", required=True)
    gc = gs.add_parser("check", help="exit 1 if any document lacks its file")
    gc.add_argument("--sweep", action="store_true", help="remove leftover files")
    gc.add_argument("--older-than", type=float, default=600.0, help="seconds (sweep only)")
    gc.add_argument("--data-dir")
    g.set_defaults(func=cmd_registry)

    r = sub.add_parser("render", help="render an unsigned preview PDF from a JSON case")
    r.add_argument("form")
    r.add_argument("data")
    r.add_argument("-o", "--output", required=True)
    r.add_argument("--lang", choices=["kk", "ru"], default="kk")
    r.add_argument("--data-dir")
    r.set_defaults(func=cmd_render)

    add_verify_command(sub)

    q = sub.add_parser(
        "verify-qr",
        help="check a QR code's offline token; exit 0 only if signed, unexpired, not revoked",
    )
    q.add_argument("qr", metavar="IMAGE_OR_TEXT", help="a PNG/JPG of the QR code, or its text")
    q.add_argument(
        "--keys",
        metavar="FILE_OR_URL",
        help="JWK set (default: /.well-known/qujat/keys of the QR's server)",
    )
    q.add_argument(
        "--status-list",
        metavar="FILE_OR_URL",
        help="signed status list (default: /v1/status-list of the QR's server; "
        "'none' to skip, and then the verdict cannot be VALID)",
    )
    q.add_argument("--data-dir")
    q.set_defaults(func=cmd_verify_qr)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except QujatError as exc:
        print(f"qujat: {exc.message}", file=sys.stderr)
        for d in exc.details:
            print(f"  {d.field}: {d.rule}: {d.message}", file=sys.stderr)
        return 2
    except (OSError, json.JSONDecodeError, UnicodeError) as exc:
        print(f"qujat: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or a hostile input: a message, never a traceback
        print(f"qujat: unexpected {type(exc).__name__}: {exc}"[:500], file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
