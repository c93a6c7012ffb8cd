"""Revocation data embedded at signing time (``QUJAT_EMBED_REVOCATION``) is fetched only
from the allow-list: a loopback canary named by a certificate's OCSP and CRL URLs is never
asked unless the operator lists it (and then it is, so the canary can tell)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from pyhanko_certvalidator import CertificateValidator

from api import Settings
from api.services import Services, build_services
from signing import ensure_dev_pki
from tests.support.databases import fresh_database_url


class _Canary(ThreadingHTTPServer):
    asked: list[str]


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        assert isinstance(self.server, _Canary)
        self.server.asked.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return None


@pytest.fixture
def canary() -> Iterator[_Canary]:
    server = _Canary(("127.0.0.1", 0), _Handler)
    server.asked = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _services(tmp_path: Path, prefixes: list[str]) -> Services:
    return build_services(
        Settings(
            data_dir=tmp_path / "data",
            database_url=fresh_database_url(tmp_path),
            public_base_url="http://testserver",
            verify_workers=1,
            ltv_upgrader="worker",
            embed_revocation=True,  # the development TSA makes it apply
            pki_fetch_prefixes=prefixes,
        )
    )


def _member_naming(services: Services, base: str) -> ax509.Certificate:
    """A member's certificate under the deployment's CA whose OCSP and CRL point at ``base``."""
    pki = ensure_dev_pki(services.settings.keys_dir)
    ca = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key_path.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    ocsp = x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{base}/ocsp")
    )
    crl = x509.DistributionPoint([x509.UniformResourceIdentifier(f"{base}/crl")], None, None, None)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Канарейка")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.AuthorityInformationAccess([ocsp]), critical=False)
        .add_extension(x509.CRLDistributionPoints([crl]), critical=False)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _gather(services: Services, cert: ax509.Certificate) -> None:
    """What signing does with the context: validate the signer's chain, fetching."""
    vc = services.context.revocation_context()
    assert vc is not None and vc.fetching_allowed
    validator = CertificateValidator(cert, validation_context=vc)
    # the canary answers 404: no revocation data; only the asking counts
    with contextlib.suppress(Exception):
        asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]


def test_a_url_outside_the_allow_list_is_never_asked(tmp_path: Path, canary: _Canary) -> None:
    services = _services(tmp_path, ["http://crl.pki.gov.kz/", "http://ocsp.pki.gov.kz/"])
    try:
        base = f"http://127.0.0.1:{canary.server_address[1]}"
        _gather(services, _member_naming(services, base))
    finally:
        services.registry.close()
    assert canary.asked == []


def test_an_allowed_url_is_asked(tmp_path: Path, canary: _Canary) -> None:
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    services = _services(tmp_path, [f"{base}/"])
    try:
        _gather(services, _member_naming(services, base))
    finally:
        services.registry.close()
    assert any(a.startswith("POST /ocsp") for a in canary.asked), canary.asked
    assert any(a.startswith("GET /crl") for a in canary.asked), canary.asked
