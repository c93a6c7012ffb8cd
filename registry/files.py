"""Content-addressed file store: a file's name is the SHA-256 of its bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from forms.errors import NotFound, RegistryError

__all__ = ["LocalFileStore"]


class LocalFileStore:
    """Files under ``root/ab/cd/<sha256>``; written to a temporary name, fsynced, renamed.

    A crash leaves either the whole file or none under its final name. Storing the same
    bytes twice is one file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFound(f"no file {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data``; returns its SHA-256 (hex)."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            raise RegistryError(f"could not store a file: {exc.strerror}") from None
        return digest

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; :class:`NotFound` if absent."""
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"file {sha256} is not in the store") from None

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        """Remove the file if present (used to undo a failed issuance)."""
        self._path(sha256).unlink(missing_ok=True)
