"""Countersignatures in the registry: signers, required signers, sessions, one-time links.

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
import secrets
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from forms.rules.signer_plan import PlannedSigner
from forms.types import Clock, Lifecycle
from registry.audit import AuditEntry, append
from registry.errors import AlreadySigned, Conflict, NotFound, SessionExpired, StaleDocument
from registry.files import FileStore
from registry.models import DocumentRow
from registry.models_signing import (
    RequiredSignerRow,
    SignerRow,
    SigningLinkRow,
    SigningPlanRow,
    SigningSessionRow,
)
from registry.records import DocumentRecord, SignatureRecorded
from registry.store import _to_record, is_id, new_id, transaction

__all__ = [
    "AlreadySigned",
    "NewSigner",
    "PlannedSigner",
    "RequiredSigner",
    "SessionExpired",
    "SignerRecord",
    "SigningPlan",
    "SigningRegistry",
    "SigningSession",
    "StaleDocument",
]


@dataclass(frozen=True)
class NewSigner:
    """A signer about to be registered."""

    organisation: str
    """The client organisation the signer belongs to (tenancy)."""
    name: str
    """Full name as the protocol prints it."""
    iin: str | None
    """IIN (from the certificate's SERIALNUMBER=IIN… when present)."""
    affiliation: str | None
    """The signer's own organisation (certificate O or given)."""
    certificate_pem: str
    """The signer's X.509 certificate, PEM."""
    certificate_sha256: str
    """SHA-256 of the certificate's DER."""
    key_location: str | None
    """``pkcs12:<path>`` or ``pkcs11:<uri>`` for a key the server holds; ``None`` when only
    the member holds it (external flow)."""


@dataclass(frozen=True)
class SignerRecord(NewSigner):
    """A registered signer."""

    id: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def server_held(self) -> bool:
        return self.key_location is not None


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


@dataclass(frozen=True)
class SigningSession:
    """An external signature in progress."""

    id: str
    document_id: str
    required_signer_id: int
    base_sha256: str
    """The document's sha256 when prepared: the signature is only good on that revision."""
    prepared_sha256: str
    """The prepared PDF (with the reserved /Contents) in the file store."""
    digest_algorithm: str
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes
    """DER of the CMS signed attributes we prepared (SET OF Attribute)."""
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None


def _signer(row: SignerRow) -> SignerRecord:
    return SignerRecord(
        organisation=row.organisation,
        name=row.name,
        iin=row.iin,
        affiliation=row.affiliation,
        certificate_pem=row.certificate_pem,
        certificate_sha256=row.certificate_sha256,
        key_location=row.key_location,
        id=row.id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


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


def _session_record(row: SigningSessionRow) -> SigningSession:
    return SigningSession(
        id=row.id,
        document_id=row.document_id,
        required_signer_id=row.required_signer_id,
        base_sha256=row.base_sha256,
        prepared_sha256=row.prepared_sha256,
        digest_algorithm=row.digest_algorithm,
        document_digest=bytes.fromhex(row.document_digest),
        reserved_start=row.reserved_start,
        reserved_end=row.reserved_end,
        signed_attrs=bytes.fromhex(row.signed_attrs),
        created_at=row.created_at,
        expires_at=row.expires_at,
        completed_at=row.completed_at,
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


class SigningRegistry:
    """Countersigning state over the registry's engine and file store."""

    def __init__(self, engine: Engine, files: FileStore, clock: Clock | None = None) -> None:
        self.engine = engine
        self.files = files
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock or (lambda: datetime.now(UTC))

    def _session(self) -> AbstractContextManager[Session]:
        return transaction(self._sessions)

    # Signers

    def add_signer(self, signer: NewSigner, actor: str) -> SignerRecord:
        """Register ``signer``; a certificate registered twice in one organisation conflicts."""
        now = self._clock()
        row = SignerRow(id=new_id(), created_at=now, **vars(signer))
        try:
            with self._session() as s:
                s.add(row)
                s.flush()
                details = {"certificate_sha256": signer.certificate_sha256,
                           "server_held": signer.key_location is not None}  # fmt: skip
                append(s, AuditEntry("signer.registered", row.id, actor, signer.organisation,
                                     details), now)  # fmt: skip
        except IntegrityError:
            raise Conflict("this certificate is registered already") from None
        return _signer(row)

    def set_key_location(
        self, signer_id: str, organisation: str, location: str, actor: str
    ) -> SignerRecord:
        """Record where the server holds ``signer_id``'s key (operator provisioning only:
        no API route reaches this). :class:`NotFound` unless the signer is
        ``organisation``'s."""
        now = self._clock()
        with self._session() as s:
            row = s.get(SignerRow, signer_id) if is_id(signer_id) else None
            if row is None or row.organisation != organisation:
                raise NotFound(f"no signer {signer_id[:40]!r} in that organisation")
            row.key_location = location
            append(s, AuditEntry("signer.key_provisioned", row.id, actor, organisation,
                                 {"certificate_sha256": row.certificate_sha256}), now)  # fmt: skip
            s.flush()
            return _signer(row)

    def signer(self, signer_id: str, organisation: str | None = None) -> SignerRecord:
        """The signer ``signer_id`` (in ``organisation`` when given); :class:`NotFound`."""
        with self._session() as s:
            row = s.get(SignerRow, signer_id) if is_id(signer_id) else None
            if row is None or (organisation is not None and row.organisation != organisation):
                raise NotFound(f"no signer {signer_id[:40]!r}")
            return _signer(row)

    # Required signers, plans

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

    # External sessions

    def save_session(self, session: SigningSession) -> None:
        """Store ``session`` if its document is still at ``base_sha256``; :class:`StaleDocument`
        if the file moved meanwhile (a signature or an LTV upgrade landed since the read)."""
        with self._session() as s:
            # a no-op update that locks the row: an upgrade racing this prepare either moved
            # the file first (then no row matches here) or waits and sees this session
            claimed = s.execute(
                update(DocumentRow)
                .where(DocumentRow.id == session.document_id,
                       DocumentRow.sha256 == session.base_sha256)
                .values(sha256=DocumentRow.sha256)
            )  # fmt: skip
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleDocument("the document changed while its signature was prepared")
            s.add(
                SigningSessionRow(
                    id=session.id,
                    document_id=session.document_id,
                    required_signer_id=session.required_signer_id,
                    base_sha256=session.base_sha256,
                    prepared_sha256=session.prepared_sha256,
                    digest_algorithm=session.digest_algorithm,
                    document_digest=session.document_digest.hex(),
                    reserved_start=session.reserved_start,
                    reserved_end=session.reserved_end,
                    signed_attrs=session.signed_attrs.hex(),
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                )
            )

    def signing_session(self, session_id: str, doc_id: str) -> SigningSession:
        """A live session of ``doc_id``; :class:`SessionExpired` if expired or used."""
        with self._session() as s:
            row = s.get(SigningSessionRow, session_id) if is_id(session_id) else None
            if row is None or row.document_id != doc_id:
                raise NotFound(f"no signing session {session_id[:40]!r} for this document")
            if row.completed_at is not None:
                raise SessionExpired("this signing session was completed already")
            if row.expires_at <= self._clock():
                raise SessionExpired("the signing session has expired; prepare again")
            return _session_record(row)

    # One-time links

    def create_link(self, doc_id: str, required_signer_id: int, ttl: timedelta) -> str:
        """A new one-time token for the signing page (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._session() as s:
            s.add(
                SigningLinkRow(
                    token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                    document_id=doc_id,
                    required_signer_id=required_signer_id,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
        return token

    def link(self, doc_id: str, token: str) -> RequiredSigner:
        """The required signer a live link stands for; :class:`SessionExpired` otherwise."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._session() as s:
            row = s.get(SigningLinkRow, digest)
            if row is None or row.document_id != doc_id:
                raise NotFound("no such signing link")
            if row.used_at is not None or row.expires_at <= self._clock():
                raise SessionExpired("this signing link was used or has expired")
            required = s.get(RequiredSignerRow, row.required_signer_id)
            document = s.get(DocumentRow, doc_id)
            assert required is not None
            # one pending signature: dead once it is made (by any route), once the document
            # needs no more signatures, or once it is revoked (the PDF is full of IINs)
            if required.signed_at is not None:
                raise SessionExpired("this signing link's signature has been made")
            if document is None or document.status != Lifecycle.AWAITING_SIGNATURES:
                raise SessionExpired("the document no longer awaits signatures")
            return _required(required)

    # The signature itself

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
    ) -> tuple[DocumentRecord, bool]:
        """Store the PDF with one more signature; returns the document and whether it is
        now complete (status ``issued``). Serialised per document (see the module doc).
        ``also`` makes rows added in the same transaction (the webhook events).

        :class:`StaleDocument` if the document is no longer at ``base_sha256``;
        :class:`AlreadySigned` if this signature is there already.
        """
        digest = self.files.put(pdf)
        try:
            return self._record(
                doc_id, required_signer_id, base_sha256, digest, signature_sha256,
                signer_name, actor, session_id, link_token, also,
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
            signed = s.execute(
                update(RequiredSignerRow)
                .where(
                    RequiredSignerRow.id == required_signer_id,
                    RequiredSignerRow.document_id == doc_id,
                    RequiredSignerRow.signed_at.is_(None),
                )
                .values(signed_at=now, signature_sha256=signature_sha256)
            )
            if not signed.rowcount:  # type: ignore[attr-defined]
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
            required = s.get(RequiredSignerRow, required_signer_id)
            assert required is not None
            row = s.get(DocumentRow, doc_id, populate_existing=True)
            assert row is not None
            row.signatures = [
                *row.signatures,
                {"field": required.field_name, "role": required.role, "signer": signer_name,
                 "signed_at": now.isoformat()},
            ]  # fmt: skip
            remaining = s.scalar(
                select(func.count())
                .select_from(RequiredSignerRow)
                .where(
                    RequiredSignerRow.document_id == doc_id, RequiredSignerRow.signed_at.is_(None)
                )
            )
            complete = remaining == 0
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
            s.flush()
            record = _to_record(row)
            if also is not None:
                total = s.scalar(
                    select(func.count())
                    .select_from(RequiredSignerRow)
                    .where(RequiredSignerRow.document_id == doc_id)
                )
                done = SignatureRecorded(
                    record, required.role, signer_name, now,
                    signed=int(total or 0) - int(remaining or 0), required=int(total or 0),
                    complete=complete,
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

    def sweep_sessions(self, limit: int = 200) -> int:
        """Forget expired signing sessions and delete their prepared PDFs (each a full copy
        of the document), unless a document, a revision or a live session uses the file.
        Run on every prepare and by the background sweeper; returns the sessions swept."""
        now = self._clock()
        with self._session() as s:
            rows = list(s.scalars(
                select(SigningSessionRow)
                .where(SigningSessionRow.expires_at <= now, SigningSessionRow.prepared_sha256 != "")
                .limit(limit)
            ))  # fmt: skip
            digests = {row.prepared_sha256 for row in rows}
            for row in rows:
                if row.completed_at is None:
                    s.delete(row)
                else:  # kept: the signature's audit names it; only its file goes
                    row.prepared_sha256 = ""
        for digest in digests:
            self.discard_file(digest)
        return len(rows)

    def discard_file(self, digest: str) -> None:
        """Delete a prepared PDF unless a document, a revision or a session uses it."""
        if not self._file_referenced(digest) and not self._session_file(digest):
            self.files.delete(digest)

    def _session_file(self, digest: str) -> bool:
        with self._session() as s:
            live = select(SigningSessionRow.id).where(SigningSessionRow.prepared_sha256 == digest)
            if s.scalar(live.limit(1)) is not None:
                return True
            revision = text("SELECT 1 FROM document_revisions WHERE sha256 = :d LIMIT 1")
            return s.execute(revision, {"d": digest}).first() is not None

    def _file_referenced(self, digest: str) -> bool:
        try:
            with self._sessions() as s:
                found = s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == digest))
                return found is not None
        except SQLAlchemyError:
            return True
