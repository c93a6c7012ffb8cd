"""Each organisation's own issuer key (a school signs its certificates, a department its
orders): provisioned by the operator with ``qujat issuers add``, never through the API.

The key must be a legal entity's NCA key with the right to sign (first head or signing
right) whose ``OU=BIN…`` is the organisation's, chaining to a configured anchor, inside its
validity and not revoked. Documents of an organisation without one are certified with the
deployment-wide key (the embedded default).
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from registry.issuer_keys import IssuerKeyEntry, IssuerKeyRegistry
from signing import IssuerKey, read_passphrase
from signing.nca_keys import load_nca_pkcs12
from signing.nca_profile import certificate_facts, require_organisation_signer
from signing.signer_trust import SignerTrust, check_signer

__all__ = ["OrganisationIssuers", "provision_issuer"]


def _load(p12: Path, passphrase_file: Path) -> IssuerKey:
    # the passphrase is read from its file each time a key is opened, never stored
    return load_nca_pkcs12(p12, read_passphrase("QUJAT_NO_SUCH_VARIABLE", passphrase_file))


def provision_issuer(
    engine: Any,
    trust: SignerTrust,
    *,
    organisation: str,
    bin_: str,
    p12: Path,
    passphrase_file: Path,
    now: datetime,
) -> IssuerKeyEntry:
    """Check the key and record where it is; :class:`~signing.errors.NcaProfileError` (with
    the rule) if it may not sign for ``organisation``, ``KeyStoreError`` if unreadable."""
    key = _load(p12, passphrase_file)
    facts = certificate_facts(key.certificate, trust.rules)
    require_organisation_signer(facts, bin_)
    check_signer(key.certificate, trust, now, key.chain)
    entry = IssuerKeyEntry(
        organisation=organisation,
        bin=bin_,
        p12_path=str(p12.resolve()),
        passphrase_file=str(passphrase_file.resolve()),
        certificate_sha256=hashlib.sha256(key.certificate.dump()).hexdigest(),
        created_at=now,
    )
    IssuerKeyRegistry(engine).put(entry)
    return entry


class OrganisationIssuers:
    """``Context.issuer_of``: an organisation's provisioned key, opened once and kept."""

    def __init__(self, engine: Any) -> None:
        self._registry = IssuerKeyRegistry(engine)
        self._open: dict[tuple[str, str], IssuerKey] = {}
        self._lock = threading.Lock()

    def __call__(self, organisation: str) -> IssuerKey | None:
        entry = self._registry.get(organisation)
        if entry is None:
            return None
        cache_key = (organisation, entry.certificate_sha256)
        with self._lock:
            key = self._open.get(cache_key)
        if key is None:
            key = _load(Path(entry.p12_path), Path(entry.passphrase_file))
            with self._lock:
                key = self._open.setdefault(cache_key, key)
        return key
