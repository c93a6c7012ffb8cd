"""The registry: documents, their files and API keys, behind one small interface."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    event,
    func,
    make_url,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from forms.types import Clock, Lifecycle, id_from_number
from registry.audit import AuditEntry, append
from registry.errors import Conflict, NotFound, RegistryError, StatusIndexTaken
from registry.files import FileStore, LocalFileStore, put_all
from registry.group_commit import Entry, GroupCommit, commit_documents
from registry.models import ApiKeyRow, DocumentRow
from registry.records import ApiKeyRecord, DocumentRecord, NewDocument
from signing.token_format import MIN_STATUS_LIST_BITS

__all__ = ["STATUS_LIST_BITS", "Registry", "StatusIndexTaken", "make_engine", "new_id"]

STATUS_LIST_BITS = MIN_STATUS_LIST_BITS
"""The status list's smallest size (W3C Bitstring Status List minimum); indexes start here."""


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One session, committed at the end; any database failure rolled back and raised as a
    :class:`RegistryError` (constraint violations and our own errors pass through)."""
    session = sessions()
    try:
        yield session
        session.commit()
    except (IntegrityError, RegistryError):
        session.rollback()
        raise
    except SQLAlchemyError as exc:
        session.rollback()
        raise _unavailable(exc) from None
    finally:
        session.close()


def is_id(value: str) -> bool:
    """Could ``value`` be one of our ids? Anything else is looked up nowhere — a NUL byte
    or a megabyte of text must be a 404, not a database error."""
    return 0 < len(value) <= 64 and value.isascii() and value.isalnum()


def new_id(bits: int = 160) -> str:
    """A random, unguessable id in lower-case base32 (160 bits → 32 characters)."""
    value = secrets.randbits(bits)
    return id_from_number(value, bits // 5)


def _private_sqlite_file(url: str) -> None:
    """Create a new SQLite database file 0600 before SQLite does (it would use the umask,
    usually 0644); its -wal and -shm files take the same mode from it."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A plain connection for a read of a few rows, without a session (the lookups every
    request or issuance makes); a database failure is raised as :class:`RegistryError`, as
    :func:`transaction` raises it."""
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise _unavailable(exc) from None


def _unavailable(exc: SQLAlchemyError) -> RegistryError:
    """A database failure as the registry reports it: its kind, never its SQL or values."""
    return RegistryError(f"registry unavailable: {type(exc).__name__}")


def _to_record(row: object) -> DocumentRecord:
    """A :class:`DocumentRow`, or a Core row of its columns, as a record."""
    values = {f.name: getattr(row, f.name) for f in fields(DocumentRecord)}
    values["status"] = Lifecycle(values["status"])
    return DocumentRecord(**values)


_KEY_BY_SECRET = select(
    ApiKeyRow.id, ApiKeyRow.organisation, ApiKeyRow.scopes, ApiKeyRow.created_at,
    ApiKeyRow.revoked_at,
).where(ApiKeyRow.secret_sha256 == bindparam("digest"))  # fmt: skip


_HOLDER_OF_INDEX = select(DocumentRow.id).where(DocumentRow.status_index == bindparam("index"))


class _KeyColumns(Protocol):
    id: str
    organisation: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None


def _key_record(row: _KeyColumns) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row.id,
        organisation=row.organisation,
        scopes=frozenset(s for s in row.scopes.split(",") if s),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class Registry:
    """Documents, API keys and PDF files. An issuance either fully happens or leaves nothing."""

    def __init__(self, engine: Engine, files: FileStore, clock: Clock | None = None) -> None:
        self.engine = engine
        self.files = files
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._group = GroupCommit(self._commit)
        """Concurrent issuances of this process share transactions (group commit)."""

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory of the registry's database (``expire_on_commit`` off), for
        the modules that keep their tables in it: one for the process, since each new
        ``sessionmaker`` builds a Session class and its event dispatch (≈ 0.3 ms)."""
        return self._sessions

    @classmethod
    def open(
        cls, url: str, files_dir: Path, clock: Clock | None = None, files: FileStore | None = None
    ) -> Registry:
        """Open (and migrate) the registry at ``url`` with files under ``files_dir``
        (or in ``files``, e.g. an :class:`~registry.files.S3FileStore`)."""
        from registry.migrate import upgrade

        engine = make_engine(url)
        upgrade(engine)
        return cls(engine, files or LocalFileStore(files_dir), clock)

    def ping(self) -> None:
        """A round trip to the database (readiness); raises if it is unreachable."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close every pooled connection (end of process, end of a test)."""
        self.engine.dispose()

    def _session(self) -> AbstractContextManager[Session]:
        return transaction(self._sessions)

    # Documents

    def register(self, doc: NewDocument, pdf: bytes, also: Sequence[object] = ()) -> DocumentRecord:
        """Store ``pdf`` and its row together; on any failure neither remains.

        Under the same (organisation, Idempotency-Key) a concurrent twin wins and this call
        raises :class:`Conflict` (the caller then reads the twin). ``also`` are rows added in
        the same transaction (a protocol's required signers).
        """
        digest = self.files.put(pdf)  # fsynced here, beside the other threads' files
        try:
            return self._group.run((doc, digest, also))
        except BaseException as exc:
            if not self._file_referenced(digest):
                self.files.delete(digest)
            self._explain(doc, exc)
            raise

    def _explain(self, doc: NewDocument, exc: BaseException) -> None:
        """Raise the registry's own error for a constraint ``exc`` that kept ``doc`` out."""
        if isinstance(exc, IntegrityError):
            if doc.status_index is not None and self._index_taken(doc.status_index):
                raise StatusIndexTaken(f"status index {doc.status_index} is taken") from None
            raise Conflict("a document with this idempotency key already exists") from None

    def _commit(self, entries: list[Entry]) -> list[DocumentRecord | BaseException]:
        return commit_documents(self._session, self._clock(), entries, _to_record)

    def register_many(
        self, entries: Sequence[tuple[NewDocument, bytes, Sequence[object]]]
    ) -> list[DocumentRecord | RegistryError]:
        """Register several documents in one transaction (a batch's group): one write
        lock, one commit — on PostgreSQL one WAL flush — for them all.

        Each entry is ``(doc, pdf, also)`` as for :meth:`register`; the result at each
        position is its record, or the :class:`Conflict` / :class:`StatusIndexTaken` it
        met. The guarantee is :meth:`register`'s, per document: every file is written and
        fsynced (side by side) before the commit that names it, and a document is there
        with its rows and audit entry, or not at all. Any other failure raises.
        """
        if not entries:
            return []
        digests = put_all(self.files, [pdf for _doc, pdf, _also in entries])
        grouped = [(doc, d, also) for (doc, _pdf, also), d in zip(entries, digests, strict=True)]
        outcomes = self._commit(grouped)
        results: list[DocumentRecord | RegistryError] = []
        failure: BaseException | None = None
        for (doc, digest, _also), outcome in zip(grouped, outcomes, strict=True):
            if isinstance(outcome, DocumentRecord):
                results.append(outcome)
                continue
            if not self._file_referenced(digest):
                self.files.delete(digest)
            try:
                self._explain(doc, outcome)
            except (Conflict, StatusIndexTaken) as exc:
                results.append(exc)
                continue
            failure = outcome
        if failure is not None:
            raise failure
        return results

    def _index_taken(self, index: int) -> bool:
        with reading(self.engine) as c:  # a plain row, no session: every issuance asks
            return c.execute(_HOLDER_OF_INDEX, {"index": index}).first() is not None

    def pick_status_index(self) -> int:
        """A random status list index no document holds yet.

        Random, so the list reveals nothing about issue order. The window starts at the
        list's minimum size and doubles whenever a pick lands on a taken index, so the list
        grows only once it is crowded. Two concurrent issuances may still pick the same free
        index: the unique index makes the second :meth:`register` raise
        :class:`StatusIndexTaken`, and the caller picks again.
        """
        window = STATUS_LIST_BITS
        while True:
            index = secrets.randbelow(window)
            if not self._index_taken(index):
                return index
            window *= 2

    def revocations(self) -> list[tuple[int, datetime]]:
        """``(status_index, revoked_at)`` of every revoked document: the bits to set."""
        with self._session() as s:
            rows = s.execute(
                select(DocumentRow.status_index, DocumentRow.revoked_at).where(
                    DocumentRow.status == Lifecycle.REVOKED, DocumentRow.status_index.is_not(None)
                )
            )
            return [(int(i), at) for i, at in rows if i is not None and at is not None]

    def max_status_index(self) -> int:
        """The highest status index held (-1 if none): the list must reach it."""
        with self._session() as s:
            value = s.scalar(select(func.max(DocumentRow.status_index)))
            return -1 if value is None else int(value)

    def _file_referenced(self, digest: str) -> bool:
        try:
            with self._sessions() as s:
                return (
                    s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == digest)) is not None
                )
        except SQLAlchemyError:
            return True  # cannot tell: keep the file; an orphan is harmless, a lost file is not

    def get(self, doc_id: str) -> DocumentRecord:
        """The document ``doc_id``; :class:`NotFound` if there is none."""
        with self._session() as s:
            row = s.get(DocumentRow, doc_id) if is_id(doc_id) else None
            if row is None:
                raise NotFound(f"no document {doc_id[:40]!r}")
            return _to_record(row)

    def find(self, doc_id: str) -> DocumentRecord | None:
        try:
            return self.get(doc_id)
        except NotFound:
            return None

    def by_idempotency_key(self, organisation: str, key: str) -> DocumentRecord | None:
        with self._session() as s:
            row = s.scalar(
                select(DocumentRow).where(
                    DocumentRow.organisation == organisation, DocumentRow.idempotency_key == key
                )
            )
            return _to_record(row) if row else None

    def by_sha256(self, digest: str) -> DocumentRecord | None:
        """The document whose current or original PDF has this hash."""
        with self._session() as s:
            row = s.scalar(
                select(DocumentRow).where(
                    (DocumentRow.sha256 == digest) | (DocumentRow.original_sha256 == digest)
                )
            )
            return _to_record(row) if row else None

    def pdf(self, record: DocumentRecord) -> bytes:
        return self.files.get(record.sha256)

    def revoke(
        self,
        doc_id: str,
        reason: str,
        actor: str = "system",
        also: Callable[[DocumentRecord], Sequence[object]] | None = None,
    ) -> DocumentRecord:
        """Mark a document revoked; the PDF is kept. Revoking twice is a :class:`Conflict`.
        ``also`` makes rows added in the same transaction (the webhook event)."""
        with self._session() as s:
            row = s.get(DocumentRow, doc_id) if is_id(doc_id) else None
            if row is None:
                raise NotFound(f"no document {doc_id[:40]!r}")
            if row.status == Lifecycle.REVOKED:
                raise Conflict("the document is already revoked")
            now = self._clock()
            row.status, row.revoked_at, row.revocation_reason = Lifecycle.REVOKED, now, reason
            row.updated_at = now
            s.flush()
            if also is not None:
                s.add_all(also(_to_record(row)))
            append(s, AuditEntry("document.revoked", doc_id, actor, row.organisation, {}), now)
            return _to_record(row)

    # API keys

    def create_api_key(
        self, organisation: str, scopes: set[str], actor: str = "cli"
    ) -> tuple[ApiKeyRecord, str]:
        """A new key for ``organisation``; returns the record and the secret (shown once)."""
        key_id = new_id(80)
        secret = f"qj_{key_id}_{secrets.token_urlsafe(32)}"
        row = ApiKeyRow(
            id=key_id,
            organisation=organisation,
            secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
            scopes=",".join(sorted(scopes)),
            created_at=self._clock(),
        )
        with self._session() as s:
            s.add(row)
            s.flush()
            details = {"scopes": row.scopes}
            entry = AuditEntry("api_key.created", key_id, actor, organisation, details)
            append(s, entry, row.created_at)
        return _key_record(row), secret

    def api_key_for(self, secret: str) -> ApiKeyRecord | None:
        """The live key whose secret this is, or ``None``."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        with reading(self.engine) as c:  # a plain row, no session: every request asks
            row = c.execute(_KEY_BY_SECRET, {"digest": digest}).first()
        if row is None or row.revoked_at is not None:
            return None
        return _key_record(row)

    def api_keys(self) -> list[ApiKeyRecord]:
        with self._session() as s:
            return [
                _key_record(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))
            ]

    def revoke_api_key(self, key_id: str, actor: str = "cli") -> None:
        with self._session() as s:
            row = s.get(ApiKeyRow, key_id) if is_id(key_id) else None
            if row is None:
                raise NotFound(f"no API key {key_id!r}")
            row.revoked_at = self._clock()
            entry = AuditEntry("api_key.revoked", key_id, actor, row.organisation, {})
            append(s, entry, row.revoked_at)
