"""Is every registered document backed by its file? Sweeping what a crash left behind.

An issuance writes the PDF (to a temporary name, fsynced, renamed) before it commits the
row, so a process killed in between leaves at worst an unreferenced file, never a row
without its file. Unreferenced files are never served (nothing points to them); the sweep
removes them once they are older than any issuance still in flight could be.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from registry.copies import copy_digests
from registry.files import LocalFileStore
from registry.models import DocumentRow
from registry.models_signing import RequiredSignerRow, SigningSessionRow
from registry.store import Registry

__all__ = ["ConsistencyReport", "check", "sweep"]


@dataclass(frozen=True)
class ConsistencyReport:
    """What a check of the registry against its file store found."""

    documents: int
    """Rows in the registry."""
    files: int
    """Files in the store (temporary files not counted)."""
    rows_without_file: tuple[str, ...]
    """Document ids whose current or original PDF is missing: must always be empty."""
    unreferenced_files: tuple[str, ...]
    """Stored files no row points to (left by an issuance that did not commit)."""
    temporary_files: tuple[Path, ...]
    """Half-written temporary files (left by a write that was killed)."""

    @property
    def ok(self) -> bool:
        """True when no row lacks its file (orphans are harmless until swept)."""
        return not self.rows_without_file


def _stored(registry: Registry) -> tuple[set[str], list[Path]]:
    if not isinstance(registry.files, LocalFileStore):  # an object store has no half-writes
        return set(registry.files.digests()), []
    digests, temporary = set(), []
    for path in registry.files.root.rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith(".tmp-"):
            temporary.append(path)
        else:
            digests.add(path.name)
    return digests, temporary


def check(registry: Registry) -> ConsistencyReport:
    """Compare every row with the file store."""
    with registry.engine.connect() as conn:
        rows = conn.execute(
            select(DocumentRow.id, DocumentRow.sha256, DocumentRow.original_sha256)
        ).all()
    with registry.engine.connect() as conn:
        # every revision a signature produced, and PDFs prepared for a signer to sign
        revisions = conn.execute(select(RequiredSignerRow.signature_sha256)).scalars().all()
        prepared = conn.execute(select(SigningSessionRow.prepared_sha256)).scalars().all()
    stored, temporary = _stored(registry)
    referenced = {r.sha256 for r in rows} | {r.original_sha256 for r in rows}
    referenced |= {d for d in (*revisions, *prepared) if d}
    referenced |= copy_digests(registry)  # the kept DOCX copies
    missing = tuple(r.id for r in rows if r.sha256 not in stored or r.original_sha256 not in stored)
    return ConsistencyReport(
        documents=len(rows),
        files=len(stored),
        rows_without_file=missing,
        unreferenced_files=tuple(sorted(stored - referenced)),
        temporary_files=tuple(temporary),
    )


def sweep(registry: Registry, older_than_seconds: float = 600.0) -> ConsistencyReport:
    """Remove temporary and unreferenced files older than ``older_than_seconds``.

    The age guard keeps a file that a concurrent issuance has written but not yet
    committed; at start-up, before serving, ``0`` is safe for this process's store.
    Returns the state after sweeping.
    """
    report = check(registry)
    limit = time.time() - older_than_seconds
    for path in report.temporary_files:
        if path.stat().st_mtime <= limit:
            path.unlink(missing_ok=True)
    for digest in report.unreferenced_files:
        if not isinstance(registry.files, LocalFileStore):
            continue  # no age known here: an object store's lifecycle rules expire orphans
        stored = registry.files.path(digest)
        if stored is not None and stored.stat().st_mtime <= limit:
            stored.unlink(missing_ok=True)
    return check(registry)
