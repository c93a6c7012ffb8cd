"""The https path: the connection goes to the checked address, and TLS still checks the
certificate against the URL's host name (a real TLS server on loopback)."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from workflow.outbound import OutboundPolicy, post

ON_OUR_NETWORK = OutboundPolicy(allow_private=True, timeout_seconds=2.0)


def _cert(
    name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Name, Any], ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer[0])
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
        )
    return builder.sign(issuer[1], hashes.SHA256())


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test webhook CA")])
    ca = _cert("Test webhook CA", ca_key, (ca_name, ca_key), ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert("localhost", key, (ca_name, ca_key), ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], tmp_path / "ca.pem"
    server.shutdown()
    server.server_close()


def test_https_to_a_trusted_certificate_of_the_host(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, ca = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the system store, as OpenSSL reads it
    answer = post(f"https://localhost:{port}/hook", b"{}", {}, ON_OUR_NETWORK)
    assert answer.status == 204


def test_https_to_an_untrusted_certificate_is_refused(tls_server: tuple[int, Path]) -> None:
    port, _ = tls_server
    with pytest.raises(ssl.SSLCertVerificationError):
        post(f"https://localhost:{port}/hook", b"{}", {}, ON_OUR_NETWORK)


def test_https_checks_the_name_not_the_address(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate is for ``localhost``; by address it does not match."""
    port, ca = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    with pytest.raises(ssl.SSLCertVerificationError):
        post(f"https://127.0.0.1:{port}/hook", b"{}", {}, ON_OUR_NETWORK)
