"""Offline tokens and status lists: made by signing.tokens, judged by verify.offline."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from signing.tokens import TokenClaims, TokenKey, issue_token, public_jwk, sign_jws
from signing.tokens import _token_key as make_key
from verify.errors import TokenInvalid
from verify.offline import (
    MIN_STATUS_LIST_BITS,
    StatusList,
    decode_status_list,
    encode_status_list,
    extract_token,
    parse_key_set,
    read_status_list,
    verify_jws,
    verify_token,
)

DOC_ID = "abcdefghijklmnopqrstuvwxyz234567"
CLAIMS = TokenClaims(
    doc_id=DOC_ID,
    form="qualification-certificate",
    holder_name="Сәрсенбаева Гүлнұр Жұмабайқызы",
    category="teacher-expert",
    valid_until=date(2030, 6, 20),
    issued_on=date(2025, 6, 27),
    status_index=4242,
)
TODAY = date(2026, 1, 15)


def new_key() -> TokenKey:
    return make_key(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="module")
def key() -> TokenKey:
    return new_key()


def keys_of(*keys: TokenKey) -> dict[str, ec.EllipticCurvePublicKey]:
    return parse_key_set(json.dumps({"keys": [public_jwk(k) for k in keys]}))


def test_token_round_trip_in_a_url_fragment(key: TokenKey) -> None:
    token = issue_token(CLAIMS, key)
    assert token.startswith("QJ1:") and set(token[4:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    verdict = verify_token(f"https://qujat.kz/v/{DOC_ID}#{token}", keys_of(key), TODAY,
                           StatusList(bytes(MIN_STATUS_LIST_BITS // 8)))  # fmt: skip
    assert verdict.ok and verdict.signature_valid and verdict.revoked is False
    p = verdict.payload
    assert (p.doc_id, p.form, p.holder_name, p.category) == (
        DOC_ID, CLAIMS.form, CLAIMS.holder_name, CLAIMS.category)  # fmt: skip
    assert (p.valid_until, p.issued_on, p.status_index, p.kid) == (
        CLAIMS.valid_until, CLAIMS.issued_on, 4242, key.kid)  # fmt: skip


def test_tampered_token_is_refused(key: TokenKey) -> None:
    token = issue_token(CLAIMS, key)
    refused = 0
    for at in range(6, len(token), 7):  # flip one character at a time, all along the token
        flipped = "A" if token[at] != "A" else "B"
        tampered = token[:at] + flipped + token[at + 1 :]
        try:
            verdict = verify_token(tampered, keys_of(key), TODAY)
        except TokenInvalid:
            refused += 1
            continue
        assert not verdict.signature_valid, f"a change at {at} went unnoticed"
        refused += 1
    assert refused > 40


def test_wrong_key_is_refused(key: TokenKey) -> None:
    token = issue_token(CLAIMS, key)
    assert not verify_token(token, keys_of(new_key()), TODAY).signature_valid
    # an attacker's key published under our kid does not help either
    forged = issue_token(CLAIMS, TokenKey(new_key().private_key, key.kid))
    assert not verify_token(forged, keys_of(key), TODAY).signature_valid


def test_expired_and_revoked(key: TokenKey) -> None:
    token = issue_token(CLAIMS, key)
    assert verify_token(token, keys_of(key), date(2030, 6, 21)).expired
    assert not verify_token(token, keys_of(key), date(2030, 6, 20)).expired
    bits = decode_status_list(encode_status_list({4242}))
    verdict = verify_token(token, keys_of(key), TODAY, StatusList(bits))
    assert verdict.revoked and not verdict.ok
    assert verify_token(token, keys_of(key), TODAY).revoked is None  # no list: not ok either
    assert not verify_token(token, keys_of(key), TODAY).ok


def test_garbage_is_a_token_error() -> None:
    for text in ("", "https://qujat.kz/v/abc", "QJ1:", "QJ1:!!!!", "QJ1:" + "A" * 3000,
                 "QJ1:MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI"):  # fmt: skip
        with pytest.raises(TokenInvalid):
            verify_token(text, {}, TODAY)
    with pytest.raises(TokenInvalid):
        extract_token("https://qujat.kz/v/abc#not-a-token")


def test_status_list_encoding() -> None:
    encoded = encode_status_list({0, 7, 131_071})
    bits = decode_status_list(encoded)
    assert len(bits) * 8 == MIN_STATUS_LIST_BITS
    assert bits[0] == 0b1000_0001 and bits[-1] == 0b0000_0001 and sum(bits[1:-1]) == 0
    assert len(decode_status_list(encode_status_list({200_000}))) * 8 == 2 * MIN_STATUS_LIST_BITS
    assert len(encoded) < 200  # 16 KiB of mostly zeros compresses to almost nothing


def test_status_list_gzip_bomb_is_refused() -> None:
    import base64

    bomb = gzip.compress(bytes(64 * 1024 * 1024))
    with pytest.raises(TokenInvalid, match="too large"):
        decode_status_list("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))


def test_signed_status_list(key: TokenKey) -> None:
    credential = {"credentialSubject": {"statusPurpose": "revocation",
                                        "encodedList": encode_status_list({5})}}  # fmt: skip
    jws = sign_jws(json.dumps(credential).encode(), key, "vc+jwt")
    assert read_status_list(jws, keys_of(key)).is_set(5)
    with pytest.raises(TokenInvalid):
        read_status_list(jws, keys_of(new_key()))
    head, payload, sig = jws.split(".")
    with pytest.raises(TokenInvalid):
        verify_jws(f"{head}.{payload[:-2]}AA.{sig}", keys_of(key))
