"""External signing sessions (prepared PDF, digest, signed attributes) and the one-time
links of the signing page; expired sessions and their prepared files are swept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text, update

from forms.types import Lifecycle
from registry.errors import NotFound, SessionExpired, StaleDocument
from registry.models import DocumentRow
from registry.models_signing import RequiredSignerRow, SigningLinkRow, SigningSessionRow
from registry.signatures import RequiredSigner, _required
from registry.signers import SigningBase
from registry.store import is_id

__all__ = ["SessionStore", "SigningSession"]


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


class SessionStore(SigningBase):
    """External sessions, signing links, and their sweeping."""

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
