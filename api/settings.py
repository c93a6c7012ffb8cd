"""Settings, read once from the environment (``QUJAT_*``) and validated at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    trust_roots: list[Path] = Field(default_factory=list)
    """Extra CA certificates (PEM/DER) that verification trusts besides the issuer's chain."""
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
    status_list_max_age: int = Field(default=300, ge=0)
    """Cache-Control max-age (seconds) of the status list: how stale an offline cache may be."""

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
    def _production_needs_real_keys(self) -> Settings:
        if self.env == "production":
            if self.issuer_p12 is None:
                raise ValueError("production needs QUJAT_ISSUER_P12 (no development key)")
            if self.token_key_file is None:
                raise ValueError("production needs QUJAT_TOKEN_KEY_FILE (no development key)")
            if (
                self.public_base_url.startswith("http://127.")
                or "localhost" in self.public_base_url
            ):
                raise ValueError("production needs a public QUJAT_PUBLIC_BASE_URL")
        return self
