"""What every flow is handed: one frozen :class:`Context`, and who acts (:class:`Actor`).

``api/`` builds the context once from its settings (``api.services.build_services``);
nothing under ``workflow/`` reads settings or the environment. Tests build their own.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Concatenate, ParamSpec, TypeVar

from asn1crypto import x509
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from forms.rulebooks import OutsidePeriod
from forms.rules.calendar import WorkingCalendar
from forms.rules.signer_plan import SigningOrder
from forms.types import Clock
from generator import Renderer
from registry import Registry
from registry.countersign import RequiredSigner, SigningRegistry
from registry.records import ApiKeyRecord
from signing import IssuerKey
from signing.keystore import SignerKeyStore
from signing.pki_fetch import FetchPolicy
from signing.revocation_fetching import AllowListFetcherBackend
from signing.signer_trust import SignerTrust
from signing.tokens import TokenKey
from workflow.background import Activity

__all__ = ["Actor", "Clock", "Context", "LinkGrant", "Policy", "SignedListCache", "hot_path"]


@dataclass(frozen=True)
class Policy:
    """The settings that shape behaviour (the rest of the settings are wiring)."""

    public_base_url: str
    """Where ``/v/{id}`` is served; printed in every QR code."""
    protocol_signers: str = "required"
    """``required``: a protocol names its countersigners; ``optional``: it may be certified
    by the issuer alone."""
    signing_order: SigningOrder = SigningOrder.MEMBERS_FIRST
    """Whether the chair and the secretary wait for every member present."""
    derived_documents: str = "auto"
    """``auto``: a fully signed protocol's extracts and certificates are made at once;
    ``on-request``: only through ``POST …/derived``."""
    signing_session: timedelta = timedelta(minutes=10)
    """How long a prepared external signature waits for its completion."""
    signing_link: timedelta = timedelta(minutes=2880)
    """How long a one-time signing link stays usable."""
    embed_revocation: bool = False
    """Server-held countersignatures embed their chain's revocation information (needs a
    timestamper: PAdES B-LT)."""
    rulebook_outside_period: OutsidePeriod = "refuse"
    """A case dated outside its rulebook's period: ``refuse`` it, or ``issue`` it anyway
    and record that on the document (passed to forms validation at issuance)."""
    ltv_mode: str = "background"
    """With a timestamper: ``inline`` brings every signed file to B-LTA before it is stored
    (a TSA that does not answer fails the request); ``background``: stored at B-T, brought
    to B-LTA right after by the upgrader (:mod:`workflow.ltv`)."""

    def verify_url(self, doc_id: str) -> str:
        """The public page of a document (what its QR code opens)."""
        return f"{self.public_base_url.rstrip('/')}/v/{doc_id}"

    @property
    def base_url(self) -> str:
        """The public base URL without a trailing slash."""
        return self.public_base_url.rstrip("/")


@dataclass
class SignedListCache:
    """The last signed status list, by ETag: ES256 signatures differ on every call, so an
    unchanged list is signed once. One per context, not per process."""

    entries: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Context:
    """Everything a flow uses, built once by ``api/`` (or a test)."""

    registry: Registry
    """Documents, API keys and the file store."""
    signing: SigningRegistry
    """Signers, required signatures, sessions and links, over the same engine."""
    renderer: Renderer
    """Warm Typst compilers."""
    issuer: IssuerKey
    """The issuer's key: certifies every document."""
    keys: SignerKeyStore
    """Opens the keys the server holds for countersigners."""
    token_key: TokenKey
    """Signs the QR codes' offline tokens and the status list."""
    timestamper: TimeStamper | None
    """The RFC 3161 authority countersignatures are timestamped by, if any."""
    trust_roots: tuple[x509.Certificate, ...]
    """Roots a countersigner's chain is fetched up to (B-LT)."""
    calendar: WorkingCalendar
    """Working days and due dates (Asia/Almaty, with the government's transfers)."""
    clock: Clock
    """The time now."""
    policy: Policy
    """The behaviour settings."""
    status_lists: SignedListCache = field(default_factory=SignedListCache)
    """The signed status list of this context, reused while unchanged."""
    activity: Activity = field(default_factory=Activity)
    """How busy the hot path is: background passes give way to it."""
    signer_trust: SignerTrust | None = None
    """What signer certificates are checked against (anchors, NCA rules, revocation data);
    ``None``: the trust roots, production NCA rules, no revocation data, no fetching."""

    issuer_of: Callable[[str], IssuerKey | None] | None = None
    """An organisation's own issuer key, if the operator provisioned one
    (:class:`workflow.issuers.OrganisationIssuers`)."""

    def issuer_for(self, organisation: str) -> IssuerKey:
        """The key that certifies ``organisation``'s documents: its own, else :attr:`issuer`."""
        own = self.issuer_of(organisation) if self.issuer_of is not None else None
        return own or self.issuer

    def trust_for_signers(self) -> SignerTrust:
        """The signer trust configuration (see :attr:`signer_trust`)."""
        return self.signer_trust or SignerTrust(self.trust_roots)

    revocation_fetch: FetchPolicy = field(default_factory=FetchPolicy)
    """Where revocation data embedded at signing time may be fetched from (the configured
    prefixes, ``QUJAT_PKI_FETCH_PREFIXES``), how long and how much."""
    ltv_context: Callable[[], ValidationContext] | None = None
    """Makes the validation context B-LT data is gathered with (trust roots, revocation
    required, ``moment`` now): one per use, as each is closed after. ``None``: no B-LT."""

    def revocation_context(self) -> ValidationContext | None:
        """What fetches a countersignature's revocation information (B-LT), when the policy
        asks for it and a timestamper is configured; a new one per signature, as signing
        closes it."""
        if not (self.policy.embed_revocation and self.timestamper is not None):
            return None
        return ValidationContext(
            trust_roots=list(self.trust_roots), allow_fetching=True,
            # pyHanko would follow any URL a certificate names; ours asks only the allow-list
            fetcher_backend=AllowListFetcherBackend(self.revocation_fetch),
        )  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """Who a flow acts for: an organisation, through one of its API keys."""

    organisation: str
    """The tenant: a flow sees only this organisation's documents and signers."""
    key_id: str
    """The API key (or ``system``, ``signing-link``), recorded in the audit log."""

    @classmethod
    def of(cls, key: ApiKeyRecord) -> Actor:
        """The actor an API key stands for."""
        return cls(key.organisation, key.id)


@dataclass(frozen=True)
class LinkGrant:
    """Access a one-time signing link grants: one required signature on one document.

    Checked by the registry (``SigningRegistry.link``) before it is made; the flows accept
    it instead of an organisation's API key."""

    document_id: str
    """The document the link is for."""
    required: RequiredSigner
    """The required signature it lets its holder make."""
    token: str
    """The link's secret, used up when the signature lands."""

    @property
    def signer_id(self) -> str:
        """The registered signer who makes it."""
        return self.required.signer_id


P = ParamSpec("P")
R = TypeVar("R")


def hot_path(flow: Callable[Concatenate[Context, P], R]) -> Callable[Concatenate[Context, P], R]:
    """Mark ``flow`` (its first argument the context) as hot-path work while it runs, for
    the background passes to give way to (:class:`workflow.background.Activity`)."""

    @functools.wraps(flow)
    def marked(ctx: Context, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with ctx.activity.busy():
            return flow(ctx, *args, **kwargs)

    return marked
