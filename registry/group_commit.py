"""Group commit: the registrations of concurrent issuances share one transaction.

Each issuing thread writes and fsyncs its own file first (side by side: the filesystem
journal commits concurrent fsyncs together), then hands its rows to :class:`GroupCommit`.
The first thread to arrive commits at once, with whatever others queued meanwhile; the
ones arriving while it commits wait and form the next group, led by the first of them.
No one waits for a timer: one thread alone commits as it always did, and under load a
transaction — one write lock, one audit-head update, one commit (on PostgreSQL one WAL
flush) — carries many documents.

The guarantee per document is unchanged: its file is durable before the commit that
names it, and a caller returns only once the transaction holding its rows has committed
(or with the error that kept them out). An entry that breaks a constraint (a twin under
its Idempotency-Key, a status index taken) fails the group's transaction; the group is
then committed entry by entry, so each gets its own outcome. Portable SQL only: nothing
here is SQLite's or PostgreSQL's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.audit import AuditEntry, append_many
from registry.inserts import insert_rows
from registry.models import DocumentRow
from registry.records import DocumentRecord, NewDocument

__all__ = ["Entry", "GroupCommit", "commit_documents", "document_row"]

Entry = tuple[NewDocument, str, Sequence[object]]
"""A document to register: its row's values, its stored file's SHA-256, rows added with it."""
Outcome = DocumentRecord | BaseException


def document_row(doc: NewDocument, digest: str, now: datetime) -> DocumentRow:
    """The row of the new document ``doc`` whose stored file has SHA-256 ``digest``."""
    return DocumentRow(
        **{f.name: getattr(doc, f.name) for f in fields(NewDocument)},
        sha256=digest,
        original_sha256=digest,
        created_at=now,
        updated_at=now,
    )


def _issued_entry(doc: NewDocument, digest: str) -> AuditEntry:
    return AuditEntry(
        "document.issued",
        doc.id,
        doc.api_key_id or "system",
        doc.organisation,
        {"form": doc.form, "lang": doc.lang, "status": doc.status, "sha256": digest},
    )


def commit_documents(
    session: Callable[[], Any],
    now: datetime,
    entries: Sequence[Entry],
    to_record: Callable[[DocumentRow], DocumentRecord],
) -> list[Outcome]:
    """Insert every entry's document row, its other rows and its audit entry in one
    transaction (``session()`` opens it); the outcome at each position is its record or
    the exception that kept it out. On a constraint violation the entries are committed
    one by one (a single entry's violation is its outcome)."""
    rows = [document_row(doc, digest, now) for doc, digest, _also in entries]
    try:
        with session() as s:
            assert isinstance(s, Session)
            # Core inserts, documents first (the other rows refer to them): the objects stay
            # outside the session, so a failed try leaves nothing on them to undo
            insert_rows(s, [*rows, *(obj for _doc, _digest, also in entries for obj in also)])
            audit = [_issued_entry(doc, digest) for doc, digest, _also in entries]
            append_many(s, audit, now)  # last: the chain's head is locked until commit
    except IntegrityError as exc:
        if len(entries) == 1:
            return [exc]
        return [commit_documents(session, now, [e], to_record)[0] for e in entries]
    except Exception as exc:  # the database is unavailable: every entry is kept out
        return [exc] * len(entries)
    # read from the objects, which set every field of a record (the revocation's are None,
    # as in the row): the test of the group's retry compares them with the read-back
    return [to_record(row) for row in rows]


@dataclass
class _Ticket:
    entry: Entry
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None
    lead: bool = False
    """Set when the thread is woken to commit the next group rather than with its result."""


class GroupCommit:
    """Leader/follower group commit over ``commit`` (a list of entries → their outcomes)."""

    def __init__(self, commit: Callable[[list[Entry]], list[Outcome]], most: int = 64) -> None:
        self._commit = commit
        self._most = most
        self._lock = threading.Lock()
        self._queue: list[_Ticket] = []
        self._busy = False
        self.transactions = 0
        """Groups committed so far (how much sharing happened: a figure, not a control)."""

    def run(self, entry: Entry) -> DocumentRecord:
        """Commit ``entry`` (with any that arrive meanwhile); its record, or its error."""
        ticket = _Ticket(entry)
        with self._lock:
            self._queue.append(ticket)
            lead = not self._busy
            self._busy = True
        if not lead:
            ticket.done.wait()
            if ticket.lead:  # the previous leader passed the next group to this thread
                ticket.done.clear()
                lead = True
        if lead:
            self._lead()
        outcome = ticket.outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome is not None
        return outcome

    def _lead(self) -> None:
        with self._lock:
            group, self._queue = self._queue[: self._most], self._queue[self._most :]
        self.transactions += 1
        try:
            outcomes = self._commit([t.entry for t in group])
        except BaseException as exc:
            outcomes = [exc] * len(group)
        for ticket, outcome in zip(group, outcomes, strict=True):
            ticket.outcome = outcome
            if ticket.lead:
                continue
            ticket.done.set()
        with self._lock:
            if self._queue:  # the next group's first thread leads it
                nxt = self._queue[0]
                nxt.lead = True
                nxt.done.set()
            else:
                self._busy = False
