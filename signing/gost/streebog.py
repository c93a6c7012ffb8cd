"""Streebog (GOST R 34.11-2012, 256 and 512 bits) through OpenSSL's GOST provider.

Debian's `libengine-gost-openssl` ships `gostprov.so`, an OpenSSL 3 provider. Loading it into
the default library context of the libcrypto that Python's `hashlib` is linked against makes
`hashlib.new("md_gost12_512")` a C implementation: ~1 ms for 100 KB, where the pure-Python
packages (gostcrypto, pygost) take seconds and the Rust `streebog-rs` wheel ~95 ms.
`cryptography` bundles its own OpenSSL and is not affected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import threading
from typing import Any

from signing.errors import SigningError

_NAMES = {32: "md_gost12_256", 64: "md_gost12_512"}
_lock = threading.Lock()
_ready = False


class StreebogUnavailable(SigningError):
    """OpenSSL's GOST provider is not installed (Debian package libengine-gost-openssl)."""


def _libcrypto() -> ctypes.CDLL:
    # The very library _hashlib links against: loading a second copy would not help hashlib.
    import _hashlib  # noqa: PLC0415

    for cand in ("libcrypto.so.3", ctypes.util.find_library("crypto")):
        if cand:
            try:
                return ctypes.CDLL(cand)
            except OSError:
                continue
    raise StreebogUnavailable(f"libcrypto not found next to {_hashlib.__file__}")


def ensure_provider() -> None:
    """Load the GOST provider (and keep the default one) once per process."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        try:
            hashlib.new(_NAMES[64])
        except ValueError:
            lib = _libcrypto()
            load = lib.OSSL_PROVIDER_load
            load.restype = ctypes.c_void_p
            load.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            # Loading any provider explicitly switches off the implicit default provider,
            # so the default one is loaded explicitly too (hashlib's SHA-2 keeps working).
            load(None, b"default")
            if not load(None, b"gostprov"):
                raise StreebogUnavailable(
                    "OpenSSL GOST provider (gostprov) not found: apt-get install "
                    "libengine-gost-openssl"
                ) from None
            try:
                hashlib.new(_NAMES[64])
            except ValueError as exc:
                raise StreebogUnavailable(f"GOST provider loaded but unusable: {exc}") from exc
        _ready = True


def new(size: int = 64, data: bytes = b"") -> Any:
    """A hashlib object for Streebog-256 (size=32) or Streebog-512 (size=64)."""
    ensure_provider()
    return hashlib.new(_NAMES[size], data)


def streebog512(data: bytes | memoryview) -> bytes:
    """Streebog-512 digest (GOST R 34.11-2012), in OpenSSL's (RFC 6986 natural) byte order."""
    return bytes(new(64, bytes(data) if isinstance(data, memoryview) else data).digest())


def streebog256(data: bytes | memoryview) -> bytes:
    """Streebog-256 digest (GOST R 34.11-2012)."""
    return bytes(new(32, bytes(data) if isinstance(data, memoryview) else data).digest())
