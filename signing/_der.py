"""Just enough DER to assemble CMS structures whose every part but a few is known in advance
(our own signatures and the development TSA's tokens): the fixed parts are dumped once by
asn1crypto, the per-signature values are spliced in here. asn1crypto reads everything back
(tests compare the two encodings)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = [
    "explicit",
    "implicit_set",
    "integer",
    "octets",
    "oid",
    "seq",
    "set_of",
    "tlv",
    "utc_time",
]


def tlv(tag: int, body: bytes) -> bytes:
    """One DER element: ``tag``, definite length, ``body``."""
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(size))) + size + body


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    """A DER SET OF: its elements in the order of their encodings (X.690 § 11.6)."""
    return tlv(0x31, b"".join(sorted(parts)))


def implicit_set(number: int, *parts: bytes) -> bytes:
    """``[number] IMPLICIT SET OF`` (constructed, context-specific), sorted as DER asks."""
    return tlv(0xA0 | number, b"".join(sorted(parts)))


def explicit(number: int, inner: bytes) -> bytes:
    return tlv(0xA0 | number, inner)


def integer(value: int) -> bytes:
    """A non-negative INTEGER."""
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return tlv(0x02, body)


def octets(value: bytes) -> bytes:
    return tlv(0x04, value)


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def utc_time(moment: datetime) -> bytes:
    """UTCTime (whole seconds, ``Z``), as CMS signing-time uses it for years 1950–2049."""
    return tlv(0x17, moment.astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode("ascii"))
