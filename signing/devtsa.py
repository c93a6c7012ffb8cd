"""A development time-stamping authority: an RFC 3161 responder in-process, made on first use
like the development CA, so the embedded default issues B-LTA documents with nothing else
running.

Its key is ECDSA P-256 (older development directories keep their RSA-3072 key until it
is rotated). Its certificate is issued by the development CA with the critical
``id-kp-timeStamping`` extended key usage (RFC 3161 § 2.3). The tokens are pyHanko's
``DummyTimeStamper``'s: a SignedData over a TSTInfo with the message imprint, a fresh
serial number, the nonce of the request, ``content-type``, ``message-digest`` and
``signing-certificate`` signed attributes, and the TSA certificate embedded; pyHanko, EU
DSS and poppler accept them. Its time is the ``clock`` given (the injectable clock of the
tests), never the CMS signer's own claim.

Files added to the development ``keys_dir``::

    tsa.pem         the TSA certificate (public)
    tsa.key.pem     its private key, unencrypted PKCS#8 (mode 0600)
    ca.crl          the CA's latest CRL (empty: the development CA revokes nothing)
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import algos, cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from signing import _der as der
from signing.devpki import DevPki, _load_ca, _locked, _write_file
from signing.errors import KeyStoreError
from signing.gost.validator import GOST_ALGORITHM_POLICY, GOST_SIGNATURE_VALIDATOR
from signing.lean_cms import sign_attributes, signer_info_der
from signing.settle import settled

__all__ = ["DevTimeStamper", "DevTsa", "dev_crl", "dev_validation_context", "ensure_dev_tsa"]

TSA_COMMON_NAME = "Qujat Development TSA"
_TSA_YEARS = 3
_ROTATE_WITHIN = timedelta(days=365)
"""A TSA certificate with less than this left is replaced: renewal needs a TSA whose
certificate outlives the margin by a good stretch."""
_CRL_VALIDITY = timedelta(days=7)
_BACKDATE = timedelta(minutes=5)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DevTsa:
    """Where the development TSA lives on disk."""

    cert_path: Path
    key_path: Path


class DevTimeStamper(DummyTimeStamper):
    """An RFC 3161 responder in this process, signing with the given key at ``clock()``."""

    def __init__(
        self,
        tsa_cert: asn1_x509.Certificate,
        tsa_key: asn1_keys.PrivateKeyInfo,
        chain: list[asn1_x509.Certificate],
        clock: Clock | None = None,
    ) -> None:
        super().__init__(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=chain)  # type: ignore[arg-type]
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        # parsed once: `cryptography` checks an RSA key on every load (~0.4 s for 3072 bits)
        key = serialization.load_der_private_key(tsa_key.dump(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise KeyStoreError("The development TSA key must be RSA or ECDSA")
        self._key = key
        self._parts: dict[str, bytes] | None = None

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        """The parent's signed attributes and RSA signature, with the key parsed once."""
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        attr = simple_cms_attribute
        values = [
            ("content_type", "tst_info"),
            ("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            ("signing_certificate", as_signing_certificate(self.tsa_cert)),
            ("message_digest", digest.finalize()),
        ]
        signed_attrs = cms.CMSAttributes(
            [attr(kind, value) for kind, value in values]  # type: ignore[no-untyped-call]
        )
        hash_algorithm = get_pyca_cryptography_hash(md_algorithm.upper())
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            signature = self._key.sign(signed_attrs.dump(), ec.ECDSA(hash_algorithm))
        else:
            signature = self._key.sign(signed_attrs.dump(), PKCS1v15(), hash_algorithm)
        return signature, signed_attrs

    def _build_signed_data(
        self,
        tst_info_data: bytes,
        md_algorithm: str,
        signature: bytes,
        signed_attrs: cms.CMSAttributes,
    ) -> dict[str, object]:
        """The parent's SignedData, naming ECDSA as the algorithm when the key is one."""
        built: dict[str, object] = super()._build_signed_data(
            tst_info_data, md_algorithm, signature, signed_attrs
        )
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            info = built["signer_infos"][0]  # type: ignore[index]
            info["signature_algorithm"] = algos.SignedDigestAlgorithm(
                {"algorithm": f"{md_algorithm}_ecdsa"}
            )
        return built

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        """The token for ``message_digest``, assembled from parts made once (the hot path:
        one per signature). The same token the request/response path makes, less the nonce
        (there is no request to echo it to); other digests go that path."""
        if md_algorithm != "sha256" or self.override_md is not None:
            return await super().async_timestamp(message_digest, md_algorithm)
        return cms.ContentInfo.load(self._token(message_digest))

    def _token(self, message_digest: bytes) -> bytes:
        fixed = self._fixed()
        moment = self._clock()
        tst_info = der.seq(
            fixed["tst_head"],
            der.seq(fixed["sha256"], der.octets(message_digest)),
            der.integer(secrets.randbits(63)),
            core.GeneralizedTime(moment).dump(),
            fixed["tsa_name"],
        )
        attrs = [
            fixed["content_type"],
            der.seq(der.oid("1.2.840.113549.1.9.5"), der.set_of(der.utc_time(moment))),
            fixed["signing_certificate"],
            der.seq(
                der.oid("1.2.840.113549.1.9.4"),
                der.set_of(der.octets(hashlib.sha256(tst_info).digest())),
            ),
        ]
        signed_attrs = der.set_of(*attrs)
        signer_info = signer_info_der(fixed, signed_attrs, sign_attributes(self._key, signed_attrs))
        signed_data = der.seq(
            der.integer(3),
            der.set_of(fixed["sha256"]),
            der.seq(der.oid("1.2.840.113549.1.9.16.1.4"), der.explicit(0, der.octets(tst_info))),
            fixed["certificates"],
            der.set_of(signer_info),
        )
        return der.seq(der.oid("1.2.840.113549.1.7.2"), der.explicit(0, signed_data))

    def _fixed(self) -> dict[str, bytes]:
        """The parts of every token that depend on the TSA alone, dumped once by asn1crypto."""
        if self._parts is None:
            cert = self.tsa_cert
            name = asn1_x509.GeneralName(name="directory_name", value=cert.subject)
            ecdsa = isinstance(self._key, ec.EllipticCurvePrivateKey)
            certs = {c.dump() for c in self.certs_to_embed} | {cert.dump()}
            self._parts = {
                "tst_head": der.integer(1) + der.oid("1.3.6.1.4.1.4146.2.2"),
                "sha256": algos.DigestAlgorithm({"algorithm": "sha256"}).dump(),
                "tsa_name": der.explicit(0, name.dump()),
                "content_type": simple_cms_attribute("content_type", "tst_info").dump(),  # type: ignore[no-untyped-call]
                "signing_certificate": simple_cms_attribute(  # type: ignore[no-untyped-call]
                    "signing_certificate", as_signing_certificate(cert)
                ).dump(),
                "sid": cms.IssuerAndSerialNumber(
                    {"issuer": cert.issuer, "serial_number": cert.serial_number}
                ).dump(),
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": "sha256_ecdsa" if ecdsa else "rsassa_pkcs1v15"}
                ).dump(),
                "certificates": der.implicit_set(0, *certs),
            }
        return self._parts

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        # the parent reads its fixed_dt per request: set it from the clock each time
        self.fixed_dt = self._clock()
        return super().request_tsa_response(req)

    @classmethod
    def load(cls, pki: DevPki, tsa: DevTsa, clock: Clock | None = None) -> DevTimeStamper:
        """The responder for the TSA files on disk."""
        try:
            cert = asn1_x509.Certificate.load(_der_cert(tsa.cert_path.read_bytes()))
            key = serialization.load_pem_private_key(tsa.key_path.read_bytes(), password=None)
            ca = asn1_x509.Certificate.load(_der_cert(pki.ca_cert_path.read_bytes()))
        except (OSError, ValueError, TypeError) as exc:
            raise KeyStoreError(f"Cannot load the development TSA: {exc}") from exc
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # shared by every timestamp the server's threads ask for
        key_info = settled(asn1_keys.PrivateKeyInfo.load(der))
        return cls(settled(cert), key_info, [settled(ca)], clock)


def ensure_dev_tsa(pki: DevPki, *, now: datetime | None = None) -> DevTsa:
    """Create the development TSA certificate and key next to the CA unless a current one
    exists; one with less than a year left is replaced (old tokens embed their own
    certificate, and their revocation data is in each document's DSS)."""
    now = now or datetime.now(UTC)
    folder = pki.ca_cert_path.parent
    tsa = DevTsa(folder / "tsa.pem", folder / "tsa.key.pem")
    if _current(tsa, now):
        return tsa
    try:
        with _locked(folder / ".lock"):
            if not _current(tsa, now):
                _create(pki, tsa, now)
    except OSError as exc:
        raise KeyStoreError(f"Cannot create the development TSA in {folder}: {exc}") from exc
    return tsa


def dev_crl(pki: DevPki, *, now: datetime | None = None) -> asn1_crl.CertificateList:
    """A CRL of the development CA at ``now``, valid a week. It lists nothing: development
    keys are never revoked. Kept as ``ca.crl`` and reissued when stale."""
    now = now or datetime.now(UTC)
    path = pki.ca_cert_path.with_name("ca.crl")
    if path.is_file():
        cached = asn1_crl.CertificateList.load(path.read_bytes())
        this = cached["tbs_cert_list"]["this_update"].native
        nxt = cached["tbs_cert_list"]["next_update"].native
        if this <= now and now + timedelta(days=1) < nxt:
            return cached
    ca_cert, ca_key = _load_ca(pki.ca_cert_path, pki.ca_key_path)
    built = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - _BACKDATE)
        .next_update(now + _CRL_VALIDITY)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    der = built.public_bytes(serialization.Encoding.DER)
    with contextlib.suppress(OSError):  # a read-only keys_dir: still good for this call
        _write_file(path, der, 0o644)
    return asn1_crl.CertificateList.load(der)


def dev_validation_context(
    pki: DevPki,
    tsa: DevTsa,
    *,
    now: datetime | None = None,
    extra_roots: Sequence[asn1_x509.Certificate] = (),
    extra_crls: Sequence[bytes] = (),
    extra_ocsps: Sequence[bytes] = (),
) -> ValidationContext:
    """What :mod:`signing.ltv` needs to gather B-LT data offline for development documents:
    the dev CA as the trust root, its CRL, the TSA certificate, revocation required; and a
    PKI profile's anchors and offline answers (``nca-test``: GOST members' chains), whose
    GOST signatures the context's validator checks."""
    now = now or datetime.now(UTC)
    ca = asn1_x509.Certificate.load(_der_cert(pki.ca_cert_path.read_bytes()))
    tsa_cert = asn1_x509.Certificate.load(_der_cert(tsa.cert_path.read_bytes()))
    return ValidationContext(
        trust_roots=[ca, *(r for r in extra_roots if _readable(r))],
        other_certs=[tsa_cert],
        crls=[dev_crl(pki, now=now), *(asn1_crl.CertificateList.load(c) for c in extra_crls)],
        ocsps=[r for r in map(asn1_ocsp.OCSPResponse.load, extra_ocsps) if _readable_ocsp(r)],
        moment=now,
        allow_fetching=False,
        revocation_mode="hard-fail",
        signature_validator=GOST_SIGNATURE_VALIDATOR,
        algorithm_usage_policy=GOST_ALGORITHM_POLICY,
    )


def _readable(cert: asn1_x509.Certificate) -> bool:
    """Whether certvalidator can read the certificate's extensions (the NCA's GOST
    34.310-2004 CA has one asn1crypto cannot parse; its keys are refused anyway)."""
    try:
        cert.basic_constraints_value  # noqa: B018  (parses every extension)
    except ValueError:
        return False
    return True


def _readable_ocsp(response: asn1_ocsp.OCSPResponse) -> bool:
    try:
        basic = response.basic_ocsp_response
        return basic is None or all(_readable(c) for c in basic["certs"] or ())
    except ValueError:
        return False


def _current(tsa: DevTsa, now: datetime) -> bool:
    if not (tsa.cert_path.is_file() and tsa.key_path.is_file()):
        return False
    cert = x509.load_pem_x509_certificate(tsa.cert_path.read_bytes())
    return cert.not_valid_before_utc <= now and now + _ROTATE_WITHIN < cert.not_valid_after_utc


def _create(pki: DevPki, tsa: DevTsa, now: datetime) -> None:
    ca_cert, ca_key = _load_ca(pki.ca_cert_path, pki.ca_key_path)
    # ECDSA P-256: a token costs well under a millisecond to sign (RSA-3072: ~5-25 ms), and
    # every signature Qujat makes asks for one inline
    key = ec.generate_private_key(ec.SECP256R1())
    not_after = min(now + timedelta(days=365 * _TSA_YEARS), ca_cert.not_valid_after_utc)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, TSA_COMMON_NAME),
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
                ]
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    _write_file(tsa.key_path, key_pem)
    _write_file(tsa.cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _der_cert(pem_bytes: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem_bytes).public_bytes(serialization.Encoding.DER)
