"""Faster readers for PDF names and bare tokens, installed into pyHanko's parser.

PyHanko reads a token (a name, a keyword, a number's digits) one byte at a time through a
generator, and decodes each name byte by byte through a ``BytesIO``; parsing a document's
dictionaries is mostly that. The upgrader's B-LTA step reads each file three times (once
per update it appends), and the verifier, the countersignature and the renewal read it too.

* :func:`read_until_class` is ``misc._read_until_class`` (what ``read_until_delimiter`` and
  ``read_until_whitespace`` call): the stream is read in growing slices and the first
  byte of the class found with a pattern; the result, the ``end`` flag and the stream's
  position are pyHanko's (after the class byte, or at the end, or ``maxchars`` on).
* :func:`read_name` is ``NameObject.read_from_stream``: a name of plain characters (no
  ``#`` escape, nothing outside ``!``…``~``) is taken as it is, the same ``NameObject``
  pyHanko's decoder makes of it; any other goes to pyHanko's decoder, so its escapes are
  expanded and its errors raised as they always were.

Installed when :mod:`signing` is imported, as :mod:`signing._hexstrings` is.
"""

from __future__ import annotations

import re
from typing import IO, Any

from pyhanko.pdf_utils import generic, misc

__all__ = ["install", "read_name", "read_until_class"]

_ORIGINAL_UNTIL = misc._read_until_class
_ORIGINAL_NAME = generic.NameObject.read_from_stream
_FIRST_SLICE = 64
_LAST_SLICE = 1 << 16

_PLAIN_NAME = re.compile(
    b"["
    + re.escape(bytes(c for c in range(0x21, 0x7F) if c != 0x23 and c not in misc.PDF_DELIMITERS))
    + b"]*"
)
"""A name's bytes that pyHanko's decoder copies as they are: printable ASCII, neither the
``#`` of an escape nor a delimiter."""

_CLASSES: dict[bytes, re.Pattern[bytes]] = {}


def _class(chars: bytes) -> re.Pattern[bytes]:
    pattern = _CLASSES.get(chars)
    if pattern is None:
        pattern = _CLASSES[chars] = re.compile(b"[" + re.escape(chars) + b"]")
    return pattern


def read_until_class(
    class_chars: bytes, stream: IO[bytes], maxchars: int | None = None
) -> tuple[bytes, bool]:
    """``misc._read_until_class``: the bytes before the first of ``class_chars`` (which is
    consumed), and whether the stream ended first; at most ``maxchars`` bytes."""
    if (maxchars is not None and maxchars <= 0) or not class_chars:
        return _ORIGINAL_UNTIL(class_chars, stream, maxchars=maxchars)  # type: ignore[no-any-return]
    pattern = _class(class_chars)
    start = stream.tell()
    parts: list[bytes] = []
    taken, size = 0, _FIRST_SLICE
    while True:
        if maxchars is not None:
            size = min(size, maxchars - taken)
            if size <= 0:
                return b"".join(parts), False
        chunk = stream.read(size)
        if not chunk:
            return b"".join(parts), True
        found = pattern.search(chunk)
        if found is not None:
            parts.append(chunk[: found.start()])
            stream.seek(start + taken + found.start() + 1)
            return b"".join(parts), False
        parts.append(chunk)
        taken += len(chunk)
        size = min(size * 2, _LAST_SLICE)


def read_name(stream: IO[bytes]) -> Any:
    """``NameObject.read_from_stream``, without the byte-by-byte decoder for a plain name."""
    if stream.read(1) != b"/":
        raise misc.PdfReadError("Name object should start with /")
    name_bytes = misc.read_until_delimiter(stream)
    if _PLAIN_NAME.fullmatch(name_bytes) is not None:
        return generic.NameObject("/" + name_bytes.decode("ascii"))
    return generic._decode_name(name_bytes)


def install() -> None:
    """Make pyHanko's parser use these readers (idempotent)."""
    misc._read_until_class = read_until_class
    generic.NameObject.read_from_stream = staticmethod(read_name)  # type: ignore[method-assign]
