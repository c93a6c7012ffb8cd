"""Render every form's example to ``previews/`` so a person can look at them all at once.

``make previews`` (``python -m bench.previews``) writes, for every form and language,
``<id>.<lang>.pdf``, ``<id>.<lang>.docx`` and ``<id>.<lang>.png`` (page 1, via poppler's
pdftoppm), then ``contact-sheet.png``: every page 1 at low resolution in a grid, each form's
kk and ru side by side, in catalogue order (``contact-sheet.txt`` names the cells). The sheet
is assembled with the standard library (PPM in, PNG out), so it needs no Pillow.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import zlib
from datetime import date
from pathlib import Path

from forms import all_forms
from forms.errors import QujatError
from generator import DocumentMeta, Renderer, render_docx

PREVIEW_ID = "previewpreviewpreviewpreview2345"
GAP = 8
"""Grey pixels between the contact sheet's cells."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("previews"), help="output folder")
    parser.add_argument("--dpi", type=int, default=80, help="resolution of each page-1 PNG")
    parser.add_argument("--sheet-dpi", type=int, default=30, help="resolution on the sheet")
    parser.add_argument("--columns", type=int, default=8, help="pages per row on the sheet")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    renderer = Renderer()
    meta = DocumentMeta(
        id=PREVIEW_ID,
        verify_url=f"https://qujat.example.kz/v/{PREVIEW_ID}",
        issuer="Qujat preview",
        issued_on=date(2025, 6, 27),
    )
    pdfs: list[Path] = []
    failed = 0
    for spec in all_forms():
        for lang in spec.languages:
            name = f"{spec.id}.{lang}"
            try:
                case = spec.validate(spec.example)
                pdf = renderer.render(spec, lang, case, meta)
                docx = render_docx(renderer, spec, lang, case, meta)
            except QujatError as exc:
                failed += 1
                print(f"{name}: FAILED: {exc}", file=sys.stderr)
                continue
            (args.out / f"{name}.pdf").write_bytes(pdf)
            (args.out / f"{name}.docx").write_bytes(docx)
            _pdftoppm(args.out / f"{name}.pdf", args.out / name, args.dpi, png=True)
            pdfs.append(args.out / f"{name}.pdf")
            print(f"{name}: {len(pdf):>7} B pdf, {len(docx):>6} B docx, {name}.png")

    if pdfs:
        sheet = args.out / "contact-sheet.png"
        _contact_sheet(pdfs, sheet, args.sheet_dpi, args.columns)
        legend = [f"row {i // args.columns + 1}, column {i % args.columns + 1}: {p.stem}"
                  for i, p in enumerate(pdfs)]  # fmt: skip
        (args.out / "contact-sheet.txt").write_text("\n".join(legend) + "\n", encoding="utf-8")
        print(f"{sheet}: {len(pdfs)} pages, {args.columns} per row (legend: contact-sheet.txt)")
    print(f"{len(pdfs)} rendered, {failed} failed, in {args.out}/")
    if failed:
        sys.exit(1)


def _pdftoppm(pdf: Path, stem: Path, dpi: int, png: bool) -> Path:
    """Page 1 of ``pdf`` as ``stem.png`` (or ``stem.ppm``)."""
    fmt = ["-png"] if png else []
    cmd = ["pdftoppm", *fmt, "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*cmd, str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png" if png else ".ppm")


def _read_ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary (P6, 8-bit) PPM as pdftoppm writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1 : pos + 1 + width * height * 3]


def _contact_sheet(pdfs: list[Path], out: Path, dpi: int, columns: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pages = [_read_ppm(_pdftoppm(p, Path(tmp) / str(i), dpi, png=False))
                 for i, p in enumerate(pdfs)]  # fmt: skip
    cell_w = max(w for w, _, _ in pages)
    cell_h = max(h for _, h, _ in pages)
    rows = -(-len(pages) // columns)
    width = columns * cell_w + (columns + 1) * GAP
    height = rows * cell_h + (rows + 1) * GAP
    canvas = bytearray(b"\xd8" * (width * height * 3))  # grey, so each white page shows
    for i, (w, h, rgb) in enumerate(pages):
        x0 = GAP + (i % columns) * (cell_w + GAP)
        y0 = GAP + (i // columns) * (cell_h + GAP)
        for y in range(h):
            start = ((y0 + y) * width + x0) * 3
            canvas[start : start + w * 3] = rgb[y * w * 3 : (y + 1) * w * 3]
    out.write_bytes(_png(width, height, bytes(canvas)))


def _png(width: int, height: int, rgb: bytes) -> bytes:
    """An 8-bit RGB PNG (filter 0 on every row)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + (chunk(b"IEND", b""))
    )


if __name__ == "__main__":
    main()
