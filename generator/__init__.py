"""Form + data → bytes: Typst PDF/A-3b with the case embedded and a vector QR; DOCX copies.

Knows nothing of HTTP or the database.
"""

from __future__ import annotations

from generator.docx import render_docx
from generator.qr import qr_svg
from generator.render import PDF_STANDARD, DocumentMeta, Renderer, fonts_dir

__all__ = ["PDF_STANDARD", "DocumentMeta", "Renderer", "fonts_dir", "qr_svg", "render_docx"]
