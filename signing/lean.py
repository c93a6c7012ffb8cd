"""The issuer's certification of a fresh Typst PDF, written by a lean path of our own.

pyHanko's writer parses the whole file, rewrites the XMP metadata and the document info,
and assembles the CMS object through asn1crypto: most of a certification's time. Our
documents leave Typst with one fixed layout (one classic xref table, no /Prev, a catalog
without /AcroForm or /Perms, a flat page tree), so the incremental update can be written
directly: the last page with the new widgets in ``/Annots``, the catalog with ``/AcroForm``,
``/Perms`` (DocMDP P=2) and the ISO 32002 extension pyHanko declares, the empty fields, the
signature field, the signature dictionary, an xref section and trailer; then the byte range
is hashed and the CMS (CAdES-detached: content-type, message-digest, signing-certificate-v2;
the signature timestamp as an unsigned attribute) is assembled from parts made once.

The metadata is left as Typst wrote it (PDF/A only asks the document info and the XMP to
agree, and neither changes). Anything of another shape (a file signed already, an xref
stream, a visible field, a key that is not a :class:`signing._signer.CachingSigner`) gets
``None`` and goes through pyHanko as before. Tests check every form's output with pyHanko's
validator and poppler's ``pdfsig``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.signers import Signer
from pyhanko.sign.timestamps import TimeStamper

from signing._signer import CachingSigner
from signing.gost.cms import GostSigner
from signing.lean_cms import gost_cms, gost_timestamped, pades_cms

__all__ = ["lean_certify", "reserve", "write_update"]

_OBJ = rb"(?:^|[\r\n])%d 0 obj\s*(<<.*?>>)\s*endobj"
_REF = re.compile(rb"/%s\s+(\d+)\s+0\s+R")
_EXTENSIONS = (
    b"/Extensions<</ESIC<</Type/DeveloperExtensions/BaseVersion/1.7/ExtensionLevel 1>>"
    b"/ISO_[<</Type/DeveloperExtensions/BaseVersion/2.0/ExtensionLevel 32002"
    b"/URL(https://www.iso.org/standard/45875.html)/ExtensionRevision(:2022)>>]>>"
)
_WIDGET = b"<</FT/Sig/T %s/Type/Annot/Subtype/Widget/F 132/Rect[0 0 0 0]/P %d 0 R%s>>"
_BYTE_RANGE = b"/ByteRange[0 0000000000 0000000000 0000000000]"
_GOST_ROOM = 2 * 16384
"""Hex characters for a GOST CMS: what :func:`signing.gost.pdf.async_sign_pdf` reserves."""


class _Shape(Exception):
    """The file is not of the layout this writer handles."""


def _ref(body: bytes, key: bytes) -> int:
    found = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
    if found is None:
        raise _Shape(key)
    return int(found.group(1))


def _pdf_string(text: str) -> bytes:
    """A PDF text string: literal if printable ASCII, else UTF-16BE with its BOM, in hex."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class _Layout:
    """What the update needs of the original file, read from its one xref table."""

    def __init__(self, pdf: bytes, *, fresh: bool) -> None:
        start = pdf.rfind(b"startxref")
        if start < 0:
            raise _Shape("startxref")
        self.startxref = int(pdf[start + 9 :].split()[0])
        self.offsets: dict[int, int | None] = {}
        at, latest, sections = self.startxref, b"", 0
        while True:
            if not pdf.startswith(b"xref", at) or sections > 64:
                raise _Shape("xref stream")
            trailer_at = pdf.find(b"trailer", at)
            end = pdf.find(b"startxref", trailer_at)
            if trailer_at < 0 or end < 0:
                raise _Shape("trailer")
            trailer = pdf[trailer_at:end]
            latest = latest or trailer
            for number, offset in self._xref(pdf[at + 4 : trailer_at]).items():
                self.offsets.setdefault(number, offset)  # the newest section wins
            sections += 1
            prev = re.search(rb"/Prev\s+(\d+)", trailer)
            if prev is None:
                break
            if fresh:
                raise _Shape("not a fresh file")
            at = int(prev.group(1))
        if b"/Encrypt" in latest:
            raise _Shape("encrypted")
        size = re.search(rb"/Size\s+(\d+)", latest)
        ids = re.search(rb"/ID\s*\[\s*(<[0-9A-Fa-f]*>|\((?:[^()\\]|\\.)*\))", latest)
        if size is None or ids is None:
            raise _Shape("trailer keys")
        self.size = int(size.group(1))
        self.first_id = ids.group(1)
        self.root = _ref(latest, b"Root")
        self.info = _ref(latest, b"Info")
        self.catalog = self.body(pdf, self.root)

    def last_page(self, pdf: bytes) -> None:
        """Find the last page of a fresh file (``page``, ``page_body``); checks the catalog
        has no form or permissions yet."""
        if any(k in self.catalog for k in (b"/AcroForm", b"/Perms", b"/Extensions")):
            raise _Shape("catalog")
        pages = self.body(pdf, _ref(self.catalog, b"Pages"))
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", pages)
        count = re.search(rb"/Count\s+(\d+)", pages)
        if kids is None or count is None:
            raise _Shape("pages")
        refs = [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", kids.group(1))]
        if len(refs) != int(count.group(1)):
            raise _Shape("nested page tree")
        self.page = refs[-1]
        self.page_body = self.body(pdf, self.page)
        if not re.search(rb"/Type\s*/Page(?![a-zA-Z])", self.page_body):
            raise _Shape("page")

    @staticmethod
    def _xref(table: bytes) -> dict[int, int | None]:
        offsets: dict[int, int | None] = {}
        lines = table.split()
        i = 0
        while i < len(lines):
            first, count = int(lines[i]), int(lines[i + 1])
            i += 2
            for n in range(count):
                offset, _gen, kind = lines[i : i + 3]
                offsets[first + n] = int(offset) if kind == b"n" else None
                i += 3
        return offsets

    def body(self, pdf: bytes, number: int) -> bytes:
        at = self.offsets.get(number)
        if at is None:
            raise _Shape(f"object {number}")
        found = re.compile(_OBJ % number, re.S).match(pdf, max(0, at - 1))
        if found is None:
            raise _Shape(f"object {number}")
        return found.group(1)


def _with_annots(page: bytes, refs: list[int]) -> bytes:
    new = b"".join(b"%d 0 R " % r for r in refs).strip()
    if b"/Annots" not in page:
        return page[:-2] + b"/Annots[" + new + b"]>>"
    inline = re.search(rb"/Annots\s*\[([^\]]*)\]", page)
    if inline is None:  # an indirect /Annots array: not ours to rewrite here
        raise _Shape("annots")
    return (
        page[: inline.start()]
        + b"/Annots["
        + inline.group(1)
        + b" "
        + new
        + b"]"
        + page[inline.end() :]
    )


# Room in /Contents beyond the certificates and the raw signature: attributes, algorithm
# identifiers, DER headers. Generous on purpose; unused room is zero bytes, not time.
_CMS_OVERHEAD = 2048


def reserve(signer: Signer, timestamper: TimeStamper | None) -> int | None:
    """Hex characters to reserve for the CMS object; ``None`` to let pyHanko measure it.

    With a timestamper, room for its token is reserved too rather than measured: pyHanko
    measures by asking the TSA for a sample token and making a dry-run signature, which
    doubles the TSA round trips of every signature."""
    cert = signer.signing_cert
    if cert is None:
        return None
    certs = {c.dump() for c in signer.cert_registry} | {cert.dump()}
    der = sum(len(c) for c in certs)
    der += 2 * (int(cert.public_key.bit_size) // 8) + _CMS_OVERHEAD
    if timestamper is not None:
        der += _token_room(timestamper)
    return 2 * der


# A token from a TSA we know nothing of: its certificate chain (up to three certificates of
# ~2 KB, RSA-4096 or GOST), TSTInfo, signed attributes and signature, with a margin.
_TOKEN_ROOM = 12_288


def _token_room(timestamper: TimeStamper) -> int:
    """Bytes a token of ``timestamper`` takes at most: exact for a responder whose
    certificates are in hand (the development TSA), else :data:`_TOKEN_ROOM`."""
    tsa_cert = getattr(timestamper, "tsa_cert", None)
    if tsa_cert is None:
        return _TOKEN_ROOM
    chain = getattr(timestamper, "certs_to_embed", None) or []
    certs = {c.dump() for c in chain} | {tsa_cert.dump()}
    return sum(len(c) for c in certs) + 2 * (int(tsa_cert.public_key.bit_size) // 8) + 1536


def _room(signer: CachingSigner, timestamper: TimeStamper | None) -> int:
    reserved = reserve(signer, timestamper)
    assert reserved is not None  # a CachingSigner always has its certificate
    return reserved


def signature_room(signer: object, timestamper: TimeStamper | None) -> int | None:
    """Hex characters to reserve for ``signer``'s CMS (and its token); ``None`` for a key
    the lean writers do not handle (RSA-PSS, a token, a remote signer: pyHanko signs)."""
    if isinstance(signer, GostSigner):
        return _GOST_ROOM + (2 * _token_room(timestamper) if timestamper is not None else 0)
    if not isinstance(signer, CachingSigner) or signer.prefer_pss:
        return None
    if not isinstance(signer._private_key, EllipticCurvePrivateKey | RSAPrivateKey):
        return None
    return _room(signer, timestamper)


async def lean_certify(
    pdf: bytes,
    signer: object,
    *,
    field_name: str,
    empty_fields: Sequence[str],
    reason: str | None,
    location: str | None,
    timestamper: TimeStamper | None,
    now: datetime,
) -> bytes | None:
    """Certify ``pdf`` (DocMDP P=2) with invisible fields ``field_name`` (signed) and
    ``empty_fields`` (left for countersigners); ``None`` if the file or the key is not of
    the shape this writer handles (then pyHanko's writer is used)."""
    if not pdf.rstrip().endswith(b"%%EOF"):
        return None
    room = signature_room(signer, timestamper)
    if room is None or not isinstance(signer, CachingSigner | GostSigner):
        return None
    try:
        layout = _Layout(pdf, fresh=True)
        layout.last_page(pdf)
        page_annots = _with_annots(layout.page_body, [])  # shape check before any work
    except (_Shape, ValueError, IndexError):
        return None
    del page_annots
    n = layout.size
    acroform, fields = n, list(range(n + 1, n + 2 + len(empty_fields)))
    sig_field, sig = fields[-1], n + 2 + len(empty_fields)
    names = [*empty_fields, field_name]
    moment = now.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ").encode("ascii")
    extra = b""
    if reason is not None:
        extra += b"/Reason" + _pdf_string(reason)
    if location is not None:
        extra += b"/Location" + _pdf_string(location)
    objects = {
        layout.page: _with_annots(layout.page_body, fields),
        layout.root: layout.catalog[:-2]
        + b"/AcroForm %d 0 R/Perms<</DocMDP %d 0 R>>" % (acroform, sig)
        + _EXTENSIONS
        + b">>",
        acroform: b"<</Fields[%s]/SigFlags 3>>" % b" ".join(b"%d 0 R" % f for f in fields),
        **{
            number: _WIDGET
            % (_pdf_string(name), layout.page, b"/V %d 0 R" % sig if number == sig_field else b"")
            for number, name in zip(fields, names, strict=True)
        },
        sig: b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M(" + moment + b")"
        + extra
        + b"/Reference[<</Type/SigRef/TransformMethod/DocMDP"
        b"/TransformParams<</Type/TransformParams/V/1.2/P 2>>>>]"
        + _BYTE_RANGE
        + b"/Contents<"
        + b"0" * room
        + b">>>",
    }  # fmt: skip
    return await write_update(pdf, layout, objects, sig, room, signer, timestamper, now)


async def write_update(
    pdf: bytes,
    layout: _Layout,
    objects: dict[int, bytes],
    sig: int,
    room: int,
    signer: CachingSigner | GostSigner,
    timestamper: TimeStamper | None,
    now: datetime,
) -> bytes | None:
    """Append ``objects`` as one revision (xref section, trailer), fill the byte range of
    the signature dictionary ``sig`` and sign it; ``None`` if the CMS outgrew ``room``."""
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f\r\n"
    numbers = sorted(offsets)
    run: list[int] = []
    for number in [*numbers, -1]:
        if run and number != run[-1] + 1:
            out += b"%d %d\n" % (run[0], len(run))
            out += b"".join(b"%010d 00000 n\r\n" % offsets[r] for r in run)
            run = []
        run.append(number)
    # the second ID names this revision: a digest of it (deterministic for the same input)
    second = hashlib.md5(out[len(pdf) :], usedforsecurity=False).hexdigest().encode("ascii")
    size = max(layout.size, max(objects) + 1)
    out += (
        b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R/ID[%s<%s>]/Prev %d>>\n"
        b"startxref\n%d\n%%%%EOF\n"
        % (size, layout.root, layout.info, layout.first_id, second, layout.startxref, xref_at)
    )
    contents = out.index(b"/Contents<", offsets[sig]) + len(b"/Contents")
    after = contents + room + 2
    byte_range = b"/ByteRange[0 %d %d %d]" % (contents, after, len(out) - after)
    at = out.index(_BYTE_RANGE, offsets[sig])
    out[at : at + len(_BYTE_RANGE)] = byte_range.ljust(len(_BYTE_RANGE))
    view = memoryview(out)
    try:
        if isinstance(signer, GostSigner):
            cms = await gost_cms(signer, view[:contents], view[after:], now)
            if timestamper is not None:  # B-T as on pyHanko's GOST path
                cms = await gost_timestamped(cms, timestamper)
        else:
            digest = hashlib.sha256(view[:contents])
            digest.update(view[after:])
            cms = await pades_cms(signer, digest.digest(), timestamper)
    finally:
        view.release()
    hexed = cms.hex().encode("ascii")
    if len(hexed) > room:
        return None  # larger than reserved (an unexpected TSA token): pyHanko measures it
    out[contents + 1 : contents + 1 + len(hexed)] = hexed
    return bytes(out)
