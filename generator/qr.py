"""The QR code that opens the verification page, as a small greyscale PNG."""

from __future__ import annotations

import struct
import zlib

import zint

__all__ = ["qr_png"]

_EC_LEVELS = {"L": 1, "M": 2, "Q": 3, "H": 4}  # zint's option_1 for QR
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NO_FILTER = b"\x00"
_LIGHT, _DARK = b"\xff", b"\x00"


def _expansions(scale: int) -> list[bytes]:
    """For each byte of zint's packed rows (module 0 in the lowest bit), its 8 modules as
    ``scale`` pixels each, dark 0x00, light 0xFF."""
    return [
        b"".join((_DARK if byte >> bit & 1 else _LIGHT) * scale for bit in range(8))
        for byte in range(256)
    ]


_EXPANDED = {1: _expansions(1), 2: _expansions(2)}


def qr_png(payload: str, *, error: str = "M", border: int = 2, scale: int = 2) -> bytes:
    """A greyscale PNG of the QR symbol of ``payload``, ``scale`` pixels per module, with a
    light margin of ``border`` modules; the template scales it up without smoothing.

    Encoded by zint (its C library) in its fast mode: the payload is split into segments
    by a quick heuristic rather than the optimal search, which already puts the lower-case
    URL in byte mode and the offline token after ``#`` in alphanumeric mode — the same
    symbol version as the optimal search for 300 payloads of our shape (version 13 instead
    of 17 for one byte-mode segment) — in 0.6 ms instead of 1.1 ms (zxing-cpp's writer,
    which runs zint's optimal search and then builds a reader's result: 1.2-1.4 ms). The
    mask is still chosen by the standard's penalty score over all eight.

    Why a PNG and not a vector drawing: Typst parses and converts a new SVG on every
    compile, and the symbol of a version-13 payload is ~700 runs of dark modules — a path
    of them cost about 3 ms more per document than this image (issue 17). Placed with
    ``scaling: "pixelated"`` (PDF ``/Interpolate false``, which PDF/A requires anyway) each
    module prints as a sharp square. Two pixels per module, not one: a rasteriser at a low
    resolution resamples the image, and at 150 dpi and below one pixel per module came out
    too uneven for zbar; two decode from 100 dpi up, where the vector path needed 120.
    Compression level 1: Typst re-encodes the image anyway, and level 9 took 1.5 ms.
    """
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = _EC_LEVELS[error]
    symbol.input_mode = zint.InputMode.UNICODE | zint.InputMode.FAST
    symbol.encode(payload.encode("utf-8"))
    modules = symbol.width
    data = symbol.encoded_data  # zint's module rows (200 × 144 bytes), bits packed low first
    packed, shape = data.tobytes(), data.shape
    assert shape is not None and symbol.rows == modules
    stride = shape[1]
    used = (modules + 7) // 8
    expand = _EXPANDED.get(scale) or _expansions(scale)
    pad = _LIGHT * (border * scale)
    size = (modules + 2 * border) * scale
    light_row = _NO_FILTER + _LIGHT * size
    rows = [light_row] * (border * scale)
    for y in range(symbol.rows):
        start = y * stride
        pixels = b"".join([expand[b] for b in packed[start : start + used]])
        rows += [_NO_FILTER + pad + pixels[: modules * scale] + pad] * scale
    rows += [light_row] * (border * scale)
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(b"".join(rows), 1)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
