"""Errors of :mod:`generator` (under :class:`forms.errors.QujatError`)::

RenderError                     500 render_failed
"""

from __future__ import annotations

from forms.errors import QujatError

__all__ = ["RenderError"]


class RenderError(QujatError):
    """The template would not compile with the case data (a bug, not bad input)."""

    code = "render_failed"
