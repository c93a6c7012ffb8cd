"""A commission member's own signing device, run as a separate process: it holds only the
member's PKCS#12 file and answers one JSON request per line on stdin.

``{"p12": path, "mode": "signature", "data_to_sign": b64}`` → ``{"signature": b64}``: a raw
signature over the prepared signed attributes. ``{"p12": path, "mode": "cms",
"document_digest": b64}`` → ``{"cms": b64}``: a detached CMS over the document digest with
the device's own signed attributes, as NCALayer makes in digested mode. An NCA GOST 2015
key answers the same way, with Streebog and the NCA's OIDs (``signing_time`` in the request
sets its signingTime, for a process judged at a past moment).
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from signing.gost.cms import GostSigner
from signing.keystore import passphrase_path
from signing.nca_keys import load_nca_pkcs12


def answer(request: dict[str, str]) -> dict[str, str]:
    path = Path(request["p12"])
    key = load_nca_pkcs12(path, passphrase_path(path).read_bytes().removesuffix(b"\n"))
    if isinstance(key.signer, GostSigner):  # an NCA GOST 2015 key, as NCALayer signs with it
        return _gost(key.signer, request)
    if request["mode"] == "signature":
        data = base64.b64decode(request["data_to_sign"])
        raw = key.signer.sign_raw(data, "sha256")  # type: ignore[attr-defined]
        return {"signature": base64.b64encode(raw).decode()}
    digest = base64.b64decode(request["document_digest"])
    cms = asyncio.run(key.signer.async_sign(digest, "sha256", use_pades=True))
    return {"cms": base64.b64encode(cms.dump()).decode()}


def _gost(signer: GostSigner, request: dict[str, str]) -> dict[str, str]:
    if request["mode"] == "signature":
        raw = signer.private_key.sign(base64.b64decode(request["data_to_sign"]))
        return {"signature": base64.b64encode(raw).decode()}
    digest = base64.b64decode(request["document_digest"])
    # NCALayer's digested mode: its own CAdES-BES attributes (signingTime included)
    when = datetime.now(UTC) if "signing_time" not in request else _time(request["signing_time"])
    cms = asyncio.run(signer.async_sign_digest(digest, signing_time=when))
    return {"cms": base64.b64encode(cms.dump()).decode()}


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def main() -> None:
    for line in sys.stdin:
        try:
            reply = answer(json.loads(line))
        except Exception as exc:  # report, keep serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
