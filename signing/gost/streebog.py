"""Streebog (GOST R 34.11-2012, 256 and 512 bits) through OpenSSL's GOST provider.

Debian's `libengine-gost-openssl` ships `gostprov.so`, an OpenSSL 3 provider. Loaded into the
default library context of the libcrypto that Python's `hashlib` is linked against, it makes
`hashlib.new("md_gost12_512")` a C implementation: ~1 ms for 100 KB, where the pure-Python
packages (gostcrypto, pygost) take far longer and the Rust `streebog-rs` wheel ~95 ms.
`cryptography` bundles its own OpenSSL and is not affected.
"""

from __future__ import annotations

import hashlib
from typing import Any

from signing.errors import StreebogUnavailable
from signing.gost import _openssl

_NAMES = {32: "md_gost12_256", 64: "md_gost12_512"}
_ready = False


def ensure_provider() -> None:
    """Make Streebog available to hashlib, once per process."""
    global _ready
    if _ready:
        return
    try:
        hashlib.new(_NAMES[64])
    except ValueError:
        try:
            _openssl.load_provider("gostprov")
            hashlib.new(_NAMES[64])
        except (_openssl.OpenSSLUnavailable, ValueError) as exc:
            raise StreebogUnavailable(
                f"Streebog unavailable ({exc}): install Debian's libengine-gost-openssl"
            ) from exc
    _ready = True


def new(size: int = 64, data: bytes = b"") -> Any:
    """A hashlib object for Streebog-256 (size=32) or Streebog-512 (size=64)."""
    ensure_provider()
    return hashlib.new(_NAMES[size], data)


def streebog512(data: bytes) -> bytes:
    """Streebog-512 digest (GOST R 34.11-2012) in OpenSSL's byte order."""
    return bytes(new(64, data).digest())


def streebog256(data: bytes) -> bytes:
    """Streebog-256 digest (GOST R 34.11-2012)."""
    return bytes(new(32, data).digest())


def digest(name: str, data: bytes) -> bytes:
    """Digest by pyHanko/asn1crypto name: streebog256 or streebog512."""
    return streebog512(data) if name == "streebog512" else streebog256(data)
