"""Signatures a document waits for, its signing plan, and recording a signature.

A signature is stored by writing the new PDF to the file store and moving the document's
``sha256`` forward in one transaction whose first statement is a compare-and-set::

    UPDATE documents SET sha256 = :new WHERE id = :id AND sha256 = :base

It takes the row's write lock (SQLite: the database write lock; PostgreSQL: the row lock,
and a waiting writer re-reads the row once the first commits), so two signers of one
document are serialised across processes, and a signature made over a revision that is no
longer the current one fails instead of overwriting its rival.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forms.rules.signer_plan import PlannedSigner
from forms.types import Lifecycle
from registry.audit import AuditEntry, append
from registry.errors import AlreadySigned, Conflict, NotFound, SessionExpired, StaleDocument
from registry.models import DocumentRow
from registry.models_signing import (
    RequiredSignerRow,
    SigningLinkRow,
    SigningPlanRow,
    SigningSessionRow,
)
from registry.records import DocumentRecord, SignatureRecorded
from registry.revisions import next_revision_row
from registry.signers import SigningBase
from registry.store import _to_record

__all__ = ["RequiredSigner", "SignatureStore", "SigningPlan", "planned_rows"]


@dataclass(frozen=True)
class RequiredSigner(PlannedSigner):
    """A signature a document waits for, or has."""

    id: int = 0
    document_id: str = ""
    signed_at: datetime | None = None
    signature_sha256: str | None = None


@dataclass(frozen=True)
class SigningPlan:
    """How a document is to be signed and what follows it."""

    order: str
    """The signing order rule (``members-first`` or ``any``)."""
    follow_up: dict[str, Any]
    """What a fully signed protocol leads to (extracts, certificate terms)."""
    derived_at: datetime | None
    """When its follow-up documents were all made; ``None`` until then."""


def _required(row: RequiredSignerRow) -> RequiredSigner:
    return RequiredSigner(
        position=row.position,
        role=row.role,
        name=row.name,
        signer_id=row.signer_id,
        field_name=row.field_name,
        id=row.id,
        document_id=row.document_id,
        signed_at=row.signed_at,
        signature_sha256=row.signature_sha256,
    )


def planned_rows(doc_id: str, planned: Sequence[PlannedSigner], order_rule: str,
                 follow_up: dict[str, Any]) -> list[Any]:  # fmt: skip
    """Rows to register with a new document (``Registry.register(..., also=...)``)."""
    rows: list[Any] = [
        SigningPlanRow(document_id=doc_id, order_rule=order_rule, follow_up=follow_up)
    ]
    rows += [
        RequiredSignerRow(
            document_id=doc_id,
            position=p.position,
            role=p.role,
            name=p.name,
            signer_id=p.signer_id,
            field_name=p.field_name,
        )
        for p in planned
    ]
    return rows


class SignatureStore(SigningBase):
    """Required signers, plans, and the compare-and-set that records a signature."""

    def required_signers(self, doc_id: str) -> list[RequiredSigner]:
        with self._session() as s:
            rows = s.scalars(
                select(RequiredSignerRow)
                .where(RequiredSignerRow.document_id == doc_id)
                .order_by(RequiredSignerRow.position)
            )
            return [_required(r) for r in rows]

    def plan(self, doc_id: str) -> SigningPlan | None:
        """The signing plan of a countersigned document, else ``None``."""
        with self._session() as s:
            row = s.get(SigningPlanRow, doc_id)
            if row is None:
                return None
            return SigningPlan(row.order_rule, dict(row.follow_up), row.derived_at)

    def mark_derived(self, doc_id: str, also: Callable[[], Sequence[object]] | None = None) -> None:
        """Record that every follow-up document of ``doc_id`` exists.

        Set only after they were made (idempotently), never before: a process killed while
        deriving leaves the mark unset, and :meth:`awaiting_derivation` finds the protocol
        again at the next start. ``also`` makes rows added in the same transaction, only
        when this call sets the mark (the webhook event: once per protocol).
        """
        with self._session() as s:
            marked = s.execute(
                update(SigningPlanRow)
                .where(SigningPlanRow.document_id == doc_id, SigningPlanRow.derived_at.is_(None))
                .values(derived_at=self._clock())
            )
            if also is not None and marked.rowcount:  # type: ignore[attr-defined]
                s.add_all(also())

    def awaiting_derivation(self) -> list[str]:
        """Fully signed protocols whose follow-up documents are not all made yet."""
        with self._session() as s:
            rows = s.scalars(
                select(SigningPlanRow.document_id)
                .join(DocumentRow, DocumentRow.id == SigningPlanRow.document_id)
                .where(SigningPlanRow.derived_at.is_(None), DocumentRow.status == Lifecycle.ISSUED)
            )
            return list(rows)

    def derived(self, protocol_id: str) -> list[DocumentRecord]:
        """The documents that name ``protocol_id``."""
        with self._session() as s:
            rows = s.scalars(
                select(DocumentRow)
                .where(DocumentRow.protocol_id == protocol_id)
                .order_by(DocumentRow.created_at, DocumentRow.id)
            )
            return [_to_record(r) for r in rows]

    def record_signature(
        self,
        doc_id: str,
        required_signer_id: int,
        base_sha256: str,
        pdf: bytes,
        *,
        signature_sha256: str,
        signer_name: str,
        actor: str,
        session_id: str | None = None,
        link_token: str | None = None,
        also: Callable[[SignatureRecorded], Sequence[object]] | None = None,
        revision_level: str | None = None,
    ) -> tuple[DocumentRecord, bool]:
        """Store the PDF with one more signature; returns the document and whether it is
        now complete (status ``issued``). Serialised per document (see the module doc).
        ``also`` makes rows added in the same transaction (the webhook events); with a
        ``revision_level`` the file's revision row (``countersigned``, at that level) is
        written in it too.

        :class:`StaleDocument` if the document is no longer at ``base_sha256``;
        :class:`AlreadySigned` if this signature is there already.
        """
        digest = self.files.put(pdf)
        try:
            return self._record(
                doc_id, required_signer_id, base_sha256, digest, signature_sha256,
                signer_name, actor, session_id, link_token, also, revision_level,
            )  # fmt: skip
        except BaseException:
            if not self._file_referenced(digest):
                self.files.delete(digest)
            raise

    def _record(
        self,
        doc_id: str,
        required_signer_id: int,
        base_sha256: str,
        digest: str,
        signature_sha256: str,
        signer_name: str,
        actor: str,
        session_id: str | None,
        link_token: str | None,
        also: Callable[[SignatureRecorded], Sequence[object]] | None = None,
        revision_level: str | None = None,
    ) -> tuple[DocumentRecord, bool]:
        with self._session() as s:
            now = self._clock()
            moved = s.execute(
                update(DocumentRow)
                .where(
                    DocumentRow.id == doc_id,
                    DocumentRow.sha256 == base_sha256,
                    DocumentRow.status == Lifecycle.AWAITING_SIGNATURES,
                )
                .values(sha256=digest, updated_at=now)
            )
            if not moved.rowcount:  # type: ignore[attr-defined]
                self._explain_refusal(s, doc_id)
            if s.get_bind().dialect.name == "postgresql":
                # the UPDATE holds the row lock already; FOR UPDATE documents the intent
                s.execute(select(DocumentRow.id).where(DocumentRow.id == doc_id).with_for_update())
            required = s.execute(
                update(RequiredSignerRow)
                .where(
                    RequiredSignerRow.id == required_signer_id,
                    RequiredSignerRow.document_id == doc_id,
                    RequiredSignerRow.signed_at.is_(None),
                )
                .values(signed_at=now, signature_sha256=signature_sha256)
                .returning(
                    RequiredSignerRow.field_name,
                    RequiredSignerRow.role,
                    RequiredSignerRow.signer_id,
                )
            ).first()
            if required is None:
                raise AlreadySigned("this member has signed the document already")
            if session_id is not None:
                used = s.execute(
                    update(SigningSessionRow)
                    .where(SigningSessionRow.id == session_id,
                           SigningSessionRow.completed_at.is_(None))
                    .values(completed_at=now)
                )  # fmt: skip
                if not used.rowcount:  # type: ignore[attr-defined]
                    raise SessionExpired("this signing session was completed already")
            if link_token is not None:
                used = s.execute(
                    update(SigningLinkRow)
                    .where(SigningLinkRow.token_sha256 ==
                           hashlib.sha256(link_token.encode()).hexdigest(),
                           SigningLinkRow.used_at.is_(None))
                    .values(used_at=now)
                )  # fmt: skip
                if not used.rowcount:  # type: ignore[attr-defined]
                    raise SessionExpired("this signing link was used already")
            row = s.get(DocumentRow, doc_id, populate_existing=True)
            assert row is not None
            row.signatures = [
                *row.signatures,
                {"field": required.field_name, "role": required.role, "signer": signer_name,
                 "signed_at": now.isoformat()},
            ]  # fmt: skip
            total, signed = s.execute(  # count() of a column counts its non-null values
                select(func.count(), func.count(RequiredSignerRow.signed_at)).where(
                    RequiredSignerRow.document_id == doc_id
                )
            ).one()
            complete = signed == total
            if complete:
                row.status = Lifecycle.ISSUED
            append(
                s,
                AuditEntry(
                    "document.signed",
                    doc_id,
                    actor,
                    row.organisation,
                    {"field": required.field_name, "role": required.role,
                     "signer_id": required.signer_id, "sha256": digest,
                     "signature_sha256": signature_sha256, "complete": complete},
                ),
                now,
            )  # fmt: skip
            if revision_level is not None:
                s.add(next_revision_row(
                    s, doc_id, digest, level=revision_level, reason="countersigned", now=now
                ))  # fmt: skip
            s.flush()
            record = _to_record(row)
            if also is not None:
                done = SignatureRecorded(
                    record, required.role, signer_name, now,
                    signed=int(signed), required=int(total), complete=complete,
                )  # fmt: skip
                s.add_all(also(done))
            return record, complete

    def _explain_refusal(self, s: Session, doc_id: str) -> None:
        row = s.get(DocumentRow, doc_id)
        if row is None:
            raise NotFound(f"no document {doc_id!r}")
        if row.status != Lifecycle.AWAITING_SIGNATURES:
            raise Conflict(f"the document is {row.status}; it takes no more signatures")
        raise StaleDocument(
            "the document has changed since this signature was prepared (another signature "
            "was added); prepare and sign again"
        )
