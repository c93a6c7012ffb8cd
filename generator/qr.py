"""The QR code that opens the verification page, as a small vector SVG."""

from __future__ import annotations

from typing import Any

import segno
from segno import consts

__all__ = ["qr_svg"]

_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def _segments(payload: str) -> Any:
    """A URL with an upper-case fragment (the offline token) as two segments.

    segno encodes a string in one mode, and a lower-case URL forces byte mode (8 bits a
    character). The token after ``#`` is all QR-alphanumeric (5.5 bits a character), so
    coding it as its own segment takes the symbol from version 17 to 13 at level M.
    (segno's type hints omit it, but ``make`` takes a list of (content, mode) segments.)
    """
    head, sep, fragment = payload.partition("#")
    if sep and len(fragment) > 20 and set(fragment) <= _ALPHANUMERIC:
        return [(head + sep, consts.MODE_BYTE), (fragment, consts.MODE_ALPHANUMERIC)]
    return payload


def qr_svg(payload: str, *, error: str = "m", border: int = 2, mask: int | None = 2) -> bytes:
    """An SVG drawing the QR symbol of ``payload`` as one path of horizontal runs.

    segno encodes; we draw, because a path of runs is the smallest vector form Typst can
    place. The mask is fixed by default: scoring all eight masks is 80 % of segno's time
    (3.2 ms against 0.65 ms) and any mask decodes; the tests decode the printed code with
    zbarimg. Pass ``mask=None`` to let segno choose.
    """
    qr = segno.make(_segments(payload), error=error, micro=False, boost_error=False, mask=mask)
    rows = qr.matrix
    size = len(rows) + 2 * border
    parts: list[str] = []
    for y, row in enumerate(rows, start=border):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                parts.append(f"M{start + border} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    path = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    ).encode("ascii")
