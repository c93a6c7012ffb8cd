"""NCA PKCS#12 files with GOST keys, read at the ASN.1 level.

The NCA's .p12 is ordinary PKCS#12 (RFC 7292): a shrouded key bag under
pbeWithSHA1And3-KeyTripleDES-CBC, certificate bags under pbeWithSHA1And40BitRC2-CBC, MAC SHA-1.
`cryptography` refuses the whole file because it cannot interpret the GOST private key, so the
bags are decrypted here: the PKCS#12 key derivation (RFC 7292 B.2) is a few lines over hashlib,
3DES comes from `cryptography`, RC2-40 from OpenSSL's legacy provider.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from dataclasses import dataclass

from asn1crypto import core, keys, pkcs12, x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from signing.errors import KeyStoreError
from signing.gost import oids
from signing.gost._openssl import OpenSSLUnavailable, rc2_40_cbc_decrypt
from signing.gost.gost3410 import GostKeyError, GostPrivateKey, GostPublicKey, _Params


@dataclass(frozen=True, repr=False)
class GostKeyStore:
    """The contents of an NCA GOST .p12: the key, its certificate, the other certificates."""

    private_key: GostPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def __repr__(self) -> str:
        return f"GostKeyStore({self.certificate.subject.human_friendly!r})"


class _PrivateKeyInfo(core.Sequence):  # type: ignore[misc]
    # PKCS#8 with the algorithm left opaque: asn1crypto's own class rejects unknown key types.
    _fields = [  # noqa: RUF012  (asn1crypto declares fields this way)
        ("version", core.Integer),
        ("private_key_algorithm", keys.PublicKeyAlgorithm),
        ("private_key", core.OctetString),
        ("attributes", core.Any, {"implicit": 0, "optional": True}),
    ]


def _kdf(password: bytes, salt: bytes, iterations: int, purpose: int, size: int) -> bytes:
    """PKCS#12 key derivation with SHA-1 (RFC 7292 appendix B.2); `password` as BMPString."""
    u, v = 20, 64
    d = bytes([purpose]) * v

    def stretch(b: bytes) -> bytes:
        if not b:
            return b""
        n = v * ((len(b) + v - 1) // v)
        return (b * (n // len(b) + 1))[:n]

    i = bytearray(stretch(salt) + stretch(password))
    out = b""
    while len(out) < size:
        a = hashlib.sha1(d + bytes(i)).digest()
        for _ in range(iterations - 1):
            a = hashlib.sha1(a).digest()
        out += a
        b = int.from_bytes(stretch(a), "big") + 1
        for j in range(0, len(i), v):
            chunk = (int.from_bytes(i[j : j + v], "big") + b) % (1 << (v * 8))
            i[j : j + v] = chunk.to_bytes(v, "big")
    del u
    return out[:size]


def _bmp(passphrase: bytes) -> bytes:
    return passphrase.decode("utf-8").encode("utf-16-be") + b"\x00\x00"


def _decrypt(alg: core.Sequence, data: bytes, password: bytes) -> bytes:
    name = alg["algorithm"].native
    params = alg["parameters"].native
    salt, iterations = params["salt"], params["iterations"]
    if name == "pkcs12_sha1_tripledes_3key":
        key = _kdf(password, salt, iterations, 1, 24)
        iv = _kdf(password, salt, iterations, 2, 8)
        dec = Cipher(TripleDES(key), modes.CBC(iv)).decryptor()
        padded = dec.update(data) + dec.finalize()
        unpad = padding.PKCS7(64).unpadder()
        return unpad.update(padded) + unpad.finalize()
    if name == "pkcs12_sha1_rc2_40":
        key = _kdf(password, salt, iterations, 1, 5)
        iv = _kdf(password, salt, iterations, 2, 8)
        return rc2_40_cbc_decrypt(key, iv, data)
    raise KeyStoreError(f"PKCS#12 encryption {name} is not supported")


def _check_mac(pfx: pkcs12.Pfx, password: bytes) -> None:
    mac_data = pfx["mac_data"]
    if mac_data.native is None:
        raise KeyStoreError("The PKCS#12 file has no integrity MAC")
    alg = mac_data["mac"]["digest_algorithm"]["algorithm"].native
    if alg != "sha1":
        raise KeyStoreError(f"PKCS#12 MAC with {alg} is not supported")
    key = _kdf(password, mac_data["mac_salt"].native, mac_data["iterations"].native, 3, 20)
    content = pfx["auth_safe"]["content"].native
    mac = hmac.new(key, content, hashlib.sha1).digest()
    if not hmac.compare_digest(mac, mac_data["mac"]["digest"].native):
        raise KeyStoreError("Cannot open the key store: wrong passphrase or damaged file")


def _gost_key(pkcs8: bytes) -> GostPrivateKey:
    info = _PrivateKeyInfo.load(pkcs8)
    alg = info["private_key_algorithm"]["algorithm"].dotted
    if alg not in (oids.KEY_GOST2015_256, oids.KEY_GOST2015_512):
        raise KeyStoreError(f"The key is {oids.algorithm_name(alg)}, not GOST R 34.10-2015")
    params = _Params.load(info["private_key_algorithm"]["parameters"].dump())
    raw = info["private_key"].native
    # The NCA wraps the little-endian scalar in a further OCTET STRING.
    if raw[:1] == b"\x04":
        with contextlib.suppress(ValueError):
            raw = core.OctetString.load(raw).native
    return GostPrivateKey.from_scalar(
        int.from_bytes(raw, "little"), params["public_key_param_set"].dotted
    )


def load_gost_pkcs12(data: bytes, passphrase: bytes) -> GostKeyStore:
    """Open an NCA GOST .p12; :class:`KeyStoreError` for a wrong passphrase or another format."""
    try:
        pfx = pkcs12.Pfx.load(data)
        password = _bmp(passphrase)
        _check_mac(pfx, password)
        keys_found: list[GostPrivateKey] = []
        certs: list[x509.Certificate] = []
        for content_info in pfx.authenticated_safe:
            ctype = content_info["content_type"].native
            if ctype == "data":
                raw = content_info["content"].native
            elif ctype == "encrypted_data":
                eci = content_info["content"]["encrypted_content_info"]
                raw = _decrypt(
                    eci["content_encryption_algorithm"], eci["encrypted_content"].native, password
                )
            else:
                continue
            for bag in pkcs12.SafeContents.load(raw):
                bag_id = bag["bag_id"].native
                if bag_id == "pkcs8_shrouded_key_bag":
                    enc = bag["bag_value"]
                    plain = _decrypt(
                        enc["encryption_algorithm"], enc["encrypted_data"].native, password
                    )
                    keys_found.append(_gost_key(plain))
                elif bag_id == "cert_bag" and bag["bag_value"]["cert_id"].native == "x509":
                    value = bag["bag_value"]["cert_value"]
                    der = value.parsed.dump() if hasattr(value, "parsed") else value.contents
                    certs.append(x509.Certificate.load(der))
    except KeyStoreError:
        raise
    except (ValueError, TypeError, KeyError, GostKeyError, OpenSSLUnavailable) as exc:
        raise KeyStoreError(f"Cannot read the PKCS#12 key store: {type(exc).__name__}") from exc
    if len(keys_found) != 1:
        raise KeyStoreError(f"The key store holds {len(keys_found)} private keys, expected one")
    key = keys_found[0]
    for cert in certs:
        try:
            pub = GostPublicKey.from_spki(cert.public_key)
        except GostKeyError:
            continue
        if pub == key.public_key:
            others = tuple(c for c in certs if c is not cert)
            return GostKeyStore(key, cert, others)
    raise KeyStoreError("The key store holds no certificate for its private key")
