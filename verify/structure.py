"""How big a PDF says it is, read from its cross-reference sections before any parser runs.

A cross-reference table of millions of rows, or an xref stream whose ``/Index`` declares
fifty million objects, costs a parser seconds and hundreds of MB before a single signature
is seen. So the sections are read here first, the way a PDF reader finds them: from the
last ``startxref``, each classic ``xref`` table (subsection headers ``start count``) or
``/Type /XRef`` stream (its ``/Size``, ``/Index`` and ``/W``), then its trailer's ``/Prev``
(and a hybrid file's ``/XRefStm``), a bounded number of times. Only those dictionaries are
tokenised; nothing else in the file is searched, so a ``/Size`` inside an embedded file's
``/Params`` (a ``case.json`` of 700 rows says ``/Size 213064``) counts for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from forms.errors import VerificationError
from verify.errors import PdfTooComplex

__all__ = ["MAX_OBJECTS", "MAX_SECTIONS", "Section", "Structure", "check_structure"]

MAX_OBJECTS = 200_000
"""Most objects a PDF may declare: a 1,000-row Qujat protocol has about 7,000."""
MAX_SECTIONS = 256
"""Most cross-reference sections (revisions, plus a hybrid file's streams) followed."""
_MAX_DICT_BYTES = 64 * 1024
_MAX_DEPTH = 32
_TAIL = 2048  # where ``startxref`` must be: near the end, as readers look for it
_WHITESPACE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_OBJ_HEADER = re.compile(rb"\s*(\d{1,10})\s+(\d{1,5})\s+obj")
_SUBSECTION = re.compile(rb"(\d{1,10})[ \t]+(\d{1,10})[ \t]*(?:\r\n|\r|\n)")

PdfValue = Union[
    int, float, str, bytes, bool, None, "Name", "Ref", list["PdfValue"], dict[str, "PdfValue"]
]


class Name(str):
    """A PDF name, without its slash."""


@dataclass(frozen=True)
class Ref:
    """An indirect reference ``number generation R``."""

    number: int
    generation: int


@dataclass(frozen=True)
class Section:
    """One cross-reference section (a classic table or an xref stream)."""

    offset: int
    """Where the section starts (its ``xref`` keyword or its stream's object header)."""
    stream: bool
    """A ``/Type /XRef`` stream rather than a classic table."""
    entries: int
    """Rows the section declares."""
    highest: int
    """One past the highest object number the section declares (or its ``/Size``)."""
    end: int
    """Offset just past this revision's ``%%EOF`` marker (its end of line included)."""


@dataclass(frozen=True)
class Structure:
    """What the cross-reference sections declare; newest section first."""

    sections: tuple[Section, ...]
    """Every section followed, in the order a reader meets them (newest first)."""
    size: int
    """The largest object count declared (``/Size`` or highest object number)."""
    eof: int
    """Offset just past the file's last ``%%EOF`` (and its end of line)."""


def check_structure(
    data: bytes, *, max_objects: int = MAX_OBJECTS, max_sections: int = MAX_SECTIONS
) -> Structure:
    """Read the cross-reference sections; :class:`PdfTooComplex` past the bounds.

    :class:`~forms.errors.VerificationError` when the sections cannot be found at all: a
    file whose ``startxref`` leads nowhere is not a PDF anyone can check.
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise VerificationError("The file is not a PDF")
    marker = data.rfind(b"startxref", max(0, len(data) - _TAIL))
    if marker < 0:
        raise VerificationError("The PDF has no cross-reference pointer (startxref)")
    match = re.compile(rb"startxref\s+(\d{1,12})").match(data, marker)
    if match is None:
        raise VerificationError("The PDF's startxref is not followed by an offset")
    eof = _eof_after(data, match.end())
    pending: list[int] = [int(match.group(1))]
    seen: set[int] = set()
    sections: list[Section] = []
    total = 0
    while pending:
        offset = _locate(data, pending.pop(0))
        if offset in seen:
            continue  # a /Prev loop: a reader stops here too
        seen.add(offset)
        if len(sections) >= max_sections:
            raise PdfTooComplex(f"The PDF has more than {max_sections} cross-reference sections")
        section, trailer = _read_section(data, offset, max_objects)
        sections.append(section)
        total += section.entries
        if total > 2 * max_objects:
            raise PdfTooComplex(
                f"The PDF's cross-reference sections declare {total} entries in all"
            )
        for key in ("XRefStm", "Prev"):
            value = trailer.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                if not 0 <= value < len(data):
                    raise VerificationError(f"The PDF's /{key} points outside the file")
                pending.append(value)
    size = max(s.highest for s in sections)
    return Structure(sections=tuple(sections), size=size, eof=eof)


def _locate(data: bytes, offset: int) -> int:
    """The section at ``offset``, or a few bytes off it (off-by-one writers exist)."""
    if not 0 <= offset < len(data):
        raise VerificationError("The PDF's startxref points outside the file")
    for candidate in sorted(range(max(0, offset - 10), min(len(data), offset + 11)),
                            key=lambda c: abs(c - offset)):  # fmt: skip
        start = _skip_ws(data, candidate)
        if data.startswith(b"xref", start) or _OBJ_HEADER.match(data, start):
            return start
    raise VerificationError("The PDF's cross-reference section cannot be found")


def _read_section(
    data: bytes, offset: int, max_objects: int
) -> tuple[Section, dict[str, PdfValue]]:
    if data.startswith(b"xref", offset):
        return _read_table(data, offset, max_objects)
    return _read_stream(data, offset, max_objects)


def _read_table(data: bytes, offset: int, max_objects: int) -> tuple[Section, dict[str, PdfValue]]:
    pos = _skip_ws(data, offset + 4)
    entries, highest = 0, 0
    while not data.startswith(b"trailer", pos):
        match = _SUBSECTION.match(data, pos)
        if match is None:
            raise VerificationError(f"The PDF's cross-reference table at {offset} is malformed")
        start, count = int(match.group(1)), int(match.group(2))
        if start + count > max_objects:
            raise PdfTooComplex(f"The PDF declares {start + count} objects (at most {max_objects})")
        entries += count
        highest = max(highest, start + count)
        pos = _after_rows(data, match.end(), count)
    trailer, after = _parse_object(data, _skip_ws(data, pos + 7), 0)
    if not isinstance(trailer, dict):
        raise VerificationError(f"The PDF's trailer at {pos} is not a dictionary")
    highest = max(highest, _declared_size(trailer, max_objects))
    return Section(offset, False, entries, highest, _eof_after(data, after)), trailer


def _after_rows(data: bytes, start: int, count: int) -> int:
    """Past ``count`` rows: 20 bytes each, as the standard says, or 19 or 21 as some
    writers make them (the next subsection or ``trailer`` tells which)."""
    for width in (20, 19, 21):
        pos = start + width * count
        if pos > len(data):
            continue
        pos = _skip_ws(data, pos)
        if data.startswith(b"trailer", pos) or _SUBSECTION.match(data, pos):
            return pos
    raise VerificationError("The PDF's cross-reference table is malformed or runs past the file")


def _read_stream(data: bytes, offset: int, max_objects: int) -> tuple[Section, dict[str, PdfValue]]:
    header = _OBJ_HEADER.match(data, offset)
    assert header is not None  # _locate found it
    stream_dict, after = _parse_object(data, header.end(), 0)
    if not isinstance(stream_dict, dict) or stream_dict.get("Type") != "XRef":
        raise VerificationError(f"The object at {offset} is not a cross-reference stream")
    size = _declared_size(stream_dict, max_objects)
    index = _ints(stream_dict.get("Index", [0, size]))
    widths = _ints(stream_dict.get("W"))
    if index is None or len(index) % 2 or any(v < 0 for v in index):
        raise VerificationError("The PDF's cross-reference stream has a malformed /Index")
    if widths is None or len(widths) != 3 or any(not 0 <= w <= 8 for w in widths):
        raise VerificationError("The PDF's cross-reference stream has a malformed /W")
    pairs = [(index[i], index[i + 1]) for i in range(0, len(index), 2)]
    entries, highest = 0, size
    for start, count in pairs:
        if start + count > max_objects:
            raise PdfTooComplex(f"The PDF declares {start + count} objects (at most {max_objects})")
        entries += count
        highest = max(highest, start + count)
    length = stream_dict.get("Length")
    if isinstance(length, int) and not 0 <= length <= len(data):
        raise VerificationError("The PDF's cross-reference stream is longer than the file")
    return Section(offset, True, entries, highest, _eof_after(data, after)), stream_dict


def _declared_size(trailer: dict[str, PdfValue], max_objects: int) -> int:
    size = trailer.get("Size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise VerificationError("The PDF's trailer has no valid /Size")
    if size > max_objects:
        raise PdfTooComplex(f"The PDF declares {size} objects (at most {max_objects})")
    return size


def _ints(value: PdfValue) -> list[int] | None:
    """``value`` as a list of integers, or ``None`` if it is anything else."""
    if not isinstance(value, list):
        return None
    out = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return out if len(out) == len(value) else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _eof_after(data: bytes, pos: int) -> int:
    """Just past the first ``%%EOF`` at or after ``pos`` (with its end of line)."""
    found = data.find(b"%%EOF", pos)
    if found < 0:
        return len(data)
    end = found + 5
    if data[end : end + 2] == b"\r\n":
        return end + 2
    return end + 1 if data[end : end + 1] in (b"\n", b"\r") else end


def _skip_ws(data: bytes, pos: int) -> int:
    while pos < len(data):
        if data[pos] in _WHITESPACE:
            pos += 1
        elif data[pos] == 0x25 and not data.startswith(b"%%EOF", pos):  # a comment
            newline = re.compile(rb"[\r\n]").search(data, pos)
            pos = newline.end() if newline else len(data)
        else:
            break
    return pos


def _parse_object(data: bytes, pos: int, depth: int) -> tuple[PdfValue, int]:
    """One PDF object starting at ``pos`` (after whitespace); its value and where it ends.

    Only what trailers and xref stream dictionaries hold is understood; the bound on depth
    and on the bytes read keeps a hostile trailer from costing more than a glance.
    """
    if depth > _MAX_DEPTH:
        raise PdfTooComplex("The PDF's trailer is nested too deeply")
    pos = _skip_ws(data, pos)
    if pos >= len(data):
        raise VerificationError("The PDF ends inside its trailer")
    if data.startswith(b"<<", pos):
        return _parse_dict(data, pos + 2, depth)
    char = data[pos : pos + 1]
    if char == b"[":
        items: list[PdfValue] = []
        pos += 1
        while True:
            pos = _skip_ws(data, pos)
            if data[pos : pos + 1] == b"]":
                return _collapse_refs(items), pos + 1
            value, pos = _parse_object(data, pos, depth + 1)
            items.append(value)
            _check_budget(len(items))
    if char == b"/":
        end = _token_end(data, pos + 1)
        return Name(data[pos + 1 : end].decode("latin-1")), end
    if char == b"(":
        return _parse_literal(data, pos)
    if char == b"<":
        end = data.find(b">", pos)
        if end < 0 or end - pos > _MAX_DICT_BYTES:
            raise VerificationError("The PDF's trailer has an unterminated hex string")
        return data[pos + 1 : end], end + 1
    end = _token_end(data, pos)
    if end == pos:
        raise VerificationError(f"The PDF's trailer has an unexpected {char!r} at {pos}")
    token = data[pos:end]
    if token in (b"true", b"false"):
        return token == b"true", end
    if token == b"null":
        return None, end
    if token == b"R":
        return Name("R"), end  # folded into a Ref by the caller
    try:
        return (float(token) if b"." in token else int(token)), end
    except ValueError:
        raise VerificationError(f"The PDF's trailer has an unexpected {token[:20]!r}") from None


def _parse_dict(data: bytes, pos: int, depth: int) -> tuple[dict[str, PdfValue], int]:
    start, result = pos, dict[str, PdfValue]()
    while True:
        pos = _skip_ws(data, pos)
        if pos - start > _MAX_DICT_BYTES:
            raise PdfTooComplex("The PDF's trailer dictionary is too large")
        if data.startswith(b">>", pos):
            return result, pos + 2
        key, pos = _parse_object(data, pos, depth + 1)
        if not isinstance(key, Name):
            raise VerificationError("The PDF's trailer has a key that is not a name")
        values: list[PdfValue] = []
        value, pos = _parse_object(data, pos, depth + 1)
        values.append(value)
        # ``n g R``: two integers and the keyword
        after = _skip_ws(data, pos)
        if _is_int(value) and data[after : after + 1].isdigit():
            second, end = _parse_object(data, after, depth + 1)
            keyword_at = _skip_ws(data, end)
            if _is_int(second) and data[keyword_at : keyword_at + 1] == b"R":
                assert isinstance(value, int) and isinstance(second, int)
                value, pos = Ref(value, second), keyword_at + 1
        result[str(key)] = value
        _check_budget(len(result))


def _collapse_refs(items: list[PdfValue]) -> list[PdfValue]:
    out: list[PdfValue] = []
    for item in items:
        if item == "R" and isinstance(item, Name) and len(out) >= 2:
            generation, number = out.pop(), out.pop()
            if isinstance(number, int) and isinstance(generation, int):
                out.append(Ref(number, generation))
                continue
            out.extend([number, generation])
        out.append(item)
    return out


def _parse_literal(data: bytes, pos: int) -> tuple[bytes, int]:
    depth, i = 0, pos
    limit = min(len(data), pos + _MAX_DICT_BYTES)
    while i < limit:
        byte = data[i]
        if byte == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return data[pos + 1 : i], i + 1
        i += 1
    raise VerificationError("The PDF's trailer has an unterminated string")


def _token_end(data: bytes, pos: int) -> int:
    end = pos
    while end < len(data) and data[end] not in _WHITESPACE and data[end] not in _DELIMITERS:
        end += 1
    return end


def _check_budget(count: int) -> None:
    if count > 4096:
        raise PdfTooComplex("The PDF's trailer has too many entries")
