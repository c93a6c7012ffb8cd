"""The verification page in a real browser (headless Debian Chromium, Playwright).

Valid, expired, revoked and unknown documents × kk, ru, en: the verdict text comes first.
Screenshots at a phone's width (390 px) go to ``test-artifacts/``. The upload form is used
the way an employer would, with a genuine and a tampered PDF.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.i18n import LABELS
from forms import get_form
from tests.e2e.browser import ARGS, CHROMIUM
from tests.e2e.serverproc import running_server

sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real server with a valid, an expired and a revoked document."""
    data_dir = tmp_path_factory.mktemp("page-data")
    # one browser opens many pages from one address
    with running_server(data_dir, {"QUJAT_LOOKUP_BURST": "1000"}) as (base, key):
        headers = {"Authorization": f"Bearer {key}"}

        def issue(form: str, data: dict[str, Any]) -> dict[str, Any]:
            body = {"form": form, "lang": "kk", "data": data}
            r = httpx.post(f"{base}/v1/documents", json=body, headers=headers, timeout=30)
            assert r.status_code == 201, r.text
            return dict(r.json())

        valid = issue(
            "qualification-certificate", dict(get_form("qualification-certificate").example)
        )
        old = copy.deepcopy(dict(get_form("course-certificate").example))
        old.update(start_date="2020-02-03", end_date="2020-02-14", issue_date="2020-02-20")
        expired = issue("course-certificate", old)
        revoked = issue("course-certificate", dict(get_form("course-certificate").example))
        httpx.post(f"{base}/v1/documents/{revoked['id']}/revoke", json={"reason": "error"},
                   headers=headers).raise_for_status()  # fmt: skip
        pdf = httpx.get(f"{base}{valid['links']['pdf']}", headers=headers).content
        yield {
            "base": base,
            "ids": {
                "valid": valid["id"],
                "expired": expired["id"],
                "revoked": revoked["id"],
                "unknown": "a" * 32,
            },
            "pdf": pdf,
        }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("status", ["valid", "expired", "revoked", "unknown"])
def test_verdict_in_every_language(site: dict[str, Any], browser: Any, status: str,
                                   lang: str) -> None:  # fmt: skip
    context = browser.new_context(viewport=PHONE, locale=lang, java_script_enabled=False)
    page = context.new_page()
    response = page.goto(f"{site['base']}/v/{site['ids'][status]}?lang={lang}")
    assert response.status == (404 if status == "unknown" else 200)
    verdict = page.locator(".verdict-text")
    assert verdict.inner_text() == LABELS[lang][status]
    assert verdict.get_attribute("data-status") == status
    # the verdict is the first thing on screen, and nothing is wider than the phone
    assert verdict.bounding_box()["y"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if status != "unknown":
        assert "871008" not in page.content() and "01427" not in page.content()
    page.screenshot(path=str(ARTIFACTS / f"verify-{status}-{lang}.png"), full_page=True)
    context.close()


def test_language_follows_accept_language(site: dict[str, Any], browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "ru"})
    page = context.new_page()
    page.goto(f"{site['base']}/v/{site['ids']['valid']}")
    assert page.locator(".verdict-text").inner_text() == LABELS["ru"]["valid"]
    context.close()


@pytest.mark.parametrize("kind", ["genuine", "tampered"])
def test_upload_form_in_the_browser(site: dict[str, Any], browser: Any, tmp_path: Path,
                                    kind: str) -> None:  # fmt: skip
    data = bytearray(site["pdf"])
    if kind == "tampered":
        data[len(data) // 3] ^= 0x01
    upload = tmp_path / f"{kind}.pdf"
    upload.write_bytes(bytes(data))
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site['base']}/v/{site['ids']['valid']}?lang=en")
    page.set_input_files("input[type=file]", str(upload))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.startswith(f"{site['base']}/v/check")
    expected = LABELS["en"]["genuine" if kind == "genuine" else "verdict-modified"]
    assert page.locator(".verdict-text").inner_text() == expected
    page.screenshot(path=str(ARTIFACTS / f"check-{kind}-en.png"), full_page=True)
    context.close()


def test_artifacts_are_not_committed() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", str(ARTIFACTS / "x.png")],
                             cwd=ARTIFACTS.parent, check=False)  # fmt: skip
    assert ignored.returncode == 0 or shutil.which("git") is None
