"""The verdict's name, kept where callers used to import it: the rules are in
:mod:`verify.verdicts` (one verdict for the upload check, the page and ``qujat verify``)."""

from __future__ import annotations

from verify.verdicts import Verdict

__all__ = ["Verdict"]
