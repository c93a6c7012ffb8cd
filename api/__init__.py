"""The ways in: the FastAPI app, the public pages and the ``qujat`` command line.

Adapts forms, generator, signing, verify and registry; holds no business rules.
"""

from __future__ import annotations

from api.app import create_app
from api.settings import Settings

__all__ = ["Settings", "create_app"]
