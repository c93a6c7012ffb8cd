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
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NoReturn, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from forms.catalogue.protocols import PROTOCOL_FORM_IDS
from forms.rules.signer_plan import PlannedSigner
from forms.types import Lifecycle
from registry.audit import AuditEntry, append
from registry.errors import AlreadySigned, Conflict, NotFound, SessionExpired, StaleDocument
from registry.inserts import insert_rows
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
from registry.store import _to_record, reading

__all__ = ["RequiredSigner", "SignatureStore", "SigningPlan", "planned_rows"]

# Recording a signature, on every countersignature's path: Core statements built once, no
# ORM unit of work for the rows they touch. A parameter of an UPDATE is never named after one
# of its table's columns (SQLAlchemy reserves those names for the SET clause).
_DOCS = cast(Table, DocumentRow.__table__)
_REQUIRED = cast(Table, RequiredSignerRow.__table__)
_MOVE_DOCUMENT = (
    update(_DOCS)
    .where(
        _DOCS.c.id == bindparam("doc_id"),
        _DOCS.c.sha256 == bindparam("base"),
        _DOCS.c.status == bindparam("awaiting"),
    )
    .values(sha256=bindparam("digest"), updated_at=bindparam("now"))
    .returning(*_DOCS.c)
)
_SIGN_REQUIRED = (
    update(_REQUIRED)
    .where(
        _REQUIRED.c.id == bindparam("required_id"),
        _REQUIRED.c.document_id == bindparam("doc_id"),
        _REQUIRED.c.signed_at.is_(None),
    )
    .values(signed_at=bindparam("now"), signature_sha256=bindparam("new_signature"))
    .returning(_REQUIRED.c.field_name, _REQUIRED.c.role, _REQUIRED.c.signer_id)
)
_SESSIONS = cast(Table, SigningSessionRow.__table__)
_COMPLETE_SESSION = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"), _SESSIONS.c.completed_at.is_(None))
    .values(completed_at=bindparam("now"))
)
_LINKS = cast(Table, SigningLinkRow.__table__)
_USE_LINK = (
    update(_LINKS)
    .where(_LINKS.c.token_sha256 == bindparam("link_digest"), _LINKS.c.used_at.is_(None))
    .values(used_at=bindparam("now"))
)
_COUNT_SIGNED = select(  # count() of a column counts its non-null values
    func.count(), func.count(_REQUIRED.c.signed_at)
).where(_REQUIRED.c.document_id == bindparam("doc_id"))
_REQUIRED_OF = (
    select(_REQUIRED)
    .where(_REQUIRED.c.document_id == bindparam("doc_id"))
    .order_by(_REQUIRED.c.position)
)
_PLANS = cast(Table, SigningPlanRow.__table__)
_PLAN_OF = select(_PLANS).where(_PLANS.c.document_id == bindparam("doc_id"))
_SET_SIGNATURES = (
    update(_DOCS)
    .where(_DOCS.c.id == bindparam("doc_id"))
    .values(signatures=bindparam("new_signatures"), status=bindparam("new_status"))
)


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


def _required(row: Any) -> RequiredSigner:
    """A :class:`RequiredSignerRow` or a Core row of its columns."""
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
        """The document's signatures, made or awaited, in signing position (plain rows, no
        session: every countersignature asks)."""
        with reading(self.engine) as c:
            return [_required(r) for r in c.execute(_REQUIRED_OF, {"doc_id": doc_id})]

    def plan(self, doc_id: str) -> SigningPlan | None:
        """The signing plan of a countersigned document, else ``None``."""
        with reading(self.engine) as c:
            row = c.execute(_PLAN_OF, {"doc_id": doc_id}).first()
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
        """Fully signed protocols whose follow-up documents are not all made yet (an extract
        the secretary signs has a signing plan too, and nothing to derive)."""
        with self._session() as s:
            rows = s.scalars(
                select(SigningPlanRow.document_id)
                .join(DocumentRow, DocumentRow.id == SigningPlanRow.document_id)
                .where(
                    SigningPlanRow.derived_at.is_(None),
                    DocumentRow.status == Lifecycle.ISSUED,
                    DocumentRow.form.in_(sorted(PROTOCOL_FORM_IDS)),
                )
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
            # the compare-and-set (module doc); it returns the row, so nothing reads it again
            row = s.execute(_MOVE_DOCUMENT, {
                "doc_id": doc_id, "base": base_sha256, "awaiting": Lifecycle.AWAITING_SIGNATURES,
                "digest": digest, "now": now,
            }).first()  # fmt: skip
            if row is None:
                self._explain_refusal(s, doc_id)
            required = s.execute(_SIGN_REQUIRED, {
                "required_id": required_signer_id, "doc_id": doc_id, "now": now,
                "new_signature": signature_sha256,
            }).first()  # fmt: skip
            if required is None:
                raise AlreadySigned("this member has signed the document already")
            if session_id is not None:
                used = s.execute(_COMPLETE_SESSION, {"session_id": session_id, "now": now})
                if not used.rowcount:  # type: ignore[attr-defined]
                    raise SessionExpired("this signing session was completed already")
            if link_token is not None:
                token_sha256 = hashlib.sha256(link_token.encode()).hexdigest()
                used = s.execute(_USE_LINK, {"link_digest": token_sha256, "now": now})
                if not used.rowcount:  # type: ignore[attr-defined]
                    raise SessionExpired("this signing link was used already")
            total, signed = s.execute(_COUNT_SIGNED, {"doc_id": doc_id}).one()
            complete = signed == total
            signatures = [
                *row.signatures,
                {"field": required.field_name, "role": required.role, "signer": signer_name,
                 "signed_at": now.isoformat()},
            ]  # fmt: skip
            status = Lifecycle.ISSUED if complete else Lifecycle.AWAITING_SIGNATURES
            s.execute(
                _SET_SIGNATURES,
                {"doc_id": doc_id, "new_signatures": signatures, "new_status": status},
            )
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
            added: list[object] = []
            if revision_level is not None:
                added.append(next_revision_row(
                    s, doc_id, digest, level=revision_level, reason="countersigned", now=now
                ))  # fmt: skip
            record = replace(_to_record(row), signatures=signatures, status=status)
            if also is not None:
                done = SignatureRecorded(
                    record, required.role, signer_name, now,
                    signed=int(signed), required=int(total), complete=complete,
                )  # fmt: skip
                added += also(done)
            insert_rows(s, added)
            return record, complete

    def _explain_refusal(self, s: Session, doc_id: str) -> NoReturn:
        row = s.get(DocumentRow, doc_id)
        if row is None:
            raise NotFound(f"no document {doc_id!r}")
        if row.status != Lifecycle.AWAITING_SIGNATURES:
            raise Conflict(f"the document is {row.status}; it takes no more signatures")
        raise StaleDocument(
            "the document has changed since this signature was prepared (another signature "
            "was added); prepare and sign again"
        )
