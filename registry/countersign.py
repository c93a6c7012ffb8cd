"""Countersignatures in the registry, one store over three modules of their own:
:mod:`registry.signers` (who signs), :mod:`registry.signatures` (what a document waits for,
and recording a signature by compare-and-set) and :mod:`registry.signing_sessions`
(external sessions and one-time links). The names stay importable from here.
"""

from __future__ import annotations

from forms.rules.signer_plan import PlannedSigner
from registry.errors import AlreadySigned, SessionExpired, StaleDocument
from registry.signatures import RequiredSigner, SignatureStore, SigningPlan, planned_rows
from registry.signers import NewSigner, SignerRecord, SignerStore
from registry.signing_sessions import SessionStore, SigningSession

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
    "planned_rows",
]


class SigningRegistry(SignerStore, SignatureStore, SessionStore):
    """Countersigning state over the registry's engine and file store: signers,
    signatures and plans, sessions and links."""
