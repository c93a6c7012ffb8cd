"""Form + data → bytes: Typst PDF/A-3b with the case embedded and the verification QR; DOCX copies.

Knows nothing of HTTP or the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.qr import qr_png
from generator.render import PDF_STANDARD, DocumentMeta, Renderer, fonts_dir

if TYPE_CHECKING:
    from generator.docx import render_docx

__all__ = ["PDF_STANDARD", "DocumentMeta", "Renderer", "fonts_dir", "qr_png", "render_docx"]


def __getattr__(name: str) -> Any:
    # python-docx (≈ 8 MB resident) is loaded with the first DOCX copy, not by every worker
    if name == "render_docx":
        from generator.docx import render_docx

        return render_docx
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
