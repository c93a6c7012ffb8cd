"""Where the server keeps a countersigner's key: ``pkcs12:<path>`` or ``pkcs11:<uri>``.

A member's key is either held by the server (a PKCS#12 file, or a PKCS#11 token for
deployments that keep member keys in an HSM) or held only by the member, in which case no
key location is registered and the external flow is used.

A PKCS#12 file's passphrase is read from ``<path>.pass`` beside it (mode 0600), so the
location alone says how to open the key. ``pkcs11:`` locations resolve through
:mod:`signing.pkcs11` when that module provides ``open_key(uri) -> IssuerKey``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from signing.errors import KeyStoreError
from signing.keys import IssuerKey
from signing.nca_keys import load_nca_pkcs12

__all__ = ["KeyLocations", "SignerKeyStore", "passphrase_path"]


class SignerKeyStore(Protocol):
    """Opens the key a location names; implementations cache what they open."""

    def open(self, location: str) -> IssuerKey:
        """The key at ``location``; :class:`KeyStoreError` if it cannot be used."""
        ...


def passphrase_path(p12: Path) -> Path:
    """Where the passphrase of a signer's PKCS#12 file lives."""
    return p12.with_name(p12.name + ".pass")


class KeyLocations:
    """The default :class:`SignerKeyStore`: PKCS#12 files, and PKCS#11 tokens through
    :mod:`signing.pkcs11` with a library among ``pkcs11_modules`` (the operator's allow-list;
    none: no token is opened). Keys stay open for the process's life."""

    def __init__(self, pkcs11_modules: Sequence[Path] = ()) -> None:
        self._open: dict[str, IssuerKey] = {}
        self._lock = threading.Lock()
        self._pkcs11_modules = tuple(pkcs11_modules)

    def open(self, location: str) -> IssuerKey:
        with self._lock:
            key = self._open.get(location)
        if key is not None:
            return key
        key = self._load(location)
        with self._lock:
            return self._open.setdefault(location, key)

    def _load(self, location: str) -> IssuerKey:
        scheme, _, rest = location.partition(":")
        if scheme == "pkcs12" and rest:
            path = Path(rest)
            try:
                passphrase = passphrase_path(path).read_bytes()
            except OSError as exc:
                raise KeyStoreError(
                    f"Cannot read the passphrase of {path}: {exc.strerror}"
                ) from exc
            return load_nca_pkcs12(path, passphrase.removesuffix(b"\n"))  # GOST or RSA/ECDSA
        if scheme == "pkcs11" and rest:
            try:
                module = importlib.import_module("signing.pkcs11")
            except ImportError as exc:
                raise KeyStoreError(f"PKCS#11 support is not installed: {exc}") from exc
            opener = getattr(module, "open_key", None)
            if opener is None:
                raise KeyStoreError("signing.pkcs11 cannot open keys by URI (no open_key)")
            key = opener(location, allowed_modules=self._pkcs11_modules)
            if not isinstance(key, IssuerKey):
                raise KeyStoreError("signing.pkcs11.open_key returned no key")
            return key
        raise KeyStoreError(f"unknown key location {location[:60]!r}; use pkcs12:<path>")
