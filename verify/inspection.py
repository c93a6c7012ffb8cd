"""Facts a PDF states about who signed what, read offline, judged by no one here.

pyHanko answers "does each signature hold?"; a verdict also needs to know *whose* each
signature is and what came after the last one. Read here, from the file alone:

* which certificate made the certification (DocMDP) signature, compared with the pinned
  issuer certificates by SHA-256 of their DER (a certificate under a trusted root is not
  the issuer's just because it chains);
* each signature field: empty, or signed, and by which certificate (one certificate
  signing several fields is a fact of its own);
* anything after the last signature's ``/ByteRange``: bytes that belong to no revision, or
  a revision that adds anything but validation data (a DSS);
* the XMP metadata stream or the document information (title, author) replaced after the
  certification, which pyHanko's difference analysis lets through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import PdfHandler
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature

from forms.errors import QujatError, VerificationError
from verify.errors import PdfTooComplex
from verify.structure import Structure, check_structure

__all__ = ["FieldFact", "Inspection", "certificate_sha256", "inspect_pdf"]

# /Info entries every writer updates on save, so a signer's own revision changes them too
_WRITER_INFO_KEYS = frozenset({"/ModDate", "/Producer"})
# catalog entries a validation-data (DSS) revision may add or change
_DSS_CATALOG_KEYS = frozenset({"/DSS", "/Extensions"})
_MAX_DSS_OBJECTS = 10_000
_WHITESPACE = b"\r\n\x00\t\x0c "
_DC, _PDF, _XMP = (
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/pdf/1.3/",
    "http://ns.adobe.com/xap/1.0/",
)
# what viewers show of the XMP (pdf.js: dc:title as the window title), by ElementTree name
_SHOWN_XMP = {
    "{%s}%s" % (ns, name): f"{prefix}:{name}"  # noqa: UP031
    for ns, prefix, names in (
        (_DC, "dc", ("title", "creator", "description", "subject", "rights", "publisher")),
        (_PDF, "pdf", ("Keywords", "Subject", "Title", "Author")),
        (_XMP, "xmp", ("CreatorTool", "Label", "Nickname")),
    )
    for name in names
}


def certificate_sha256(cert: x509.Certificate) -> str:
    """SHA-256 of a certificate's DER, in hex: how certificates are pinned."""
    return hashlib.sha256(cert.dump()).hexdigest()


@dataclass(frozen=True)
class FieldFact:
    """One signature field and who, if anyone, signed it."""

    name: str
    """The field's fully qualified name, e.g. ``"Chair"``."""
    signer_sha256: str | None
    """SHA-256 of the signer certificate's DER; ``None`` for an empty field."""
    signer_name: str | None = None
    """The signer certificate's subject common name."""
    signer_serial: str | None = None
    """The signer certificate's subject serialNumber (``IIN…`` on NCA certificates)."""
    timestamp: bool = False
    """A document timestamp (RFC 3161), not a person's signature."""
    certification: bool = False
    """The document's certification (DocMDP) signature."""


@dataclass(frozen=True)
class Inspection:
    """What the file says about its signatures and what followed them."""

    fields: tuple[FieldFact, ...]
    """Every signature field, signed ones in signing order, then the empty ones."""
    certifier_sha256: str | None
    """SHA-256 of the certification signature's certificate; ``None`` if not certified."""
    certified_by_issuer: bool
    """The certification signature's certificate is one of the pinned issuer certificates,
    and the certification is the document's first signature."""
    repeated_signers: tuple[str, ...]
    """Certificates (SHA-256) that signed more than one field (timestamps not counted)."""
    trailing_bytes: int
    """Bytes after the file's last ``%%EOF`` that belong to no revision."""
    foreign_revisions: tuple[int, ...]
    """Revisions after the last signature that add anything but validation data (DSS)."""
    metadata_changed: bool
    """What the XMP metadata shows (title, creator, description, keywords, …) differs from
    what the certification signed."""
    info_changed: bool
    """The document information (title, author, …) differs from what the certification
    signed (``/ModDate`` and ``/Producer`` aside: every writer touches those)."""
    structure: Structure
    """The cross-reference sections read before parsing."""

    @property
    def empty_fields(self) -> tuple[str, ...]:
        """Names of the fields still waiting for a signer."""
        return tuple(f.name for f in self.fields if f.signer_sha256 is None)

    @property
    def appended(self) -> bool:
        """Anything after the last signature that Qujat would not have added."""
        return bool(self.trailing_bytes or self.foreign_revisions)


def inspect_pdf(data: bytes, issuer_sha256: Collection[str]) -> Inspection:
    """The facts of :class:`Inspection` for ``data``; the issuer is pinned by ``issuer_sha256``
    (SHA-256 of the DER of every configured issuer certificate, current and past).

    :class:`~forms.errors.VerificationError` (or :class:`~verify.errors.PdfTooComplex`)
    when the file cannot be read, whatever the parser tripped on; callers run this in a
    bounded worker.
    """
    try:
        return _inspect(data, issuer_sha256)
    except QujatError:
        raise
    except (RecursionError, MemoryError):
        raise PdfTooComplex("The PDF could not be checked: it is too complex") from None
    except Exception as exc:  # hostile input may trip any parser path
        raise VerificationError(f"The PDF cannot be read ({type(exc).__name__})") from None


def _inspect(data: bytes, issuer_sha256: Collection[str]) -> Inspection:
    structure = check_structure(data)
    reader = PdfFileReader(BytesIO(data), strict=False)
    if reader.encrypted:
        raise VerificationError("The PDF is encrypted; Qujat documents never are")
    signatures = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    certification = _certification(reader, signatures)
    facts = [_fact(sig, sig is certification) for sig in signatures]
    facts += [
        FieldFact(name=str(name), signer_sha256=None)
        for name, value, _ref in enumerate_sig_fields(reader, filled_status=False)
        if value is None
    ]
    counts: dict[str, int] = {}
    for fact in facts:
        if fact.signer_sha256 is not None and not fact.timestamp:
            counts[fact.signer_sha256] = counts.get(fact.signer_sha256, 0) + 1
    certifier = certificate_sha256(certification.signer_cert) if certification else None
    base = certification.signed_revision if certification else None
    last = signatures[-1].signed_revision if signatures else None
    return Inspection(
        fields=tuple(facts),
        certifier_sha256=certifier,
        certified_by_issuer=bool(
            certification is not None
            and certifier in issuer_sha256
            and certification is signatures[0]
        ),
        repeated_signers=tuple(sorted(h for h, n in counts.items() if n > 1)),
        trailing_bytes=_trailing(data, structure, reader, signatures),
        foreign_revisions=_foreign_revisions(reader, last) if last is not None else (),
        metadata_changed=base is not None and _xmp(reader, base) != _xmp(reader, None),
        info_changed=base is not None and _info(reader, base) != _info(reader, None),
        structure=structure,
    )


def _trailing(
    data: bytes, structure: Structure, reader: PdfFileReader, signatures: list[EmbeddedPdfSignature]
) -> int:
    """Bytes past the end of the newest revision a reader sees, and, when the last
    signature's revision is the newest, past that signature's ``/ByteRange``.

    The newest revision ends at the first ``%%EOF`` after its cross-reference section: a
    second ``startxref`` appended later that points back at it adds no revision, and
    whatever lies before that second marker counts as appended.
    """
    ends = [structure.sections[0].end]
    if signatures and signatures[-1].signed_revision == reader.xrefs.total_revisions - 1:
        byte_range = [int(v) for v in signatures[-1].byte_range]
        if len(byte_range) == 4:
            ends.append(byte_range[2] + byte_range[3])
    return max(len(data[end:].rstrip(_WHITESPACE)) for end in ends)


def _certification(
    reader: PdfFileReader, signatures: list[EmbeddedPdfSignature]
) -> EmbeddedPdfSignature | None:
    """The signature the catalog's ``/Perms /DocMDP`` names (the PDF's one certification)."""
    perms = reader.root.get("/Perms")
    if not isinstance(perms, generic.DictionaryObject) or "/DocMDP" not in perms:
        return None
    target = perms.raw_get("/DocMDP")
    if not isinstance(target, generic.IndirectObject):
        return None
    for sig in signatures:
        ref = sig.sig_field.raw_get("/V")
        if isinstance(ref, generic.IndirectObject) and ref.reference == target.reference:
            return sig
    return None


def _fact(sig: EmbeddedPdfSignature, certification: bool) -> FieldFact:
    cert = sig.signer_cert
    subject = cert.subject.native
    return FieldFact(
        name=str(sig.field_name),
        signer_sha256=certificate_sha256(cert),
        signer_name=_str(subject.get("common_name")),
        signer_serial=_str(subject.get("serial_number")),
        timestamp=sig.sig_object_type == "/DocTimeStamp",
        certification=certification,
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _foreign_revisions(reader: PdfFileReader, last_signed: int) -> tuple[int, ...]:
    """Revisions after ``last_signed`` that are not a pure validation-data (DSS) update."""
    return tuple(
        revision
        for revision in range(last_signed + 1, reader.xrefs.total_revisions)
        if not _is_dss_revision(reader, revision)
    )


def _is_dss_revision(reader: PdfFileReader, revision: int) -> bool:
    """Only the catalog (its /DSS, /Extensions), the DSS and what it holds were written."""
    now = reader.get_historical_resolver(revision)
    before = reader.get_historical_resolver(revision - 1)
    root_ref = now.trailer_view.raw_get("/Root")
    if not isinstance(root_ref, generic.IndirectObject):
        return False
    root = _resolve(now, root_ref)
    old_root = _resolve(before, _raw(before.trailer_view, "/Root"))
    if not isinstance(root, generic.DictionaryObject) or not isinstance(
        old_root, generic.DictionaryObject
    ):
        return False
    for key in set(root.keys()) | set(old_root.keys()):
        if key not in _DSS_CATALOG_KEYS and _raw(root, key) != _raw(old_root, key):
            return False
    allowed = {root_ref.reference} | _reachable(_raw(root, "/DSS"), now)
    # every pyHanko save rewrites the XMP stream and /Info (dates, producer): their content
    # is judged by ``metadata_changed`` and ``info_changed``, not here
    for rewritten in (_raw(root, "/Metadata"), _raw(now.trailer_view, "/Info")):
        if isinstance(rewritten, generic.IndirectObject):
            allowed.add(rewritten.reference)
    written = reader.xrefs.explicit_refs_in_revision(revision)
    return all(ref in allowed or _is_xref_stream(reader, ref) for ref in written)


def _raw(container: generic.DictionaryObject, key: str) -> object:
    return container.raw_get(key) if key in container else None


def _reachable(start: object, handler: PdfHandler) -> set[generic.Reference]:
    """Every indirect object reachable from ``start`` (bounded: a DSS is a few hundred)."""
    seen: set[generic.Reference] = set()
    stack: list[object] = [start]
    while stack and len(seen) < _MAX_DSS_OBJECTS:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            if item.reference in seen:
                continue
            seen.add(item.reference)
            stack.append(handler.get_object(item.reference))
        elif isinstance(item, generic.DictionaryObject):  # streams included
            stack.extend(item.raw_get(k) for k in item)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item.raw_get(i) for i in range(len(item)))
    return seen


def _is_xref_stream(reader: PdfFileReader, ref: generic.Reference) -> bool:
    obj = reader.get_object(ref)  # type: ignore[no-untyped-call]
    return isinstance(obj, generic.StreamObject) and obj.get("/Type") == "/XRef"


def _handler(reader: PdfFileReader, revision: int | None) -> PdfHandler:
    return reader if revision is None else reader.get_historical_resolver(revision)


def _resolve(handler: PdfHandler, value: object) -> object:
    """``value`` as ``handler`` sees it: an indirect object read *at that revision*.

    (``IndirectObject.get_object`` reads the newest version, whatever view it came from.)
    """
    if isinstance(value, generic.IndirectObject):
        return handler.get_object(value.reference)
    return value


def _xmp(reader: PdfFileReader, revision: int | None) -> dict[str, tuple[str, ...]] | None:
    """What the XMP says a viewer should show (title, creator, …); ``None``: no XMP."""
    raw = _xmp_bytes(reader, revision)
    return None if raw is None else _shown_properties(raw)


def _shown_properties(raw: bytes) -> dict[str, tuple[str, ...]]:
    """The watched XMP properties, whether written as elements or as attributes.

    pyHanko re-serialises the packet on every save (new layout, new ``ModifyDate``), so
    the bytes differ after every countersignature; what a person is shown must not.
    """
    try:
        root = ElementTree.fromstring(raw.strip(b"\x00 \t\r\n"))
    except ElementTree.ParseError:
        return {"unreadable": (hashlib.sha256(raw).hexdigest(),)}
    found: dict[str, list[str]] = {}
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in _SHOWN_XMP:
                found.setdefault(_SHOWN_XMP[name], []).append(value.strip())
        if element.tag in _SHOWN_XMP:
            texts = [t.strip() for t in element.itertext() if t.strip()]
            found.setdefault(_SHOWN_XMP[element.tag], []).extend(texts)
    return {key: tuple(sorted(values)) for key, values in found.items()}


def _xmp_bytes(reader: PdfFileReader, revision: int | None) -> bytes | None:
    handler = _handler(reader, revision)
    root = _resolve(handler, _raw(handler.trailer_view, "/Root"))
    if not isinstance(root, generic.DictionaryObject):
        return None
    metadata = _resolve(handler, _raw(root, "/Metadata"))
    return metadata.data if isinstance(metadata, generic.StreamObject) else None


def _info(reader: PdfFileReader, revision: int | None) -> dict[str, str]:
    handler = _handler(reader, revision)
    info = _resolve(handler, _raw(handler.trailer_view, "/Info"))
    if not isinstance(info, generic.DictionaryObject):
        return {}
    return {
        str(k): str(_resolve(handler, info.raw_get(k))) for k in info if k not in _WRITER_INFO_KEYS
    }
