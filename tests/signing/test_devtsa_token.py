"""The development TSA's hot-path token (assembled from parts made once) is a token pyHanko
validates, with the same content as the request/response path's, and a changed byte fails."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

import pytest
from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from signing import DevPki
from signing.devtsa import DevTimeStamper, dev_crl, ensure_dev_tsa

MOMENT = datetime.now(UTC).replace(microsecond=891_000)
"""The tokens' time (a fraction of a second, which the token's DER must carry); set again
once the TSA exists: its certificate may be made later than this module was collected."""


@pytest.fixture(scope="module")
def tsa(pki: DevPki) -> DevTimeStamper:
    global MOMENT
    dev = ensure_dev_tsa(pki)
    MOMENT = datetime.now(UTC).replace(microsecond=891_000)
    return DevTimeStamper.load(pki, dev, clock=lambda: MOMENT)


def _context(pki: DevPki, tsa: DevTimeStamper) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(tsa.certs_to_embed), crls=[dev_crl(pki)], moment=MOMENT,
        allow_fetching=False, revocation_mode="hard-fail",
    )  # fmt: skip


def _validate(token: cms.ContentInfo, imprint: bytes, ctx: ValidationContext) -> dict[str, object]:
    return asyncio.run(validate_tst_signed_data(token["content"], ctx, lambda _md: imprint))


def test_the_fast_token_validates_and_matches_the_slow_one(
    pki: DevPki, tsa: DevTimeStamper
) -> None:
    imprint = hashlib.sha256(b"document").digest()
    fast = asyncio.run(tsa.async_timestamp(imprint, "sha256"))
    status = _validate(fast, imprint, _context(pki, tsa))
    assert status["intact"] and status["valid"] and status["trust_problem_indic"] is None
    assert status["timestamp"] == MOMENT
    _nonce, request = tsa.request_cms(imprint, "sha256")  # type: ignore[no-untyped-call]
    slow = tsa.request_tsa_response(request)["time_stamp_token"]

    def facts(token: cms.ContentInfo) -> tuple[object, ...]:
        sd, tst = token["content"], token["content"]["encap_content_info"]["content"].parsed
        si = sd["signer_infos"][0]
        return (
            sd["version"].native, sd["digest_algorithms"].native,
            sorted(c.chosen.dump() for c in sd["certificates"]),
            si["sid"].native, si["digest_algorithm"].native, si["signature_algorithm"].native,
            [a["type"].native for a in si["signed_attrs"]],
            tst["policy"].native, tst["message_imprint"].native, tst["gen_time"].native,
            tst["tsa"].native,
        )  # fmt: skip

    assert facts(fast) == facts(slow)
    assert fast["content"]["encap_content_info"]["content"].parsed["nonce"].native is None
    # DER: what asn1crypto writes again from the parsed token is the same bytes
    assert cms.ContentInfo.load(fast.dump()).native == fast.native


def test_a_changed_byte_or_imprint_fails(pki: DevPki, tsa: DevTimeStamper) -> None:
    imprint = hashlib.sha256(b"document").digest()
    der = asyncio.run(tsa.async_timestamp(imprint, "sha256")).dump()
    ctx = _context(pki, tsa)
    assert _validate(cms.ContentInfo.load(der), imprint, ctx)["intact"]
    assert not _validate(cms.ContentInfo.load(der), hashlib.sha256(b"other").digest(), ctx)[
        "intact"
    ]
    at = der.index(imprint) + 5  # inside the TSTInfo the TSA's signature covers
    tampered = der[:at] + bytes([der[at] ^ 1]) + der[at + 1 :]
    status = _validate(cms.ContentInfo.load(tampered), tampered[at - 5 : at + 27], ctx)
    assert not (status["intact"] and status["valid"])
