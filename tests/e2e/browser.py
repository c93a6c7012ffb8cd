"""The browser the page tests drive: Debian's chromium, headless."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"


ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
