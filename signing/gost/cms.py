"""CMS (CAdES-BES) with GOST R 34.10-2015 keys, as NCALayer makes it.

* :class:`GostSigner` is a pyHanko :class:`~pyhanko.sign.signers.Signer`: pyHanko assembles the
  SignedData and its signed attributes (contentType, messageDigest, signingTime,
  signingCertificateV2, CMSAlgorithmProtection); we supply the GOST signature value and the
  NCA's OIDs (digest Streebog, signature 1.2.398.3.10.1.1.2.3.x).
* :func:`signed_attributes_for_external` builds the DER signed attributes a remote signer
  (NCALayer, a token) signs; :func:`assemble_external_cms` takes the raw GOST signature back.
* :func:`verify_cms` checks a detached or digested CMS SignedData from NCALayer.

pyHanko hashes with pyca/cryptography, which has no Streebog, so message digests are always
computed here (OpenSSL's GOST provider) and handed to pyHanko as digests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, cms, x509
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.gost import oids, streebog
from signing.gost.gost3410 import GostKeyError, GostPrivateKey, GostPublicKey
from signing.loop import run_sync
from signing.settle import settled


class GostSigner(Signer):
    """A pyHanko signer holding a GOST R 34.10-2015 private key and its certificate."""

    def __init__(
        self,
        private_key: GostPrivateKey,
        signing_cert: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        pub = GostPublicKey.from_spki(signing_cert.public_key)
        if pub != private_key.public_key:
            raise GostKeyError("the certificate does not belong to this private key")
        self.private_key = private_key
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs(list(chain)),  # type: ignore[no-untyped-call]
            signature_mechanism=settled(
                algos.SignedDigestAlgorithm({"algorithm": pub.signature_oid})
            ),
            embed_roots=True,
        )

    @property
    def digest_algorithm(self) -> str:
        """The digest name pyHanko passes around: streebog512 or streebog256."""
        return self.private_key.public_key.digest_name

    def _check_digest_algorithm(self, digest_algorithm: str) -> None:
        # pyHanko's own check reads the hash out of asn1crypto's table of known mechanisms
        if digest_algorithm != self.digest_algorithm:
            raise GostKeyError(
                f"a {self.private_key.public_key.curve.size * 8}-bit GOST key signs with "
                f"{self.digest_algorithm}, not {digest_algorithm}"
            )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """GOST signature value (r || s, little-endian) over `data` (the signed attributes)."""
        self._check_digest_algorithm(digest_algorithm)
        if dry_run:
            return bytes(2 * self.private_key.public_key.curve.size)
        return self.private_key.sign(data)

    async def async_sign_digest(
        self, message_digest: bytes, *, signing_time: datetime, is_pdf_sig: bool = True
    ) -> cms.ContentInfo:
        """A detached CMS over content whose Streebog digest is `message_digest`."""
        return await self.async_sign(
            message_digest,
            self.digest_algorithm,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
            use_pades=False,
            is_pdf_sig=is_pdf_sig,
        )

    def sign_detached(self, content: bytes, *, signing_time: datetime) -> cms.ContentInfo:
        """A detached CMS SignedData over `content` (CAdES-BES, as NCALayer makes it)."""
        digest = streebog.digest(self.digest_algorithm, content)
        return run_sync(self.async_sign_digest(digest, signing_time=signing_time, is_pdf_sig=False))


def signed_attributes_for_external(
    signing_cert: x509.Certificate, message_digest: bytes, signing_time: datetime
) -> bytes:
    """DER of the signed attributes (a SET OF, universal tag) that an external GOST signer
    signs: contentType data, signingTime, messageDigest (Streebog), signingCertificateV2."""
    pub = GostPublicKey.from_spki(signing_cert.public_key)
    if len(message_digest) != pub.curve.size:
        raise GostKeyError("message digest length does not fit the certificate's key")
    cert_hash = hashlib.sha256(signing_cert.dump()).digest()
    attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute(
                {
                    "type": "signing_time",
                    "values": [
                        cms.Time({"utc_time": signing_time})
                        if signing_time.year < 2050
                        else cms.Time({"generalized_time": signing_time})
                    ],
                }
            ),
            cms.CMSAttribute({"type": "message_digest", "values": [message_digest]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [
                        {
                            "certs": [
                                {
                                    "hash_algorithm": {"algorithm": "sha256"},
                                    "cert_hash": cert_hash,
                                    "issuer_serial": {
                                        "issuer": [
                                            x509.GeneralName(
                                                {"directory_name": signing_cert.issuer}
                                            )
                                        ],
                                        "serial_number": signing_cert.serial_number,
                                    },
                                }
                            ]
                        }
                    ],
                }
            ),
        ]
    )
    return bytes(attrs.dump(force=True))


def assemble_external_cms(
    signing_cert: x509.Certificate,
    signed_attributes_der: bytes,
    signature_value: bytes,
    chain: Sequence[x509.Certificate] = (),
) -> cms.ContentInfo:
    """A detached CMS SignedData from prepared signed attributes and a raw GOST signature value;
    :class:`GostKeyError` if the signature does not verify with the certificate's key."""
    pub = GostPublicKey.from_spki(signing_cert.public_key)
    if not pub.verify(signature_value, signed_attributes_der):
        raise GostKeyError("the GOST signature value does not verify over the prepared attributes")
    attrs = cms.CMSAttributes.load(signed_attributes_der)
    digest_alg = algos.DigestAlgorithm({"algorithm": pub.digest_oid})
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": signing_cert.issuer,
                        "serial_number": signing_cert.serial_number,
                    }
                }
            ),
            "digest_algorithm": digest_alg,
            "signed_attrs": cms.CMSAttributes.load(attrs.dump()).retag({"implicit": 0}),
            "signature_algorithm": {"algorithm": pub.signature_oid},
            "signature": signature_value,
        }
    )
    return cms.ContentInfo(
        {
            "content_type": "signed_data",
            "content": {
                "version": "v1",
                "digest_algorithms": [digest_alg],
                "encap_content_info": {"content_type": "data"},
                "certificates": [signing_cert, *chain],
                "signer_infos": [signer_info],
            },
        }
    )


@dataclass(frozen=True)
class CmsVerdict:
    """Outcome of :func:`verify_cms`: integrity and signature only, no trust decision."""

    intact: bool
    """The messageDigest attribute matches the content (or the given digest)."""
    valid: bool
    """The signature value verifies with the signer certificate's key."""
    signer: x509.Certificate | None
    signing_time: datetime | None
    algorithm: str
    """Readable name of the signature algorithm."""
    problem: str | None = None
    """Why it is not intact/valid, or the unsupported algorithm."""

    @property
    def ok(self) -> bool:
        """Intact and valid."""
        return self.intact and self.valid and self.problem is None


def _find_signer(sd: cms.SignedData, sid: cms.SignerIdentifier) -> x509.Certificate | None:
    for choice in sd["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (
                cert.issuer == sid.chosen["issuer"]
                and cert.serial_number == sid.chosen["serial_number"].native
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _signing_certificate_matches(attrs: cms.CMSAttributes, signer: x509.Certificate) -> bool:
    # ESS signing-certificate(-v2) binds the signature to one certificate (CAdES-BES); its
    # hash may be SHA-256 (ours) or Streebog (NCALayer). Absent: nothing to contradict.
    for attr in attrs:
        kind = attr["type"].native
        if kind not in ("signing_certificate_v2", "signing_certificate"):
            continue
        cert_ids = attr["values"][0]["certs"]
        if not cert_ids:
            return False
        first = cert_ids[0]
        if kind == "signing_certificate":
            alg = "sha1"
        else:
            alg = first["hash_algorithm"]["algorithm"].native
        expected = first["cert_hash"].native
        data = signer.dump()
        if alg in (oids.STREEBOG256, oids.STREEBOG512):
            actual = streebog.digest(alg, data)
        else:
            try:
                actual = hashlib.new(alg, data).digest()
            except ValueError:
                return False
        if not hmac.compare_digest(actual, expected):
            return False
    return True


def verify_cms(
    cms_der: bytes, *, content: bytes | None = None, digest: bytes | None = None
) -> CmsVerdict:
    """Verify a CMS SignedData as NCALayer makes it: attached content, detached (`content`
    given) or digested (`digest` given). Never raises for a bad or unsupported signature."""
    try:
        info = cms.ContentInfo.load(cms_der)
        sd = info["content"]
        si = sd["signer_infos"][0]
        sig_oid = si["signature_algorithm"]["algorithm"].dotted
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return CmsVerdict(False, False, None, None, "?", f"not a CMS SignedData: {exc}")
    name = oids.algorithm_name(sig_oid)
    signer = _find_signer(sd, si["sid"])
    if sig_oid not in oids.SIGNATURE_DIGESTS:
        return CmsVerdict(False, False, signer, None, name, f"unsupported algorithm: {name}")
    if signer is None:
        return CmsVerdict(False, False, None, None, name, "signer certificate not in the CMS")
    digest_name, size = oids.SIGNATURE_DIGESTS[sig_oid]
    if (
        si["digest_algorithm"]["algorithm"].dotted
        != {
            32: oids.DIGEST_STREEBOG256,
            64: oids.DIGEST_STREEBOG512,
        }[size]
    ):
        return CmsVerdict(False, False, signer, None, name, "digest algorithm does not match")
    if digest is None:
        if content is None:
            content = sd["encap_content_info"]["content"].native
        if content is None:
            return CmsVerdict(False, False, signer, None, name, "no content to check against")
        digest = streebog.digest(digest_name, content)
    attrs = si["signed_attrs"]
    if attrs.native is None:
        return CmsVerdict(False, False, signer, None, name, "no signed attributes")
    md = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    times = [a["values"][0].native for a in attrs if a["type"].native == "signing_time"]
    intact = len(md) == 1 and hmac.compare_digest(md[0], digest)
    try:
        pub = GostPublicKey.from_spki(signer.public_key)
        valid = pub.signature_oid == sig_oid and pub.verify(
            si["signature"].native, attrs.untag().dump()
        )
    except GostKeyError as exc:
        return CmsVerdict(intact, False, signer, None, name, str(exc))
    problem = None if intact and valid else ("digest mismatch" if not intact else "bad signature")
    if problem is None and not _signing_certificate_matches(attrs, signer):
        problem = "signingCertificateV2 names another certificate"
    return CmsVerdict(intact, valid, signer, times[0] if times else None, name, problem)


def content_digest(data: bytes, size: int = 64) -> bytes:
    """Streebog digest of `data` (for the digested mode and the external prepare step)."""
    return streebog.streebog512(data) if size == 64 else streebog.streebog256(data)


__all__ = [
    "CmsVerdict",
    "GostSigner",
    "assemble_external_cms",
    "content_digest",
    "signed_attributes_for_external",
    "verify_cms",
]
