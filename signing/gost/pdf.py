"""GOST signatures in PDF: certify (DocMDP) and countersign, and validate with pyHanko.

pyHanko computes the /ByteRange digest with pyca/cryptography, which has no Streebog. So:

* signing goes through pyHanko's low-level :class:`PdfCMSEmbedder` (the documented path for
  CMS objects built outside PdfSigner): pyHanko writes the document and the placeholder, we
  hash the byte range with Streebog, :class:`~signing.gost.cms.GostSigner` makes the CMS, and
  pyHanko fills it in;
* validation seeds :attr:`EmbeddedPdfSignature.external_digests` (pyHanko's own digest cache)
  with the Streebog digest, then runs pyHanko's :func:`async_validate_pdf_signature` with a
  :class:`ValidationContext` whose signature validator knows GOST. Everything else (coverage,
  modification analysis, DocMDP, signer-info checks, path building) is pyHanko's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter, append_signature_field
from pyhanko.sign.signers.cms_embedder import (
    PdfCMSEmbedder,
    SigIOSetup,
    SigMDPSetup,
    SigObjSetup,
)
from pyhanko.sign.signers.pdf_byterange import SignatureObject
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from signing.gost import oids, streebog
from signing.gost.cms import GostSigner
from signing.loop import run_sync

_STREEBOG = (oids.STREEBOG256, oids.STREEBOG512)


def sign_pdf(
    pdf: bytes,
    signer: GostSigner,
    *,
    field_name: str,
    signing_time: datetime,
    certify: bool = False,
    docmdp: MDPPerm = MDPPerm.FILL_FORMS,
    reason: str | None = None,
    bytes_reserved: int = 16384,
    empty_fields: Sequence[SigFieldSpec] = (),
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Synchronous :func:`async_sign_pdf` (not from inside a running event loop)."""
    return run_sync(
        async_sign_pdf(
            pdf,
            signer,
            field_name=field_name,
            signing_time=signing_time,
            certify=certify,
            docmdp=docmdp,
            reason=reason,
            bytes_reserved=bytes_reserved,
            empty_fields=empty_fields,
            timestamper=timestamper,
        )
    )


async def async_sign_pdf(
    pdf: bytes,
    signer: GostSigner,
    *,
    field_name: str,
    signing_time: datetime,
    certify: bool = False,
    docmdp: MDPPerm = MDPPerm.FILL_FORMS,
    reason: str | None = None,
    bytes_reserved: int = 16384,
    empty_fields: Sequence[SigFieldSpec] = (),
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Add a GOST signature to `pdf` as an incremental update: a certification signature
    (DocMDP, P=2 by default) if `certify`, else an approval signature (countersignature).
    `empty_fields` are created in the same revision (for countersigners, under the
    certification's P=2). With a `timestamper` the signature value gets an RFC 3161
    signature timestamp (PAdES B-T), as pyHanko gives ECDSA signatures."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    for spec in empty_fields:
        append_signature_field(writer, spec)
    embedder = PdfCMSEmbedder(new_field_spec=SigFieldSpec(sig_field_name=field_name))
    coroutine = embedder.write_cms(field_name=field_name, writer=writer)
    next(coroutine)
    placeholder = SignatureObject(
        timestamp=signing_time,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        bytes_reserved=bytes_reserved,
    )
    mdp = (
        SigMDPSetup(md_algorithm=signer.digest_algorithm, certify=True, docmdp_perms=docmdp)
        if certify
        else None
    )
    coroutine.send(SigObjSetup(sig_placeholder=placeholder, mdp_setup=mdp))
    # pyHanko can only hash with pyca/cryptography: it gets SHA-256 (its result is unused)
    # and the byte range is hashed again, with Streebog, below.
    prepared, output = coroutine.send(SigIOSetup(md_algorithm="sha256", in_place=False))
    buf = output.getbuffer()
    try:
        h = streebog.new(signer.private_key.public_key.curve.size)
        h.update(buf[: prepared.reserved_region_start])
        h.update(buf[prepared.reserved_region_end :])
    finally:
        buf.release()
    content_info = await signer.async_sign_digest(h.digest(), signing_time=signing_time)
    if timestamper is not None:
        await add_signature_timestamp(content_info, timestamper)
    coroutine.send(content_info)
    result = output.getvalue()
    assert isinstance(result, bytes)
    return result


async def add_signature_timestamp(content_info: cms.ContentInfo, timestamper: TimeStamper) -> None:
    """Put an RFC 3161 token over the signature value into the signer's unsigned
    attributes (``signature_time_stamp_token``, ETSI EN 319 122-1).

    pyHanko's own provider hashes the value with the signature's digest, which for GOST is
    Streebog and unknown to pyca/cryptography; the imprint's algorithm is the token's own
    choice (validators recompute it with the algorithm the token names), so SHA-256 serves
    any TSA, the development one as well as the NCA's."""
    signer_info = content_info["content"]["signer_infos"][0]
    value = signer_info["signature"].native
    token = await timestamper.async_timestamp(hashlib.sha256(value).digest(), "sha256")
    attrs = list(signer_info["unsigned_attrs"]) if signer_info["unsigned_attrs"].native else []
    attrs.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(attrs)


@dataclass(frozen=True)
class PdfSignatureVerdict:
    """pyHanko's status for one signature, or why there is none."""

    field_name: str
    algorithm: str
    """Readable name of the signature algorithm."""
    status: PdfSignatureStatus | None
    """pyHanko's full status (None if the algorithm is not supported)."""
    problem: str | None = None

    @property
    def intact(self) -> bool:
        """The byte range digest matches."""
        return self.status is not None and self.status.intact

    @property
    def valid(self) -> bool:
        """The signature value verifies."""
        return self.status is not None and self.status.valid

    @property
    def trusted(self) -> bool:
        """The signer's certificate chains to a configured anchor at the validation moment."""
        return self.status is not None and self.status.trusted


def streebog_byte_range_digest(embedded: EmbeddedPdfSignature, digest_name: str) -> bytes:
    """Streebog digest of a signature's /ByteRange."""
    stream = embedded.reader.stream
    h = streebog.new(64 if digest_name == oids.STREEBOG512 else 32)
    br = list(embedded.byte_range)
    for offset, length in zip(br[0::2], br[1::2], strict=True):
        stream.seek(offset)
        h.update(stream.read(length))
    return bytes(h.digest())


async def async_validate_signature(
    embedded: EmbeddedPdfSignature, context: ValidationContext
) -> PdfSignatureVerdict:
    """Validate one embedded signature (GOST or any algorithm pyHanko knows)."""
    si = embedded.signer_info
    sig_oid = si["signature_algorithm"]["algorithm"].dotted
    name = oids.algorithm_name(sig_oid)
    field = embedded.field_name
    digest_name = embedded.md_algorithm
    digest_oid = si["digest_algorithm"]["algorithm"].dotted
    if sig_oid == oids.SIG_GOST2004 or digest_oid == oids.DIGEST_GOST34311_95:
        return PdfSignatureVerdict(field, name, None, f"unsupported algorithm: {name}")
    if digest_name in _STREEBOG:
        embedded.external_digests[digest_name] = streebog_byte_range_digest(embedded, digest_name)
    try:
        status = await async_validate_pdf_signature(embedded, context)
    except SignatureValidationError as exc:
        # pyHanko's verdict for a structurally unusable signature (signer certificate
        # missing or ambiguous, wrong content type, ...): not valid, with its reason
        return PdfSignatureVerdict(field, name, None, f"invalid signature: {exc.failure_message}")
    except (AttributeError, ValueError, NotImplementedError) as exc:
        # pyHanko looks digests up in pyca/cryptography by name: an algorithm it cannot
        # hash surfaces here (e.g. GOST 34.311-95). A verdict, never a crash.
        return PdfSignatureVerdict(field, name, None, f"unsupported algorithm: {name} ({exc})")
    return PdfSignatureVerdict(field, name, status)


async def async_validate_pdf(pdf: bytes, context: ValidationContext) -> list[PdfSignatureVerdict]:
    """Validate every signature of `pdf`, in document order."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return [await async_validate_signature(e, context) for e in reader.embedded_signatures]


def validate_pdf(pdf: bytes, context: ValidationContext) -> list[PdfSignatureVerdict]:
    """Synchronous :func:`async_validate_pdf` (not from inside a running event loop)."""
    return run_sync(async_validate_pdf(pdf, context))
