"""The parts the API adapts, built once per process: registry, renderer, issuer key, trust."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

from asn1crypto import x509
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator import ValidationContext

from api.settings import Settings
from forms.rules.calendar import WorkingCalendar
from forms.rules.signer_plan import SigningOrder
from forms.types import Clock
from generator import Renderer
from registry import Registry
from registry.countersign import SigningRegistry
from registry.versions import WriteCounter
from signing import IssuerKey, ensure_dev_pki, load_pkcs12, read_passphrase
from signing.devtsa import DevTimeStamper, dev_crl, dev_validation_context, ensure_dev_tsa
from signing.keystore import KeyLocations
from signing.nca_keys import load_nca_pkcs12
from signing.pki_fetch import FetchPolicy
from signing.pki_profiles import load_profile
from signing.revocation_fetching import AllowListFetcherBackend
from signing.signer_trust import SignerTrust
from signing.tokens import TokenKey, ensure_token_key, load_token_key
from verify import load_trust_roots
from verify.isolation import IsolationLimits, ValidatorPool
from workflow.context import Context, Policy
from workflow.issuers import OrganisationIssuers

__all__ = [
    "Services",
    "build_services",
    "deployment_roots",
    "issuer_certificates",
    "policy_of",
    "signer_trust_of",
]

log = logging.getLogger("qujat")


def policy_of(settings: Settings) -> Policy:
    """The behaviour settings, as the flows read them."""
    return Policy(
        public_base_url=settings.public_base_url,
        protocol_signers=settings.protocol_signers,
        signing_order=SigningOrder(settings.signing_order),
        derived_documents=settings.derived_documents,
        signing_session=timedelta(minutes=settings.signing_session_minutes),
        signing_link=timedelta(minutes=settings.signing_link_minutes),
        embed_revocation=settings.embed_revocation,
        rulebook_outside_period=settings.rulebook_outside_period,
        ltv_mode=settings.ltv_mode,
    )


@dataclass(frozen=True)
class Services:
    """Long-lived collaborators of the request handlers (keys loaded once, compilers kept)."""

    settings: Settings
    registry: Registry
    renderer: Renderer
    issuer: IssuerKey
    trust_roots: tuple[x509.Certificate, ...]
    clock: Clock
    token_key: TokenKey
    """Signs the QR codes' offline tokens and the status list."""
    validator: ValidatorPool
    """Validates uploaded PDFs in worker processes bounded in time and memory."""
    signer_trust: SignerTrust | None = None
    """What signer certificates are checked against (see :func:`signer_trust_of`)."""
    timestamper: TimeStamper | None = None
    """The RFC 3161 authority every signature is timestamped by (PAdES B-T)."""
    ltv_context: Callable[[], ValidationContext] | None = None
    """Makes the validation context B-LT data is gathered with."""

    def today(self) -> datetime:
        return self.clock()

    @cached_property
    def writes(self) -> WriteCounter:
        """This process's committed writes on the registry (what makes a kept public
        answer revalidate at once, :mod:`api.public_cache`)."""
        return WriteCounter.watching(self.registry.engine)

    @cached_property
    def context(self) -> Context:
        """What the flows are handed: built once per services value from its settings."""
        settings = self.settings
        return Context(
            registry=self.registry,
            signing=SigningRegistry(self.registry.engine, self.registry.files, self.clock),
            renderer=self.renderer,
            issuer=self.issuer,
            keys=KeyLocations(settings.signer_pkcs11_modules),
            token_key=self.token_key,
            timestamper=self.timestamper,
            trust_roots=self.trust_roots,
            calendar=WorkingCalendar(settings.kz_transfers_file),
            clock=self.clock,
            policy=policy_of(settings),
            signer_trust=self.signer_trust or signer_trust_of(settings, self.trust_roots),
            issuer_of=OrganisationIssuers(self.registry.engine),
            ltv_context=self.ltv_context,
            revocation_fetch=fetch_policy_of(settings),
        )


def _issuer_key(settings: Settings) -> tuple[IssuerKey, list[Path]]:
    if settings.issuer_pkcs11_module is not None:
        from signing.pkcs11 import load_pkcs11  # optional extra: qujat[pkcs11]

        pin = read_passphrase("QUJAT_ISSUER_PKCS11_PIN", settings.issuer_pkcs11_pin_file)
        key = load_pkcs11(
            settings.issuer_pkcs11_module,
            settings.issuer_pkcs11_token or "",
            settings.issuer_pkcs11_key_label or "",
            pin.decode("utf-8"),
            cert_label=settings.issuer_pkcs11_cert_label,
        )
        return key, []
    if settings.issuer_p12 is not None:
        passphrase = read_passphrase(file=settings.issuer_passphrase_file)
        # an NCA file (GOST 2015 or RSA) as well as any other PKCS#12
        return load_nca_pkcs12(settings.issuer_p12, passphrase), []
    pki = ensure_dev_pki(settings.keys_dir, settings.issuer_name)
    key = load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))
    return key, [pki.ca_cert_path]


def fetch_policy_of(settings: Settings) -> FetchPolicy:
    """The allow-list every fetch of validation data goes through (``QUJAT_PKI_FETCH_*``)."""
    return FetchPolicy(
        tuple(settings.pki_fetch_prefixes), timeout=settings.pki_fetch_timeout_seconds
    )


def signer_trust_of(settings: Settings, roots: Sequence[x509.Certificate]) -> SignerTrust:
    """The signer trust of a deployment: ``roots`` (development CA, ``QUJAT_TRUST_ROOTS``,
    the profile's CAs), the profile's identifier rules and offline revocation data, and
    fetching under the allow-list if ``QUJAT_PKI_FETCH``."""
    fetch = None
    if settings.pki_fetch:
        fetch = FetchPolicy(
            tuple(settings.pki_fetch_prefixes), timeout=settings.pki_fetch_timeout_seconds
        )
    if settings.pki_profile is None:
        return SignerTrust(tuple(roots), fetch=fetch)
    profile = load_profile(settings.pki_profile)
    return SignerTrust(tuple(roots), profile.rules, profile.crls, profile.ocsps, fetch)


def deployment_roots(settings: Settings) -> tuple[x509.Certificate, ...]:
    """The trust anchors of a deployment without loading its issuer key: the development CA
    (when no real issuer key is configured and it exists), ``QUJAT_TRUST_ROOTS``, the
    profile's CAs."""
    paths = list(settings.trust_roots)
    dev_ca = settings.keys_dir / "ca.pem"
    if settings.issuer_p12 is None and dev_ca.exists():
        paths.append(dev_ca)
    return (*load_trust_roots(paths), *_profile_roots(settings))


def _profile_roots(settings: Settings) -> tuple[x509.Certificate, ...]:
    if settings.pki_profile is None:
        return ()
    profile = load_profile(settings.pki_profile)
    if settings.env == "production" and not profile.for_production:  # settings refuse it too
        raise ValueError(f"production refuses the PKI profile {profile.name}")
    return profile.trust_roots


def _ltv(
    settings: Settings, roots: Sequence[x509.Certificate], clock: Clock
) -> tuple[TimeStamper | None, Callable[[], ValidationContext] | None]:
    """The timestamper and the B-LT validation context factory the settings ask for:
    ``QUJAT_TSA_URL`` (validation data fetched from the certificates' AIA/CRL points), else
    with the development key the in-process development TSA (made on first start), else
    none."""
    dev = None
    if settings.issuer_p12 is None and settings.issuer_pkcs11_module is None:
        dev = ensure_dev_pki(settings.keys_dir, settings.issuer_name)
    if settings.tsa_url:
        remote = HTTPTimeStamper(settings.tsa_url, timeout=settings.tsa_timeout_seconds)

        def fetching() -> ValidationContext:
            crls = [dev_crl(dev, now=clock())] if dev is not None else []
            return ValidationContext(
                trust_roots=list(roots), crls=crls, allow_fetching=True,
                revocation_mode="hard-fail", moment=clock(),
                fetcher_backend=AllowListFetcherBackend(fetch_policy_of(settings)),
            )  # fmt: skip

        return remote, fetching
    if dev is None or not settings.dev_tsa:
        return None, None
    pki, tsa = dev, ensure_dev_tsa(dev, now=clock())
    # a profile's members (nca-test: GOST keys) get their chain and answers in the DSS too
    profile = load_profile(settings.pki_profile) if settings.pki_profile else None
    extra = (profile.trust_roots, profile.crls, profile.ocsps) if profile else ((), (), ())
    return DevTimeStamper.load(pki, tsa, clock), lambda: dev_validation_context(
        pki, tsa, now=clock(), extra_roots=extra[0], extra_crls=extra[1], extra_ocsps=extra[2]
    )


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open the registry (migrating it), load the issuer key."""
    if not settings.data_dir.exists():  # keys, database and files: the server's user only
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        settings.data_dir.chmod(0o700)
    issuer, dev_roots = _issuer_key(settings)
    roots = (*load_trust_roots([*dev_roots, *settings.trust_roots]), *_profile_roots(settings))
    files = None
    if settings.file_store == "s3" and settings.s3_bucket:
        from registry.files import S3FileStore  # optional extra: qujat[s3]

        files = S3FileStore.connect(
            settings.s3_bucket, settings.s3_prefix, settings.s3_endpoint_url
        )
    registry = Registry.open(settings.db_url, settings.files_dir, clock, files)
    # compilers are built on each template's first use (≈ 8 ms once), not all 50-odd at
    # start: ≈ 0.7 MB each, ≈ 35 MB per worker that mostly issues a handful of forms
    renderer = Renderer()
    if settings.token_key_file is not None:
        token_key = load_token_key(settings.token_key_file)
    else:
        token_key = ensure_token_key(settings.keys_dir / "token.key.pem")
    limits = IsolationLimits(
        workers=settings.verify_workers,
        timeout=settings.verify_timeout_seconds,
        memory_bytes=settings.verify_memory_bytes,
        max_bytes=settings.max_upload_bytes,
    )
    timestamper, ltv_context = _ltv(settings, roots, clock or (lambda: datetime.now(UTC)))
    return Services(
        settings=settings,
        registry=registry,
        renderer=renderer,
        issuer=issuer,
        trust_roots=tuple(roots),
        clock=clock or (lambda: datetime.now(UTC)),
        token_key=token_key,
        validator=ValidatorPool(roots, limits, issuer_certificates(settings, issuer)),
        timestamper=timestamper,
        ltv_context=ltv_context,
    )


def issuer_certificates(settings: Settings, issuer: IssuerKey) -> list[x509.Certificate]:
    """The pinned issuer certificates: the current key's, then the past ones configured
    (``QUJAT_PAST_ISSUER_CERTS``); a document certified by any other is not ours."""
    return [issuer.certificate, *load_trust_roots(settings.past_issuer_certs)]
