"""The local file store's durability: what :meth:`LocalFileStore.put` fsyncs before it
returns (the file, the folder it was renamed into, and each folder it had to make), and
the store's own folder when it is made."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from registry.files import LocalFileStore


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of everything fsynced, in order (read from /proc while the fd is open)."""
    seen: list[str] = []
    real = os.fsync

    def recording(fd: int) -> None:
        seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", recording)
    return seen


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_the_store_its_new_folders_and_each_put_are_made_durable(
    tmp_path: Path, fsynced: list[str]
) -> None:
    store = LocalFileStore(tmp_path / "files")
    root = (tmp_path / "files").resolve()
    assert fsynced == [str(root.parent)]  # the store's own folder, made in its parent
    fsynced.clear()
    digest = store.put(b"%PDF-1.7 durable")
    assert digest == hashlib.sha256(b"%PDF-1.7 durable").hexdigest()
    first, second = root / digest[:2], root / digest[:2] / digest[2:4]
    # the new folders in their parents, the temporary file, then the rename in its folder
    assert fsynced[:2] == [str(root), str(first)]
    assert Path(fsynced[2]).parent == second and Path(fsynced[2]).name.startswith(".tmp-")
    assert fsynced[3:] == [str(second)]
    assert (second / digest).read_bytes() == b"%PDF-1.7 durable"

    fsynced.clear()
    other = store.put(b"%PDF-1.7 another")
    leaf = root / other[:2] / other[2:4]
    assert Path(fsynced[-2]).parent == leaf and fsynced[-1] == str(leaf)
    fsynced.clear()
    assert store.put(b"%PDF-1.7 another") == other  # stored already: nothing to write or sync
    assert fsynced == []
