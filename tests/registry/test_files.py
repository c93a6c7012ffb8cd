"""The local file store's durability: what :meth:`LocalFileStore.put` fsyncs before it
returns (the file, the folder it was renamed into, and each folder it had to make), and
the store's own folder when it is made; and the files an earlier, two-level layout
stored, which it still finds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from registry.errors import NotFound
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
    folder = root / digest[:2]
    # the new folder in the store's, the temporary file, then the rename in its folder
    assert fsynced[:1] == [str(root)]
    assert Path(fsynced[1]).parent == folder and Path(fsynced[1]).name.startswith(".tmp-")
    assert fsynced[2:] == [str(folder)]
    assert (folder / digest).read_bytes() == b"%PDF-1.7 durable"

    fsynced.clear()
    other = store.put(b"%PDF-1.7 another")
    leaf = root / other[:2]
    assert Path(fsynced[-2]).parent == leaf and fsynced[-1] == str(leaf)
    fsynced.clear()
    assert store.put(b"%PDF-1.7 another") == other  # stored already: nothing to write or sync
    assert fsynced == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_a_put_into_a_folder_that_exists_syncs_the_file_and_its_folder_only(
    tmp_path: Path, fsynced: list[str]
) -> None:
    store = LocalFileStore(tmp_path / "files")
    root = (tmp_path / "files").resolve()
    first = store.put(b"%PDF-1.7 first")
    # bytes whose digest falls in the same folder (1 in 256 does)
    data = next(
        d for i in range(100_000)
        if hashlib.sha256(d := b"%%PDF-1.7 %d" % i).hexdigest()[:2] == first[:2]
        and d != b"%PDF-1.7 first"
    )  # fmt: skip
    fsynced.clear()
    digest = store.put(data)
    assert len(fsynced) == 2  # the file, then the rename in its folder: no folder was made
    assert Path(fsynced[0]).parent == root / first[:2] and fsynced[1] == str(root / first[:2])
    assert (root / first[:2] / digest).read_bytes() == data


def test_files_of_the_two_level_layout_are_found_and_not_stored_again(tmp_path: Path) -> None:
    """A store written before the one-level layout keeps working: its files are read,
    counted as stored, and deleted where they are."""
    store = LocalFileStore(tmp_path / "files")
    data = b"%PDF-1.7 stored by an earlier version"
    digest = hashlib.sha256(data).hexdigest()
    legacy = tmp_path / "files" / digest[:2] / digest[2:4] / digest
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(data)

    assert store.exists(digest) and store.path(digest) == legacy
    assert store.get(digest) == data
    assert store.put(data) == digest
    assert not (tmp_path / "files" / digest[:2] / digest).exists()  # not written twice
    assert set(store.digests()) == {digest}
    store.delete(digest)
    assert not legacy.exists() and not store.exists(digest)
    with pytest.raises(NotFound):
        store.get(digest)
