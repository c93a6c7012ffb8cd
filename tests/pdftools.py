"""Independent looks at a PDF: text, attachments, XMP, signatures (pdfsig), QR (zbarimg)."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def text_of(pdf: bytes) -> str:
    """All text pypdf extracts, with white space removed so wrapped lines compare whole."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


def attachments(pdf: bytes) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    return {name: data[0] for name, data in reader.attachments.items()}


def xmp(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    meta: Any = reader.trailer["/Root"]["/Metadata"].get_object()  # type: ignore[index]
    return str(meta.get_data().decode("utf-8", "replace"))


def pdfsig(pdf: bytes, nss_db: str | None = None) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        cmd = ["pdfsig", *(["-nssdir", nss_db] if nss_db else []), fh.name]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return done.stdout + done.stderr


def qpdf_check(pdf: bytes) -> subprocess.CompletedProcess[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(["qpdf", "--check", fh.name], capture_output=True, text=True)


def qr_payloads(pdf: bytes, dpi: int = 150, page: int | None = 1) -> list[str]:
    """Rasterise a page (``None``: every page) as a printer would; decode every QR code."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        pages = ["-f", str(page), "-l", str(page)] if page is not None else []
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), *pages, str(src), f"{tmp}/page"], check=True
        )
        found: list[str] = []
        for image in sorted(Path(tmp).glob("page*.png")):
            done = subprocess.run(
                ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
            )
            found += [line for line in done.stdout.splitlines() if line]
        return found
