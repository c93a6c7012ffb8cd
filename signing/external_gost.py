"""The external flow (:mod:`signing.external`) for a GOST R 34.10-2015 certificate.

pyHanko's PdfSigner hashes the ``/ByteRange`` with pyca/cryptography, which has no Streebog, so
the prepared revision is written with pyHanko's low-level :class:`PdfCMSEmbedder` and hashed
here; the signed attributes are the CAdES-BES ones NCALayer signs (contentType, signingTime,
messageDigest in Streebog, signingCertificateV2). On completion a raw GOST signature value is
wrapped into a CMS with the NCA's OIDs, or NCALayer's own CMS is checked by
:func:`signing.gost.cms.verify_cms` against the prepared digest and the registered certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO

from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.signers.cms_embedder import PdfCMSEmbedder, SigIOSetup, SigObjSetup
from pyhanko.sign.signers.pdf_byterange import SignatureObject

from signing.errors import SigningError, refused
from signing.gost import oids, streebog
from signing.gost.cms import assemble_external_cms, signed_attributes_for_external, verify_cms
from signing.gost.gost3410 import GostKeyError, GostPublicKey

__all__ = ["is_gost_certificate", "prepare_gost", "signature_from_client"]

_GOST_KEYS = (oids.KEY_GOST2015_256, oids.KEY_GOST2015_512)


def is_gost_certificate(cert: x509.Certificate) -> bool:
    """True if the certificate holds a GOST R 34.10-2015 public key."""
    return str(cert.public_key["algorithm"]["algorithm"].dotted) in _GOST_KEYS


def prepare_gost(
    pdf: bytes,
    field_name: str,
    certificate: x509.Certificate,
    *,
    reason: str | None,
    now: datetime,
    bytes_reserved: int,
) -> tuple[bytes, str, bytes, int, int, bytes]:
    """The prepared revision: ``(pdf, digest name, Streebog digest, reserved start, reserved
    end, signed attributes DER)``."""
    try:
        digest_name = GostPublicKey.from_spki(certificate.public_key).digest_name
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
        if not any(
            name == field_name and value is None
            for name, value, _ in fields.enumerate_sig_fields(writer.prev, filled_status=False)
        ):
            raise SigningError(f"The document has no empty signature field {field_name!r}")
        embedder = PdfCMSEmbedder()
        coroutine = embedder.write_cms(
            field_name=field_name, writer=writer, existing_fields_only=True
        )
        next(coroutine)
        placeholder = SignatureObject(
            timestamp=now,
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            bytes_reserved=bytes_reserved,
        )
        coroutine.send(SigObjSetup(sig_placeholder=placeholder))
        # pyHanko's own digest (SHA-256) is unused: the byte range is hashed with Streebog
        prepared, output = coroutine.send(SigIOSetup(md_algorithm="sha256", in_place=False))
        coroutine.close()
        data = bytes(output.getvalue())
    except (PdfError, GostKeyError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Preparing field {field_name!r} failed: {exc}") from exc
    start, end = prepared.reserved_region_start, prepared.reserved_region_end
    h = streebog.new(64 if digest_name == oids.STREEBOG512 else 32)
    h.update(data[:start])
    h.update(data[end:])
    digest = bytes(h.digest())
    attrs = signed_attributes_for_external(certificate, digest, now)
    return data, digest_name, digest, start, end, attrs


def signature_from_client(
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    document_digest: bytes,
    signed_attrs: bytes,
    *,
    cms_der: bytes | None,
    signature: bytes | None,
) -> tuple[cms.ContentInfo, cms.SignerInfo]:
    """The client's GOST signature as a CMS over the prepared revision, checked: a raw value
    over ``signed_attrs``, or NCALayer's CMS over ``document_digest`` by ``certificate``'s
    key; :class:`~signing.errors.SignatureRefused` otherwise."""
    if signature is not None:
        try:
            content = assemble_external_cms(certificate, signed_attrs, signature, chain)
        except GostKeyError:
            raise refused(
                "signature_invalid",
                "The signature does not verify over the prepared data with the registered "
                "certificate",
                "signature",
            ) from None
        return content, content["content"]["signer_infos"][0]
    assert cms_der is not None
    verdict = verify_cms(cms_der, digest=document_digest)
    if verdict.signer is None or verdict.signer.dump() != certificate.dump():
        raise refused(
            "signer_certificate_mismatch",
            "The signature was made with another key than the registered signer's certificate",
        )
    if verdict.problem is not None and verdict.problem.startswith("unsupported"):
        raise refused(
            "signature_unverifiable", f"The signature cannot be checked: {verdict.problem}"
        )
    if not verdict.intact:
        raise refused(
            "message_digest_mismatch",
            "The signature covers other data than the prepared document revision",
        )
    if not verdict.ok:
        raise refused(
            "signature_invalid",
            f"The signature does not verify with the registered certificate ({verdict.problem})",
        )
    content = cms.ContentInfo.load(cms_der)
    signed = content["content"]
    if len(signed["signer_infos"]) != 1:
        raise refused("cms_one_signer", "The CMS must hold exactly one signature")
    if signed["encap_content_info"]["content"].native is not None:
        raise refused("cms_not_detached", "The CMS must be detached (digested mode)")
    return content, signed["signer_infos"][0]
