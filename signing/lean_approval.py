"""A countersignature (approval signature) into an existing empty field, written by the lean
path of :mod:`signing.lean`: the field gets its ``/V``, a signature dictionary is added, one
xref section and trailer are appended. Nothing else changes (the certification's DocMDP
P=2 allows exactly this).

It reads the file's chain of classic xref tables (Typst's, ours, and pyHanko's DSS and
document-timestamp revisions are all of that kind). Anything else — an xref stream, a field
with seed values or a lock, a field split from its widget, a name it cannot match, a
signature that also embeds validation data — gets ``None`` and goes through pyHanko.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pyhanko.sign.timestamps import TimeStamper

from signing._signer import CachingSigner
from signing.gost.cms import GostSigner
from signing.lean import (
    _BYTE_RANGE,
    _Layout,
    _pdf_string,
    _ref,
    _Shape,
    signature_room,
    write_update,
)

__all__ = ["lean_approve"]


def _empty_field(pdf: bytes, layout: _Layout, name: str) -> tuple[int, bytes]:
    """The object number and dictionary of the unsigned signature field ``name``."""
    form = re.search(rb"/AcroForm\s+(\d+)\s+0\s+R", layout.catalog)
    if form is None:
        raise _Shape("acroform")
    fields = re.search(rb"/Fields\s*\[([^\]]*)\]", layout.body(pdf, int(form.group(1))))
    if fields is None:
        raise _Shape("fields")
    wanted = re.compile(rb"/T\s*" + re.escape(_pdf_string(name)) + rb"(?=[\s/>])")
    for number in (int(n) for n in re.findall(rb"(\d+)\s+0\s+R", fields.group(1))):
        body = layout.body(pdf, number)
        if wanted.search(body) is None:
            continue
        if (
            re.search(rb"/FT\s*/Sig(?![a-zA-Z])", body) is None
            or re.search(rb"/V\s*\d+\s+0\s+R", body)
            or any(k in body for k in (b"/SV", b"/Lock", b"/Kids"))
        ):
            raise _Shape("field")
        return number, body
    raise _Shape("no such field")


async def lean_approve(
    pdf: bytes,
    signer: object,
    field_name: str,
    *,
    reason: str | None,
    timestamper: TimeStamper | None,
    now: datetime,
) -> bytes | None:
    """Sign the empty field ``field_name`` of ``pdf``; ``None`` if the file, the field or
    the key is not of the shape this writer handles (then pyHanko signs)."""
    room = signature_room(signer, timestamper)
    if room is None or not isinstance(signer, CachingSigner | GostSigner):
        return None
    try:
        layout = _Layout(pdf, fresh=False)
        field, body = _empty_field(pdf, layout, field_name)
        _ref(body, b"P")  # a merged field and widget on a page, as Qujat makes them
    except (_Shape, ValueError, IndexError):
        return None
    sig = layout.size
    moment = now.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ").encode("ascii")
    reason_entry = b"" if reason is None else b"/Reason" + _pdf_string(reason)
    objects = {
        field: body[:-2] + b"/V %d 0 R>>" % sig,
        sig: b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M(" + moment
        + b")" + reason_entry + _BYTE_RANGE + b"/Contents<" + b"0" * room + b">>>",
    }  # fmt: skip
    return await write_update(pdf, layout, objects, sig, room, signer, timestamper, now)
