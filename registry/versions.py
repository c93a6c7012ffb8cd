"""What a cached public view is checked against: a document's version, and this process's
count of committed writes.

A document's public view (status, signatures, level, revisions) changes only with its row
(status, current file, revocation, ``updated_at``) or with a new revision (revisions are
appended, numbered up). :func:`document_version` reads exactly those columns in one indexed
query — a primary-key read and a max over the ``(document_id, revision)`` unique index —
so a cache can revalidate an entry for a fraction of what rebuilding the view costs. It
uses no clock: a frozen test clock or skewed hosts cannot hide a change. Portable SQL
(SQLite and PostgreSQL).

:class:`WriteCounter` counts the transactions with a write that this process commits on an
engine, so a change made through this process is seen at once, without waiting for the
next revalidation; changes made by other processes are seen at the next revalidation.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, event, func, select

from registry.models import DocumentRow
from registry.revisions import DocumentRevisionRow
from registry.store import is_id, reading

__all__ = ["DocumentVersion", "WriteCounter", "document_version", "document_versions"]

DocumentVersion = tuple[str, str, datetime | None, datetime, date | None, int | None]
"""``(sha256, status, revoked_at, updated_at, valid_until, last revision)`` of a document."""

_LAST_REVISION = (
    select(func.max(DocumentRevisionRow.revision))
    .where(DocumentRevisionRow.document_id == DocumentRow.id)
    .scalar_subquery()
)
_VERSION = select(
    DocumentRow.id,
    DocumentRow.sha256,
    DocumentRow.status,
    DocumentRow.revoked_at,
    DocumentRow.updated_at,
    DocumentRow.valid_until,
    _LAST_REVISION,
)


def document_version(engine: Engine, doc_id: str) -> DocumentVersion | None:
    """The version of document ``doc_id``, ``None`` if there is none; a
    :class:`RegistryError` if the database does not answer."""
    return document_versions(engine, [doc_id]).get(doc_id)


def document_versions(engine: Engine, doc_ids: list[str]) -> dict[str, DocumentVersion]:
    """The versions of the documents ``doc_ids`` that exist, in one query (a worker
    revalidates every answer due at once)."""
    wanted = [d for d in doc_ids if is_id(d)]
    if not wanted:
        return {}
    with reading(engine) as conn:
        rows = conn.execute(_VERSION.where(DocumentRow.id.in_(wanted))).all()
    return {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}


_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "WITH", "SHOW", "SET")


class WriteCounter:
    """How many write transactions this process has committed on an engine (it counts
    up; compare two readings, never the value). Counted when the commit is issued and
    again when the connection goes back to the pool, i.e. after it is durable, so a
    reader that took the count before its own read never keeps a view older than a
    commit it did not count."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        """The current count."""
        return self._value

    def bump(self) -> None:
        """Count one more write."""
        with self._lock:
            self._value += 1

    @classmethod
    def watching(cls, engine: Engine) -> WriteCounter:
        """A counter of ``engine``'s committed writes in this process."""
        counter = cls()

        @event.listens_for(engine, "before_cursor_execute")
        def _flag(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if not statement.lstrip()[:9].upper().startswith(_READS):
                conn.info["qujat_wrote"] = True

        @event.listens_for(engine, "commit")
        def _committing(conn: Any) -> None:
            if conn.info.get("qujat_wrote"):
                counter.bump()

        @event.listens_for(engine, "checkin")
        def _returned(_dbapi: Any, record: Any) -> None:
            if record.info.pop("qujat_wrote", False):
                counter.bump()

        return counter
