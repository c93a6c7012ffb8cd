"""Hostile PDFs: each small on the wire, each built to exhaust a naive parser."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter


def _pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A classic PDF whose object ``i`` is ``objects[i - 1]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def deeply_nested(depth: int = 200_000) -> bytes:
    nested = b"[" * depth + b"]" * depth
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
                 b"<< /Type /Pages /Kids [] /Count 0 >>"])  # fmt: skip


def huge_xref(entries: int = 900_000) -> bytes:
    """A cross-reference table of ``entries`` rows (18 MB), every one a live object."""
    body = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    head, _, _ = body.partition(b"xref\n")
    xref = len(head)
    row = b"%010d 00000 n \n" % 15
    return head + (
        b"xref\n0 %d\n0000000000 65535 f \n" % entries
        + row * (entries - 1)
        + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (entries, xref)
    )


def flate_bomb(size: int = 2 * 1024 * 1024 * 1024, pad: int = 0) -> bytes:
    """The catalog inside an object stream that inflates to ``size`` bytes (~2 MB sent).

    ``pad`` bytes of comment make the file bigger, which raises pyHanko's own limit on
    decoded streams (a multiple of the file size), so the stream really is inflated.
    """
    comp = zlib.compressobj(9)
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    header = b"1 0 "
    parts = [comp.compress(header + catalog + b" ")]
    chunk = b" " * (1 << 20)
    for _ in range(size // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    data = b"".join(parts)
    stream = (b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
              % (len(header), len(data)) + data + b"\nendstream")  # fmt: skip
    objects = [b"null", b"<< /Type /Pages /Kids [] /Count 0 >>", stream]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + (b"%" + b"x" * pad + b"\n" if pad else b""))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    # a cross-reference stream saying: object 1 is entry 0 of object stream 3
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff",
            b"\x02" + (3).to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + offsets[1].to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + offsets[2].to_bytes(4, "big") + b"\x00\x00"]  # fmt: skip
    xref_data = b"".join(rows)
    xref = len(out)
    out += (b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (len(xref_data) + 7) + xref_data
            + b"\x01" + xref.to_bytes(4, "big") + b"\x00\x00\nendstream\nendobj\n")  # fmt: skip
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def xref_stream_index(count: int = 50_000_000) -> bytes:
    """A small, valid file whose xref stream's ``/Index`` declares ``count`` objects.

    Its ``/Size`` is honest (4): only the ``/Index`` says otherwise, which a check of
    ``/Size`` alone never sees.
    """
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    rows = b"\x00\x00\x00\x00\xff\xff"
    rows += b"".join(b"\x01" + o.to_bytes(4, "big") + b"\x00" for o in offsets)
    rows += b"\x01" + xref.to_bytes(4, "big") + b"\x00"
    out += (b"3 0 obj\n<< /Type /XRef /Size 4 /Index [0 %d] /W [1 4 1] /Root 1 0 R /Length %d >>"
            b"\nstream\n" % (count, len(rows)) + rows + b"\nendstream\nendobj\n")  # fmt: skip
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def prev_loop() -> bytes:
    """A classic file whose trailer's ``/Prev`` points back at its own table."""
    body = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    xref = body.index(b"xref\n")
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref)
