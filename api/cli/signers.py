"""``qujat dev-signer``: a development key and certificate for a commission member;
``qujat signers add-key``: the operator gives the server a member's key (the API cannot), a
PKCS#12 file or a key on a PKCS#11 token (a library the operator allows, the PIN from the
operator's configuration)."""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from api.cli.common import settings_of

__all__ = ["add_signer_commands"]


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def cmd_dev_signer(args: argparse.Namespace) -> int:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    from registry import Registry
    from registry.countersign import NewSigner, SigningRegistry
    from signing import ensure_dev_pki, issue_certificate
    from signing.keystore import passphrase_path

    settings = settings_of(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    pki = ensure_dev_pki(settings.keys_dir, settings.issuer_name)
    cert_pem, key_pem = issue_certificate(
        pki.ca_cert_path, pki.ca_key_path, common_name=args.name, iin=args.iin,
        organisation=args.affiliation, key_type=args.key_type,
    )  # fmt: skip
    cert = x509.load_pem_x509_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
    ca = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = pkcs12.serialize_key_and_certificates(
        b"signer",
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(passphrase),
    )
    if args.key_out:  # held by the member only: the server keeps the certificate alone
        path = Path(args.key_out)
        location = None
    else:
        folder = settings.keys_dir / "signers"
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / f"{secrets.token_hex(8)}.p12"
        location = f"pkcs12:{path}"
    _write(passphrase_path(path), passphrase + b"\n")
    _write(path, p12)
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        signer = SigningRegistry(registry.engine, registry.files).add_signer(
            NewSigner(
                organisation=args.org,
                name=args.name,
                iin=args.iin,
                affiliation=args.affiliation,
                certificate_pem=cert_pem.decode("ascii"),
                certificate_sha256=hashlib.sha256(
                    cert.public_bytes(serialization.Encoding.DER)
                ).hexdigest(),
                key_location=location,
            ),
            "cli",
        )
    finally:
        registry.close()
    held = "by the server" if location else f"by the member only, in {path}"
    print(f"signer {args.name!r} for {args.org!r}, key held {held}")
    print(signer.id)
    return 0


def provision_p12(
    settings: Any, organisation: str, signer_id: str, p12: Path, passphrase: bytes
) -> str:
    """Copy ``p12`` into the server's key directory (0600, its passphrase beside it) and
    record it as ``signer_id``'s key; returns the location. Refused (and nothing kept)
    unless the signer is ``organisation``'s and the key is its certificate's."""
    from registry import Registry
    from registry.countersign import SigningRegistry
    from signing import load_pkcs12
    from signing.keystore import KeyLocations, passphrase_path
    from workflow.signers import provision_key

    load_pkcs12(p12, passphrase)  # a wrong passphrase fails before anything is copied
    folder = settings.keys_dir / "signers"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}.p12"
    _write(passphrase_path(path), passphrase + b"\n")
    _write(path, p12.read_bytes())
    location = f"pkcs12:{path}"
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        signing = SigningRegistry(registry.engine, registry.files)
        provision_key(signing, KeyLocations(), organisation, signer_id, location, "cli")
    except BaseException:
        path.unlink(missing_ok=True)
        passphrase_path(path).unlink(missing_ok=True)
        raise
    finally:
        registry.close()
    return location


_PIN_VARIABLE = "QUJAT_SIGNER_PKCS11_PIN"


def provision_pkcs11(
    settings: Any, organisation: str, signer_id: str, uri: str, module: str | None
) -> str:
    """Record the key a ``pkcs11:token=…;object=…`` URI names as ``signer_id``'s; returns
    the location. The library is one of ``QUJAT_SIGNER_PKCS11_MODULES`` (``module``, the
    URI's module-path, or the only one configured) and the PIN source the configuration's;
    refused (nothing kept) unless the token's key belongs to the signer's certificate."""
    from registry import Registry
    from registry.countersign import SigningRegistry
    from signing.errors import KeyStoreError
    from signing.keystore import KeyLocations
    from signing.pkcs11 import member_key_location
    from workflow.signers import provision_key

    allowed = list(settings.signer_pkcs11_modules)
    if not allowed:
        raise KeyStoreError("No PKCS#11 module is allowed: set QUJAT_SIGNER_PKCS11_MODULES")
    stated = module or _query_value(uri, "module-path")
    if stated is None and len(allowed) > 1:
        raise KeyStoreError("Several PKCS#11 modules are allowed: name one with --module")
    chosen = Path(stated) if stated is not None else allowed[0]
    if settings.signer_pkcs11_pin_file is not None:
        pin_source = f"file:{Path(settings.signer_pkcs11_pin_file).resolve()}"
    elif os.environ.get(_PIN_VARIABLE):
        pin_source = f"env:{_PIN_VARIABLE}"
    else:
        raise KeyStoreError(f"No PKCS#11 PIN: set QUJAT_SIGNER_PKCS11_PIN_FILE or {_PIN_VARIABLE}")
    location = member_key_location(uri, chosen, pin_source, allowed)  # refuses another module
    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        signing = SigningRegistry(registry.engine, registry.files)
        keys = KeyLocations(allowed)
        provision_key(signing, keys, organisation, signer_id, location, "cli")
    finally:
        registry.close()
    return location


def _query_value(uri: str, name: str) -> str | None:
    from urllib.parse import unquote

    for part in uri.partition("?")[2].split("&"):
        key, eq, value = part.partition("=")
        if eq and key == name:
            return unquote(value)
    return None


def cmd_add_key(args: argparse.Namespace) -> int:
    """``qujat signers add-key``: a PKCS#12 file (copied) or a key on a PKCS#11 token."""
    settings = settings_of(args)
    if args.pkcs11:
        provision_pkcs11(settings, args.org, args.signer, args.pkcs11, args.module)
        held = "on its PKCS#11 token"
    else:
        if not (args.p12 and args.passphrase_file):
            print("qujat: give --p12 and --passphrase-file, or --pkcs11 URI", file=sys.stderr)
            return 2
        raw = Path(args.passphrase_file).read_bytes()
        passphrase = raw.removesuffix(b"\n").removesuffix(b"\r")
        provision_p12(settings, args.org, args.signer, Path(args.p12), passphrase)
        held = "in the server's key directory"
    print(f"the server now holds the key of signer {args.signer} ({args.org!r}) {held}")
    return 0


def add_signer_commands(sub: Any) -> None:
    d = sub.add_parser("dev-signer", help="issue a development key for a commission member")
    d.add_argument("--name", required=True, help="full name, as protocols print it")
    d.add_argument("--iin", required=True)
    d.add_argument("--org", default="Development organisation",
                   help="the client organisation (API key's) the signer belongs to")  # fmt: skip
    d.add_argument("--affiliation", help="the member's own organisation (certificate O)")
    d.add_argument("--key-type", choices=["ec", "rsa"], default="ec")
    d.add_argument("--key-out", help="write the PKCS#12 here and register an external signer")
    d.add_argument("--data-dir")
    d.set_defaults(func=cmd_dev_signer)

    g = sub.add_parser("signers", help="the operator's side of signers: keys the server holds")
    gs = g.add_subparsers(dest="signers_command", required=True)
    a = gs.add_parser("add-key", help="hold a registered signer's key on the server")
    a.add_argument("--org", required=True, help="the organisation the signer belongs to")
    a.add_argument("--signer", required=True, help="the signer's id (POST /v1/signers)")
    source = a.add_mutually_exclusive_group(required=True)
    source.add_argument("--p12", help="the member's PKCS#12 file (copied, 0600)")
    source.add_argument(
        "--pkcs11", metavar="URI",
        help="the key on a token: pkcs11:token=<label>;object=<key label> (the certificate "
        "is the object of the same label); module and PIN from the configuration",
    )  # fmt: skip
    a.add_argument("--passphrase-file", help="with --p12: file holding its passphrase")
    a.add_argument("--module", help="with --pkcs11: one of QUJAT_SIGNER_PKCS11_MODULES")
    a.add_argument("--data-dir")
    a.set_defaults(func=cmd_add_key)
