"""A test NCA for the tests that need a real TSA and OCSP responder: Certomancer's
Animator serving both on a loopback port, with leaf certificates for the signers a test
names (each with an OCSP URL in its AIA, as NCA RK certificates have)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug.serving import make_server

_HEAD = """
external-url-prefix: "{prefix}"
keysets:
  k:
    keys: {{{keys}}}
pki-architectures:
  {arch}:
    keyset: k
    entity-defaults: {{country-name: KZ, organization-name: Qujat test PKI}}
    entities:
      root: {{common-name: Test NCA}}
      tsa: {{common-name: Test TSA}}
      ocsp: {{common-name: Test OCSP}}
{entities}
    certs:
      root:
        subject: root
        issuer: root
        validity: &valid {{valid-from: "2020-01-01T00:00:00+0000",
                          valid-to: "2040-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage,
                          params: [digital_signature, key_cert_sign, crl_sign]}}
{leaves}
      tsa:
        issuer: root
        validity: *valid
        extensions:
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [root]}}}}
      ocsp:
        issuer: root
        validity: *valid
        extensions:
          - {{id: extended_key_usage, critical: true, value: [ocsp_signing]}}
          - {{id: ocsp_no_check}}
    services:
      ocsp:
        root: {{for-issuer: root, responder-cert: ocsp, signing-key: ocsp}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""

_LEAF = """      {label}:
        issuer: root
        validity: *valid
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [root]}}}}"""


@dataclass(frozen=True)
class AnimatedPki:
    """The running test PKI."""

    arch: Any
    """Certomancer's PKI architecture."""
    keys: dict[str, Any]
    """``cryptography`` private keys by label (root, tsa, ocsp and the leaves)."""
    tsa_url: str
    """The RFC 3161 endpoint."""

    def cert(self, label: str) -> x509.Certificate:
        return self.arch.get_cert(CertLabel(label))

    def asn1_key(self, label: str) -> Any:
        return self.arch.key_set.get_private_key(KeyLabel(label))


@contextmanager
def animated_pki(folder: Path, arch: str, leaves: dict[str, str]) -> Iterator[AnimatedPki]:
    """Serve a test NCA with a TSA and an OCSP responder on 127.0.0.1; ``leaves`` maps a
    label to its subject attributes in Certomancer's YAML (``common-name: …, …``)."""
    kinds = {"root": "ec", "tsa": "rsa", "ocsp": "ec", **dict.fromkeys(leaves, "ec")}
    keys: dict[str, Any] = {}
    for label, kind in kinds.items():
        key: Any = (
            ec.generate_private_key(ec.SECP256R1()) if kind == "ec"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )  # fmt: skip
        keys[label] = key
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
        )  # fmt: skip
    server = make_server("127.0.0.1", 0, lambda e, s: app(e, s), threaded=True)
    prefix = f"http://127.0.0.1:{server.server_port}"
    config = _HEAD.format(
        prefix=prefix,
        arch=arch,
        keys=", ".join(f"{label}: {{path: {label}.key.pem}}" for label in kinds),
        entities="\n".join(f"      {label}: {{{attrs}}}" for label, attrs in leaves.items()),
        leaves="\n".join(_LEAF.format(label=label) for label in leaves),
    )
    (folder / "certomancer.yml").write_text(config)
    pki_arch = CertomancerConfig.from_file(str(folder / "certomancer.yml")).get_pki_arch(
        ArchLabel(arch)
    )
    app = Animator(AnimatorArchStore({ArchLabel(arch): pki_arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AnimatedPki(pki_arch, keys, f"{prefix}/{arch}/tsa/tsa")
    finally:
        server.shutdown()
        thread.join(5)
