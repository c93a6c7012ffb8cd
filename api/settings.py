"""Settings, read once from the environment (``QUJAT_*``) and validated at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from signing.pki_fetch import NCA_PREFIXES

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every setting has an embedded default that runs a development server on one machine."""

    model_config = SettingsConfigDict(env_prefix="QUJAT_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    """In development a CA, an issuer key and an API key are generated on first start."""
    data_dir: Path = Path("data")
    """Registry database (SQLite default), PDF files and development keys live here."""
    database_url: str | None = None
    """SQLAlchemy URL; default ``sqlite:///{data_dir}/qujat.db``."""
    public_base_url: str = "http://127.0.0.1:8000"
    """Where the public verification page is reachable; the QR points to ``{this}/v/{id}``."""
    issuer_name: str = "Qujat development issuer"
    """The issuing organisation's name (development key's subject)."""
    issuer_p12: Path | None = None
    """PKCS#12 file of the issuer key; default: the development key under data_dir/keys."""
    issuer_passphrase_file: Path | None = None
    """File holding the PKCS#12 passphrase (or set QUJAT_ISSUER_PASSPHRASE)."""
    issuer_pkcs11_module: Path | None = None
    """PKCS#11 library holding the issuer key on a token (e.g. an HSM's ``.so``); instead of
    ``issuer_p12``. The PIN comes from QUJAT_ISSUER_PKCS11_PIN or ``issuer_pkcs11_pin_file``."""
    issuer_pkcs11_token: str | None = None
    """Label of the token holding the issuer key."""
    issuer_pkcs11_key_label: str | None = None
    """Label of the issuer's private key on the token."""
    issuer_pkcs11_cert_label: str | None = None
    """Label of its certificate on the token; default: the key's label."""
    issuer_pkcs11_pin_file: Path | None = None
    """File holding the token's user PIN (or set QUJAT_ISSUER_PKCS11_PIN)."""
    signer_pkcs11_modules: list[Path] = Field(default_factory=list)
    """The PKCS#11 libraries server-held member keys may be on (``qujat signers add-key
    --pkcs11``); a key location naming any other is refused, when provisioned and when used.
    None: no member key on a token."""
    signer_pkcs11_pin_file: Path | None = None
    """File holding the user PIN of the member keys' token (or set QUJAT_SIGNER_PKCS11_PIN in
    the server's and the CLI's environment); never logged, never stored in the registry."""
    trust_roots: list[Path] = Field(default_factory=list)
    """Extra CA certificates (PEM/DER) that verification trusts besides the issuer's chain."""
    past_issuer_certs: list[Path] = Field(default_factory=list)
    """Certificates (PEM/DER) of issuer keys used before the current one: documents they
    certified still count as issued by us (the current issuer certificate always does)."""
    max_body_bytes: int = 1_048_576
    """Largest JSON request body accepted (413 above)."""
    max_upload_bytes: int = 20 * 1_048_576
    """Largest PDF accepted by POST /v1/verify."""
    token_key_file: Path | None = None
    """PEM (PKCS#8) ECDSA P-256 key signing the QR codes' offline tokens and the status list;
    default: a development key made on first start under data_dir/keys."""
    verify_workers: int = Field(default=2, ge=1, le=64)
    """Worker processes validating uploaded PDFs (uploads checked at once)."""
    verify_timeout_seconds: float = Field(default=10.0, gt=0)
    """A validation taking longer is stopped (its worker killed): 422 pdf_too_complex."""
    verify_memory_bytes: int = Field(default=768 * 1_048_576, ge=256 * 1_048_576)
    """Address-space limit (RLIMIT_AS) of a validation worker, interpreter included."""
    rate_limit_enabled: bool = True
    """Per-client-IP token buckets on the public endpoints (per process: see api/ratelimit.py)."""
    lookup_rate_per_minute: float = Field(default=120.0, gt=0)
    """Sustained verification lookups (pages, JSON, keys, status list) per client IP."""
    lookup_burst: int = Field(default=60, ge=1)
    """Lookups a client may make at once before the sustained rate applies."""
    upload_rate_per_minute: float = Field(default=12.0, gt=0)
    """Sustained PDF upload checks per client IP."""
    upload_burst: int = Field(default=6, ge=1)
    """Upload checks a client may make at once."""
    sign_rate_per_minute: float = Field(default=30.0, gt=0)
    """Sustained requests to the public signing pages (``/sign/*``) per client address."""
    sign_burst: int = Field(default=20, ge=1)
    """Signing-page requests a client may make at once."""
    forwarded_allow_ips: list[str] = Field(default_factory=list)
    """Proxies (addresses or networks) whose ``X-Forwarded-For`` names the client; none by
    default, so forwarded headers are ignored, even from loopback."""
    status_list_max_age: int = Field(default=300, ge=0)
    """Cache-Control max-age (seconds) of the status list: how stale an offline cache may be."""
    tsa_url: str | None = None
    """RFC 3161 timestamp authority every signature is timestamped by (PAdES B-T); default:
    with the development key, the in-process development TSA (``dev_tsa``)."""
    embed_revocation: bool = False
    """With ``tsa_url``: server-held countersignatures embed their chain's OCSP responses and
    CRLs (fetched over the network when signing) in a DSS, making them PAdES B-LT."""
    signing_session_minutes: float = Field(default=10.0, gt=0, le=1440)
    """How long a prepared external signature (``…/signatures/prepare``) stays usable."""
    session_sweep_seconds: float = Field(default=60.0, ge=0, le=86400)
    """How often the API process (and ``qujat worker``) sweeps expired prepared sessions and
    their files; 0: only on prepare."""
    signing_link_minutes: float = Field(default=2880.0, gt=0)
    """How long a one-time signing-page link stays usable."""
    protocol_signers: Literal["required", "optional"] = "required"
    """``required``: a protocol must name its countersigners (``signers``); ``optional``
    keeps accepting protocols without them, certified by the issuer alone (as before)."""
    signing_order: Literal["members-first", "any"] = "members-first"
    """``members-first``: the chair and the secretary sign after every member present."""
    derived_documents: Literal["auto", "on-request"] = "auto"
    """Extracts and certificates of a fully signed protocol: made at once, or on
    ``POST /v1/documents/{id}/derived``."""
    rulebook_outside_period: Literal["refuse", "issue"] = "refuse"
    """A case whose decisive date lies outside its rulebook's period of force: refused
    (``outside_rulebook_period``), or issued anyway and marked so on the document."""
    kz_transfers_file: Path | None = None
    """Extra government day-off transfers (JSON, the format of
    ``forms/rules/data/kz_transfers.json``) for the working-day calendar."""
    ncalayer_url: str = "wss://127.0.0.1:13579"
    """Where the signing page reaches NCALayer (the member's own signing client)."""
    batch_runner: Literal["auto", "local", "procrastinate"] = "auto"
    """Who runs batches: ``local`` (a process pool in the API process; the embedded default),
    ``procrastinate`` (jobs in PostgreSQL run by ``qujat worker``); ``auto``: procrastinate
    on PostgreSQL, local otherwise."""
    batch_workers: int = Field(default=2, ge=1, le=64)
    """Processes of the local batch pool."""
    batch_chunk_size: int = Field(default=25, ge=1, le=1000)
    """Items per unit of batch work (one job; the most a crash makes a worker redo)."""
    batch_max_pending: int = Field(default=20_000, ge=1)
    """Items an organisation may have accepted and not yet issued, over all its batches: a
    batch that would go beyond is refused (429 ``batch_quota_exceeded``)."""
    batch_max_per_hour: int = Field(default=50_000, ge=1)
    """Items an organisation may submit in batches per rolling hour (429 beyond)."""
    batch_stalled_seconds: float = Field(default=30.0, gt=0)
    """A ``qujat worker`` silent this long is presumed dead; its job goes back in the queue."""
    max_batch_bytes: int = 64 * 1_048_576
    """Largest ``POST /v1/batches`` body (10,000 cases of several KB each)."""
    file_store: Literal["local", "s3"] = "local"
    """Where PDFs are kept: ``local`` (content-addressed under data_dir/files) or ``s3``."""
    s3_bucket: str | None = None
    """Bucket of the S3-compatible store (``file_store=s3``); credentials: the usual AWS_*
    variables or the instance's role."""
    s3_endpoint_url: str | None = None
    """Endpoint of a non-AWS S3-compatible server (MinIO, Ceph RGW, …)."""
    s3_prefix: str = "pdf/"
    """Key prefix of the PDFs in the bucket."""
    metrics_enabled: bool = True
    """Serve ``GET /metrics`` (Prometheus text format)."""
    webhook_dispatcher: Literal["in-process", "worker"] = "in-process"
    """Who delivers webhooks: a thread of each API process (``in-process``), or only the
    processes running ``workflow.webhook_dispatch.run_dispatcher`` (``worker``)."""
    webhook_allow_http_loopback: bool = True
    """Allow plain ``http://`` webhook URLs to loopback (development only: ignored in
    production, where only ``https`` is allowed)."""
    webhook_allow_private_addresses: bool = False
    """Allow webhook URLs resolving to private, loopback or link-local addresses."""
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    """A webhook request (connect, send, read) must finish within this."""
    webhook_max_response_bytes: int = Field(default=65_536, ge=0)
    """At most this much of a receiver's answer is read."""
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    """The first retry of a failed delivery waits this long; each next one twice as long."""
    webhook_retry_max_interval_seconds: float = Field(default=3600.0, gt=0)
    """No wait between two attempts is longer than this."""
    webhook_retry_horizon_seconds: float = Field(default=259_200.0, gt=0)
    """A delivery not through this long (3 days) after its event is marked failed."""
    webhook_secret_overlap_seconds: float = Field(default=86_400.0, ge=0)
    """After a secret rotation, the old secret also signs this long (default one day)."""
    webhook_workers: int = Field(default=8, ge=1, le=256)
    """Threads per process sending webhooks, shared by every endpoint."""
    webhook_per_endpoint: int = Field(default=2, ge=1, le=64)
    """Requests in flight to one endpoint at most (a slow one holds only these)."""
    webhook_poll_seconds: float = Field(default=0.25, gt=0, le=60)
    """How often the dispatcher looks for new events and due retries."""
    pki_profile: Literal["nca-test"] | None = None
    """``nca-test``: trust the NCA test pack's CAs beside the development CA, use its CRLs
    and OCSP answers offline, admit its fake IINs (refused in production)."""
    pki_fetch_prefixes: list[str] = Field(default_factory=lambda: list(NCA_PREFIXES))
    """URL prefixes revocation data may be fetched from (the NCA's CRL/OCSP services)."""
    pki_fetch: bool = False
    """Fetch CRL/OCSP answers for a signer certificate the offline data says nothing about
    (only from ``pki_fetch_prefixes``, only once it chains to a trust anchor)."""
    pki_fetch_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    """A revocation fetch is cut after this."""

    dev_tsa: bool = True
    """Without ``tsa_url``, with the development key: timestamp with a development TSA made
    on first start under data_dir/keys (ECDSA P-256, in-process), so documents are B-LTA."""
    tsa_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """A request to ``tsa_url`` must be answered within this."""
    ltv_mode: Literal["inline", "background"] = "background"
    """``background``: a signed file is stored with its signature timestamp (B-T) and
    brought to B-LTA (DSS + document timestamp) right after by the upgrader; ``inline``:
    B-LTA before it is stored (+~100 ms per signature; a TSA down fails the request)."""
    ltv_upgrader: Literal["in-process", "worker"] = "in-process"
    """Who runs the background upgrade and the periodic renewal: a thread of each API
    process, or only ``qujat worker``."""
    ltv_poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    """How often the upgrader looks for files below B-LTA."""
    ltv_renewal_margin_days: float = Field(default=180.0, ge=1)
    """Renew a document's archive timestamp once its TSA certificate expires within this."""
    ltv_renew_interval_hours: float = Field(default=24.0, gt=0)
    """How often the upgrader (or ``qujat worker``) runs the archive renewal."""

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'qujat.db'}"

    @model_validator(mode="after")
    def _one_issuer_key_store(self) -> Settings:
        if self.issuer_pkcs11_module is not None:
            if self.issuer_p12 is not None:
                raise ValueError("set QUJAT_ISSUER_P12 or QUJAT_ISSUER_PKCS11_MODULE, not both")
            if not (self.issuer_pkcs11_token and self.issuer_pkcs11_key_label):
                raise ValueError(
                    "QUJAT_ISSUER_PKCS11_MODULE needs QUJAT_ISSUER_PKCS11_TOKEN and "
                    "QUJAT_ISSUER_PKCS11_KEY_LABEL"
                )
        return self

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.file_store == "s3" and not self.s3_bucket:
            raise ValueError("QUJAT_FILE_STORE=s3 needs QUJAT_S3_BUCKET")
        return self

    @model_validator(mode="after")
    def _production_needs_real_keys(self) -> Settings:
        if self.env == "production":
            if self.issuer_p12 is None and self.issuer_pkcs11_module is None:
                raise ValueError(
                    "production needs QUJAT_ISSUER_P12 or QUJAT_ISSUER_PKCS11_MODULE "
                    "(no development key)"
                )
            if self.token_key_file is None:
                raise ValueError("production needs QUJAT_TOKEN_KEY_FILE (no development key)")
            if (
                self.public_base_url.startswith("http://127.")
                or "localhost" in self.public_base_url
            ):
                raise ValueError("production needs a public QUJAT_PUBLIC_BASE_URL")
            if self.pki_profile is not None:
                raise ValueError(f"production refuses QUJAT_PKI_PROFILE={self.pki_profile}")
        return self
