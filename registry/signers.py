"""Signers: the commission members and secretaries an organisation registers, each with
their certificate and, for a key the server holds, where the operator provisioned it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from forms.types import Clock
from registry.audit import AuditEntry, append
from registry.errors import Conflict, NotFound
from registry.files import FileStore
from registry.models import DocumentRow
from registry.models_signing import SignerRow
from registry.store import is_id, new_id, transaction

__all__ = ["NewSigner", "SignerRecord", "SignerStore", "SigningBase"]


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


class SigningBase:
    """What the countersigning stores share: the engine, the file store, the clock."""

    def __init__(self, engine: Engine, files: FileStore, clock: Clock | None = None) -> None:
        self.engine = engine
        self.files = files
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock or (lambda: datetime.now(UTC))

    def _session(self) -> AbstractContextManager[Session]:
        return transaction(self._sessions)

    def _file_referenced(self, digest: str) -> bool:
        try:
            with self._sessions() as s:
                found = s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == digest))
                return found is not None
        except SQLAlchemyError:
            return True


class SignerStore(SigningBase):
    """Registering signers and reading them back."""

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
