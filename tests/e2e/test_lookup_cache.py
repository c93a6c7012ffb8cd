"""Two server processes on one registry: a revocation made through one shows on the
other's cached public answers (JSON and page) within one second.

Each process keeps the answers in its own memory (:mod:`api.public_cache`); the other
process's revocation reaches it only through the registry's document version, read again
at most every 0.25 s. The answers are warmed first, so the revocation has a cached answer
to overturn, and their ETags are checked to be the kept ones (304) before it.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from forms import get_form
from tests.e2e.serverproc import free_port, start
from tests.e2e.workers import setup

FORM = "course-certificate"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_revocation_through_one_process_shows_on_the_other_within_a_second(
    tmp_path: Path,
) -> None:
    # no upgrader thread in either process: nothing but the revocation changes the document
    settings, env, key = setup(tmp_path, QUJAT_LTV_UPGRADER="worker")
    port_a, port_b = free_port(), free_port()
    a = start(settings.data_dir, port_a, env)
    b = start(settings.data_dir, port_b, env)
    try:
        one, other = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        headers = {"Authorization": f"Bearer {key}"}
        body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
        with httpx.Client(timeout=30) as client:
            doc = client.post(f"{one}/v1/documents", json=body, headers=headers).json()
            json_url, page_url = f"{other}/v1/verify/{doc['id']}", f"{other}/v/{doc['id']}?lang=en"
            for _ in range(5):  # kept in the other process's memory
                first = client.get(json_url)
                page = client.get(page_url)
            assert first.json()["status"] == "valid" and "The document is valid" in page.text
            etag = first.headers["etag"]
            assert first.headers["cache-control"] == "public, max-age=1"
            assert client.get(json_url, headers={"If-None-Match": etag}).status_code == 304
            page_etag = page.headers["etag"]
            assert client.get(page_url, headers={"If-None-Match": page_etag}).status_code == 304

            r = client.post(f"{one}/v1/documents/{doc['id']}/revoke",
                            json={"reason": "issued in error"}, headers=headers)  # fmt: skip
            assert r.status_code == 200, r.text
            revoked = time.monotonic()
            seen_json = seen_page = None
            while time.monotonic() - revoked < 3 and (seen_json is None or seen_page is None):
                now = time.monotonic() - revoked
                if seen_json is None and client.get(json_url).json()["status"] == "revoked":
                    seen_json = now
                if seen_page is None and "has been revoked" in client.get(page_url).text:
                    seen_page = now
                time.sleep(0.01)
            assert seen_json is not None and seen_json < 1.0, seen_json
            assert seen_page is not None and seen_page < 1.0, seen_page
            # the old ETags no longer match: a CDN revalidating gets the revocation
            again = client.get(json_url, headers={"If-None-Match": etag})
            assert again.status_code == 200 and again.headers["etag"] != etag
            assert client.get(page_url, headers={"If-None-Match": page_etag}).status_code == 200
    finally:
        _stop(a)
        _stop(b)
