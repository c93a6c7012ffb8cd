"""Per-organisation issuer keys, provisioned by the operator (``qujat issuers add``), never
through the API: each row points to a PKCS#12 file and to the file holding its passphrase
(the passphrase itself is never stored), with the organisation's BIN the key was checked
against (migration 0009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from registry.models import Base, UTCDateTime
from registry.store import reading

__all__ = ["IssuerKeyEntry", "IssuerKeyRegistry", "IssuerKeyRow"]


class IssuerKeyRow(Base):
    """One organisation's issuer key: where it is, not what it is."""

    __tablename__ = "issuer_keys"

    organisation: Mapped[str] = mapped_column(String(500), primary_key=True)
    bin: Mapped[str] = mapped_column(String(12))
    p12_path: Mapped[str] = mapped_column(Text)
    passphrase_file: Mapped[str] = mapped_column(Text)
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class IssuerKeyEntry:
    """An organisation's issuer key, as provisioned."""

    organisation: str
    bin: str
    """The organisation's BIN, equal to the certificate's ``OU=BIN…``."""
    p12_path: str
    passphrase_file: str
    certificate_sha256: str
    created_at: datetime


_BY_ORGANISATION = select(
    IssuerKeyRow.organisation, IssuerKeyRow.bin, IssuerKeyRow.p12_path,
    IssuerKeyRow.passphrase_file, IssuerKeyRow.certificate_sha256, IssuerKeyRow.created_at,
).where(IssuerKeyRow.organisation == bindparam("organisation"))  # fmt: skip


def _entry(row: Any) -> IssuerKeyEntry:  # an IssuerKeyRow or a row of its columns
    return IssuerKeyEntry(
        row.organisation, row.bin, row.p12_path, row.passphrase_file,
        row.certificate_sha256, row.created_at,
    )  # fmt: skip


class IssuerKeyRegistry:
    """The ``issuer_keys`` table."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def put(self, entry: IssuerKeyEntry) -> None:
        """Add or replace the organisation's key."""
        with self._sessions.begin() as s:
            row = s.get(IssuerKeyRow, entry.organisation)
            if row is None:
                row = IssuerKeyRow(organisation=entry.organisation)
                s.add(row)
            row.bin, row.p12_path = entry.bin, entry.p12_path
            row.passphrase_file = entry.passphrase_file
            row.certificate_sha256 = entry.certificate_sha256
            row.created_at = entry.created_at

    def get(self, organisation: str) -> IssuerKeyEntry | None:
        """The organisation's key, if one was provisioned (a plain row, no session: every
        issuance asks)."""
        with reading(self._engine) as c:
            row = c.execute(_BY_ORGANISATION, {"organisation": organisation}).first()
        return _entry(row) if row is not None else None

    def all(self) -> list[IssuerKeyEntry]:
        """Every provisioned key, by organisation."""
        with self._sessions() as s:
            rows = s.scalars(select(IssuerKeyRow).order_by(IssuerKeyRow.organisation))
            return [_entry(r) for r in rows]
