"""The CMS objects of the lean writers (:mod:`signing.lean`): CAdES-detached SignedData
assembled from parts dumped once per key, with the per-signature values spliced in; the
GOST one is :class:`signing.gost.cms.GostSigner`'s own."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from asn1crypto import algos, cms
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from pyhanko.sign.timestamps import TimeStamper

from signing import _der as der
from signing._signer import CachingSigner
from signing.errors import TimestampUnavailable
from signing.gost import streebog
from signing.gost.cms import GostSigner, signed_attributes_for_external

__all__ = ["gost_cms", "pades_cms"]


async def gost_cms(signer: GostSigner, head: memoryview, tail: memoryview, now: datetime) -> bytes:
    """The Streebog digest of the byte range, signed into a CAdES-BES SignedData with the
    attributes NCALayer signs (content-type, signing-time, message-digest,
    signing-certificate-v2) and the NCA's OIDs; no timestamp, as on pyHanko's GOST path."""
    digest = streebog.new(signer.private_key.public_key.curve.size)
    digest.update(head)
    digest.update(tail)
    fixed = _gost_fixed(signer)
    signed_attrs = der.set_of(
        fixed["content_type"],
        der.seq(der.oid("1.2.840.113549.1.9.5"), der.set_of(der.utc_time(now))),
        der.seq(der.oid("1.2.840.113549.1.9.4"), der.set_of(der.octets(digest.digest()))),
        fixed["signing_certificate_v2"],
    )
    signature = signer.private_key.sign(signed_attrs)
    signer_info = der.seq(
        der.integer(1), fixed["sid"], fixed["digest"], b"\xa0" + signed_attrs[1:],
        fixed["signature_algorithm"], der.octets(signature),
    )  # fmt: skip
    signed_data = der.seq(
        der.integer(1), der.set_of(fixed["digest"]), der.seq(der.oid("1.2.840.113549.1.7.1")),
        fixed["certificates"], der.set_of(signer_info),
    )  # fmt: skip
    return der.seq(der.oid("1.2.840.113549.1.7.2"), der.explicit(0, signed_data))


async def gost_timestamped(cms_der: bytes, timestamper: TimeStamper) -> bytes:
    """``cms_der`` with a signature timestamp over its GOST signature value (B-T)."""
    from signing.gost.pdf import add_signature_timestamp

    content_info = cms.ContentInfo.load(cms_der)
    try:
        await add_signature_timestamp(content_info, timestamper)
    except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
        raise TimestampUnavailable(
            f"The time-stamping authority did not answer ({type(exc).__name__})"
        ) from None
    return bytes(content_info.dump(force=True))


def _gost_fixed(signer: GostSigner) -> dict[str, bytes]:
    """The parts of a GOST signature that depend on the key alone, dumped once."""
    cached: dict[str, bytes] | None = getattr(signer, "_lean_parts", None)
    if cached is not None:
        return cached
    cert = signer.signing_cert
    assert cert is not None
    pub = signer.private_key.public_key
    sample = cms.CMSAttributes.load(
        signed_attributes_for_external(
            cert, bytes(pub.curve.size), datetime(2000, 1, 1, tzinfo=UTC)
        )
    )
    [cert_v2] = [a for a in sample if a["type"].native == "signing_certificate_v2"]
    certs = {c.dump() for c in signer.cert_registry} | {cert.dump()}
    parts = {
        "content_type": cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump(),
        "signing_certificate_v2": cert_v2.dump(),
        "sid": cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number}
        ).dump(),
        "digest": algos.DigestAlgorithm({"algorithm": pub.digest_oid}).dump(),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": pub.signature_oid}).dump(),
        "certificates": der.implicit_set(0, *certs),
    }
    signer._lean_parts = parts  # type: ignore[attr-defined]
    return parts


def sign_attributes(key: EllipticCurvePrivateKey | RSAPrivateKey, signed_attrs: bytes) -> bytes:
    """The signature over DER ``signed_attrs`` with SHA-256: ECDSA, or RSA PKCS#1 v1.5."""
    if isinstance(key, EllipticCurvePrivateKey):
        return key.sign(signed_attrs, ECDSA(SHA256()))
    return key.sign(signed_attrs, PKCS1v15(), SHA256())


def signer_info_der(
    fixed: dict[str, bytes], signed_attrs: bytes, signature: bytes, unsigned: bytes = b""
) -> bytes:
    """A version-1 SignerInfo from the key's dumped parts (``sid``, ``sha256``,
    ``signature_algorithm``), the signed attributes' SET, the signature and the unsigned
    attributes (already ``[1] IMPLICIT``, or empty)."""
    return der.seq(
        der.integer(1),
        fixed["sid"],
        fixed["sha256"],
        b"\xa0" + signed_attrs[1:],  # [0] IMPLICIT: the SET's tag replaced
        fixed["signature_algorithm"],
        der.octets(signature),
        unsigned,
    )


async def pades_cms(
    signer: CachingSigner, document_digest: bytes, timestamper: TimeStamper | None
) -> bytes:
    """CAdES-detached SignedData over ``document_digest``, as pyHanko's PAdES path makes it."""
    key = signer._private_key
    assert isinstance(key, EllipticCurvePrivateKey | RSAPrivateKey)
    fixed = _fixed(signer)
    signed_attrs = der.set_of(
        fixed["content_type"],
        der.seq(der.oid("1.2.840.113549.1.9.4"), der.set_of(der.octets(document_digest))),
        fixed["signing_certificate_v2"],
    )
    signature = sign_attributes(key, signed_attrs)
    unsigned = b""
    if timestamper is not None:
        try:
            token = await timestamper.async_timestamp(hashlib.sha256(signature).digest(), "sha256")
        except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
            raise TimestampUnavailable(
                f"The time-stamping authority did not answer: {exc}"
            ) from exc
        attr = der.seq(der.oid("1.2.840.113549.1.9.16.2.14"), der.set_of(token.dump()))
        unsigned = der.implicit_set(1, attr)
    signer_info = signer_info_der(fixed, signed_attrs, signature, unsigned)
    signed_data = der.seq(
        der.integer(1),
        der.set_of(fixed["sha256"]),
        der.seq(der.oid("1.2.840.113549.1.7.1")),
        fixed["certificates"],
        der.set_of(signer_info),
    )
    return der.seq(der.oid("1.2.840.113549.1.7.2"), der.explicit(0, signed_data))


def _fixed(signer: CachingSigner) -> dict[str, bytes]:
    """The parts of every signature that depend on the key alone, dumped once."""
    cached: dict[str, bytes] | None = getattr(signer, "_lean_parts", None)
    if cached is not None:
        return cached
    cert = signer.signing_cert
    assert cert is not None
    ecdsa = isinstance(signer._private_key, EllipticCurvePrivateKey)
    certs = {c.dump() for c in signer.cert_registry} | {cert.dump()}
    parts = {
        "content_type": cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump(),
        "signing_certificate_v2": cms.CMSAttribute(
            {"type": "signing_certificate_v2", "values": [signer.signing_certificate_v2]}
        ).dump(),
        "sid": cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number}
        ).dump(),
        "sha256": algos.DigestAlgorithm({"algorithm": "sha256"}).dump(),
        "signature_algorithm": algos.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa" if ecdsa else "rsassa_pkcs1v15"}
        ).dump(),
        "certificates": der.implicit_set(0, *certs),
    }
    signer._lean_parts = parts  # type: ignore[attr-defined]
    return parts
