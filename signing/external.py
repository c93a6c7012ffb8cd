"""The external (two-step) signing flow: digest out, CMS or raw signature in.

:func:`prepare` adds the signer's revision to the PDF with room reserved for the signature,
and computes what the member's own device signs: the CMS signed attributes (DER, SET OF
Attribute, PAdES: ``content-type``, ``message-digest``, ``signing-certificate-v2``), whose
message digest is the digest of the PDF's ``/ByteRange``. Nothing of the state lives in
memory: :class:`PreparedSignature` is plain data a caller stores and hands back later, in
any process.

:func:`complete` accepts either

* ``signature``: a raw signature over exactly the prepared signed attributes, which we
  wrap into the CMS ourselves; or
* ``cms``: a complete detached CMS ``SignedData`` made by the client from the document
  digest (NCALayer's digested mode), with the client's own signed attributes. Its
  ``message-digest`` must equal the prepared document digest, its signer must be the
  registered certificate, and its signature over its signed attributes must verify.

The checks run before anything is embedded; a signature over another revision (stale data)
fails the message-digest check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko_certvalidator.context import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.errors import SigningError, TimestampUnavailable, refused
from signing.external_gost import is_gost_certificate, prepare_gost, signature_from_client
from signing.loop import run_sync

__all__ = ["PreparedSignature", "complete", "complete_async", "prepare", "prepare_async"]

DIGEST = "sha256"
# Room for what a client's CMS may carry beyond the certificates we know (its own signed
# attributes, more certificates of its chain) and for a signature timestamp token.
_CLIENT_ROOM = 8192
_TIMESTAMP_ROOM = 8192


@dataclass(frozen=True)
class PreparedSignature:
    """A signature prepared for an external signer; everything needed to complete it."""

    pdf: bytes
    """The PDF with the new revision, its ``/Contents`` reserved (zeros)."""
    field_name: str
    """The signature field being signed."""
    digest_algorithm: str
    """``sha256``, or ``streebog512``/``streebog256`` for a GOST certificate."""
    document_digest: bytes
    """Digest of the ``/ByteRange`` (what a digested-mode CMS client signs)."""
    reserved_start: int
    """Offset of the reserved ``/Contents`` region (its ``<``)."""
    reserved_end: int
    """Offset just past the reserved region (past its ``>``)."""
    signed_attrs: bytes
    """DER of the signed attributes (SET OF Attribute): what a raw signature must cover."""


@dataclass(frozen=True)
class CompletedSignature:
    """The signed PDF and what it took."""

    pdf: bytes
    """The PDF with the signature embedded."""
    cms_sha256: str
    """SHA-256 of the embedded CMS (DER)."""


def prepare(
    pdf: bytes,
    field_name: str,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    reason: str | None = None,
    now: datetime | None = None,
    timestamped: bool = False,
) -> PreparedSignature:
    """Prepare ``field_name`` of ``pdf`` for a signature by ``certificate``'s key."""
    return run_sync(
        prepare_async(
            pdf, field_name, certificate, chain, reason=reason, now=now, timestamped=timestamped
        )
    )


async def prepare_async(
    pdf: bytes,
    field_name: str,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    reason: str | None = None,
    now: datetime | None = None,
    timestamped: bool = False,
) -> PreparedSignature:
    """:func:`prepare` for callers inside an event loop."""
    if is_gost_certificate(certificate):  # Streebog: outside pyHanko's PdfSigner
        room = sum(len(c.dump()) for c in [certificate, *chain]) + _CLIENT_ROOM
        data, name, digest, start, end, attrs_der = prepare_gost(
            pdf, field_name, certificate, reason=reason, now=now or datetime.now(UTC),
            bytes_reserved=2 * (room + (_TIMESTAMP_ROOM if timestamped else 0)),
        )  # fmt: skip
        return PreparedSignature(data, field_name, name, digest, start, end, attrs_der)
    store = SimpleCertificateStore.from_certs([certificate, *chain])  # type: ignore[no-untyped-call]
    signature_size = 2 * (int(certificate.public_key.bit_size) // 8) + 16
    signer = ExternalSigner(certificate, store, signature_value=signature_size)
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )
    certs = sum(len(c.dump()) for c in {c.dump(): c for c in [certificate, *chain]}.values())
    room = certs + signature_size + _CLIENT_ROOM + (_TIMESTAMP_ROOM if timestamped else 0)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
        if not any(
            name == field_name and value is None
            for name, value, _ in fields.enumerate_sig_fields(writer.prev, filled_status=False)
        ):
            raise SigningError(f"The document has no empty signature field {field_name!r}")
        session = PdfSigner(meta, signer).init_signing_session(writer, existing_fields_only=True)
        session.system_time = now or datetime.now(UTC)
        info = await session.perform_presign_validation(writer)
        tbs = session.prepare_tbs_document(validation_info=info, bytes_reserved=2 * room)
        prepared, output = tbs.digest_tbs_document()
        attrs = await signer.signed_attrs(prepared.document_digest, DIGEST, use_pades=True)
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Preparing field {field_name!r} failed: {exc}") from exc
    output.seek(0)
    return PreparedSignature(
        pdf=bytes(output.read()),
        field_name=field_name,
        digest_algorithm=DIGEST,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_region_start,
        reserved_end=prepared.reserved_region_end,
        signed_attrs=attrs.dump(),
    )


def complete(
    prepared: PreparedSignature,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    cms_der: bytes | None = None,
    signature: bytes | None = None,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> CompletedSignature:
    """Embed the external signature; :class:`~signing.errors.SignatureRefused` if it does
    not fit the prepared data or the certificate. With a ``validation_context`` (trust
    roots, fetching allowed) the signer's revocation information follows in a DSS
    revision: PAdES B-LT, as for server-held keys."""
    return run_sync(
        complete_async(
            prepared,
            certificate,
            chain,
            cms_der=cms_der,
            signature=signature,
            timestamper=timestamper,
            validation_context=validation_context,
        )
    )


async def complete_async(
    prepared: PreparedSignature,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    cms_der: bytes | None = None,
    signature: bytes | None = None,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> CompletedSignature:
    """:func:`complete` for callers inside an event loop."""
    if (cms_der is None) == (signature is None):
        raise refused("one_of_cms_or_signature", "Send either a CMS or a raw signature", "body")
    if is_gost_certificate(certificate):
        content, signer_info = signature_from_client(
            certificate, chain, prepared.document_digest, prepared.signed_attrs,
            cms_der=cms_der, signature=signature,
        )  # fmt: skip
    elif signature is not None:
        store = SimpleCertificateStore.from_certs([certificate, *chain])  # type: ignore[no-untyped-call]
        signer = ExternalSigner(certificate, store, signature_value=signature)
        attrs = cms.CMSAttributes.load(prepared.signed_attrs)
        content = await signer.async_sign_prescribed_attributes(DIGEST, attrs)
    else:
        assert cms_der is not None
        content = _parse(cms_der)
    if not is_gost_certificate(certificate):
        signer_info = _check(content, prepared, certificate)
    content = await _finalise(content, signer_info, [certificate, *chain], timestamper)
    der = content.dump()
    if 2 * len(der) > prepared.reserved_end - prepared.reserved_start - 2:
        raise refused("cms_too_large", "The CMS is larger than the room reserved for it")
    output = BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        prepared.document_digest, prepared.reserved_start, prepared.reserved_end
    )
    try:
        await PdfTBSDocument.async_finish_signing(output, digest, der)
        pdf = output.getvalue()
        if validation_context is not None:
            pdf = await _with_revocation_info(pdf, validation_context)
    except (PdfError, PyhankoSigningError, ValueError) as exc:
        raise SigningError(f"Embedding the signature failed: {exc}") from exc
    return CompletedSignature(pdf, hashlib.sha256(der).hexdigest())


async def _with_revocation_info(pdf: bytes, context: ValidationContext) -> bytes:
    """Append the last signature's certificates, OCSP responses and CRLs as a DSS revision."""
    try:
        signature = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[-1]
        out = await async_add_validation_info(signature, context)
        return bytes(out.getvalue())
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]


def _parse(der: bytes) -> cms.ContentInfo:
    try:
        content = cms.ContentInfo.load(der, strict=True)
        if content["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed = content["content"]
        _ = signed["signer_infos"][0]["signed_attrs"].native  # parse fully, now
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise refused("cms_malformed", f"The CMS cannot be read: {exc}") from None
    return content


def _matches(sid: cms.SignerIdentifier, cert: x509.Certificate) -> bool:
    if sid.name == "issuer_and_serial_number":
        chosen = sid.chosen
        return bool(
            chosen["serial_number"].native == cert.serial_number and chosen["issuer"] == cert.issuer
        )
    return bool(sid.chosen.native == cert.key_identifier)


def _check(
    content: cms.ContentInfo, prepared: PreparedSignature, cert: x509.Certificate
) -> cms.SignerInfo:
    signed = content["content"]
    infos = signed["signer_infos"]
    if len(infos) != 1:
        raise refused("cms_one_signer", "The CMS must hold exactly one signature")
    if signed["encap_content_info"]["content"].native is not None:
        raise refused("cms_not_detached", "The CMS must be detached (digested mode)")
    info: cms.SignerInfo = infos[0]
    if not _matches(info["sid"], cert):
        raise refused(
            "signer_certificate_mismatch",
            "The signature was made with another key than the registered signer's certificate",
        )
    if info["digest_algorithm"]["algorithm"].native != prepared.digest_algorithm:
        raise refused(
            "digest_algorithm_mismatch",
            f"The document digest was prepared with {prepared.digest_algorithm}",
        )
    try:
        intact, valid = validate_sig_integrity(info, cert, "data", prepared.document_digest)
    except Exception as exc:  # pyHanko raises assorted errors for unsupported algorithms
        raise refused("signature_unverifiable", f"The signature cannot be checked: {exc}") from None
    if not intact:
        raise refused(
            "message_digest_mismatch",
            "The signature covers other data than the prepared document revision",
        )
    if not valid:
        raise refused(
            "signature_invalid",
            "The signature does not verify over the prepared data with the registered certificate",
        )
    return info


async def _finalise(
    content: cms.ContentInfo,
    info: cms.SignerInfo,
    certs: Sequence[x509.Certificate],
    timestamper: TimeStamper | None,
) -> cms.ContentInfo:
    """The CMS re-assembled by us: the registered chain only, our own timestamp only.

    Rebuilt from the parsed parts, so the signed attributes keep their exact bytes. What
    the client put beside its signature is not passed on:

    * certificates: only ``certs`` (the registered certificate first, then its chain). A
      client's extra certificate can be a twin of the registered one (same issuer and
      serial, another subject), which a validator picking the first match would show as
      the signer;
    * unsigned attributes: all dropped, a client's signature timestamp included. Checking
      one would mean trusting a time-stamping authority the client chose; with a
      ``timestamper`` configured the server timestamps the signature itself;
    * CRLs and other revocation data in the SignedData: dropped (the DSS carries ours).
    """
    signed = content["content"]
    unique = {c.dump(): c for c in certs}  # registered first, duplicates out
    unsigned: list[cms.CMSAttribute] = []
    if timestamper is not None:
        digest = hashlib.sha256(info["signature"].native).digest()
        try:
            token = await timestamper.async_timestamp(digest, DIGEST)
        except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
            raise TimestampUnavailable(
                f"The time-stamping authority did not answer: {exc}"
            ) from exc
        unsigned.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    new_info = {
        "version": info["version"],
        "sid": info["sid"],
        "digest_algorithm": info["digest_algorithm"],
        "signed_attrs": info["signed_attrs"],
        "signature_algorithm": info["signature_algorithm"],
        "signature": info["signature"],
    }
    if unsigned:
        new_info["unsigned_attrs"] = cms.CMSAttributes(unsigned)
    new_signed = {
        "version": signed["version"],
        "digest_algorithms": signed["digest_algorithms"],
        "encap_content_info": signed["encap_content_info"],
        "certificates": cms.CertificateSet(
            [cms.CertificateChoices(name="certificate", value=c) for c in unique.values()]
        ),
        "signer_infos": cms.SignerInfos([cms.SignerInfo(new_info)]),
    }
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(new_signed)})
