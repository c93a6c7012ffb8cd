"""Hostile uploads get a clear 4xx within a bounded time, never a 500."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.verify import hostile

CASES: dict[str, Callable[[], bytes]] = {
    "encrypted": hostile.encrypted,
    "deeply nested": hostile.deeply_nested,
    "huge xref": hostile.huge_xref,
    "flate bomb": hostile.flate_bomb,
    "truncated": lambda: hostile.encrypted()[:600],
    "binary junk": lambda: b"%PDF-1.7\n" + bytes(range(256)) * 2000,
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_upload_is_a_quick_4xx(client: TestClient, name: str) -> None:
    data = CASES[name]()
    started = time.monotonic()
    r = client.post("/v1/verify", files={"file": ("x.pdf", data, "application/pdf")})
    elapsed = time.monotonic() - started
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["code"] in ("unreadable_pdf", "pdf_too_complex")
    assert elapsed < 15, f"{name} took {elapsed:.1f} s"
    # the page form answers the same, as a page in the chosen language
    page = client.post("/v/check?lang=en", files={"file": ("x.pdf", data, "application/pdf")})
    assert 400 <= page.status_code < 500 and "text/html" in page.headers["content-type"]
