"""GOST R 34.10-2015 signatures with the NCA RK's encodings.

Encodings, as the NCA writes them (pack README, checked on the CA's signatures): the public key
is an OCTET STRING inside the SubjectPublicKeyInfo BIT STRING holding X then Y, each
little-endian; the digest `e` is the Streebog output read as a little-endian integer; the
signature value is r then s, each little-endian (the byte reversal of the usual s || r).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from asn1crypto import core, keys

from signing.gost import oids, streebog
from signing.gost.curve import TC26_256_A, TC26_512_A, Curve

#: parameter-set OID -> (curve, key OID, digest OID, signature OID)
PARAMETER_SETS: dict[str, tuple[Curve, str, str, str]] = {
    oids.PARAMS_GOST2015_512_A: (
        TC26_512_A,
        oids.KEY_GOST2015_512,
        oids.DIGEST_STREEBOG512,
        oids.SIG_GOST2015_512,
    ),
    oids.PARAMS_GOST2015_256_A: (
        TC26_256_A,
        oids.KEY_GOST2015_256,
        oids.DIGEST_STREEBOG256,
        oids.SIG_GOST2015_256,
    ),
}


class GostKeyError(ValueError):
    """A key or signature that is not a well-formed GOST R 34.10-2015 object."""


class _Params(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012  (asn1crypto declares fields this way)
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
    ]


def _digest(data: bytes, size: int) -> bytes:
    return streebog.streebog512(data) if size == 64 else streebog.streebog256(data)


def _e(digest: bytes, q: int) -> int:
    e = int.from_bytes(digest, "little") % q
    return e or 1


@dataclass(frozen=True)
class GostPublicKey:
    """A GOST R 34.10-2015 public key on one of the NCA's parameter sets."""

    params_oid: str
    x: int
    y: int

    @property
    def curve(self) -> Curve:
        """The curve of the key's parameter set."""
        return PARAMETER_SETS[self.params_oid][0]

    @property
    def key_oid(self) -> str:
        """Public-key algorithm OID (…2.1 for 256, …2.2 for 512)."""
        return PARAMETER_SETS[self.params_oid][1]

    @property
    def digest_oid(self) -> str:
        """The Streebog OID that goes with this key size."""
        return PARAMETER_SETS[self.params_oid][2]

    @property
    def signature_oid(self) -> str:
        """The signature algorithm OID for this key size."""
        return PARAMETER_SETS[self.params_oid][3]

    @property
    def digest_name(self) -> str:
        """asn1crypto/pyHanko name of the digest: streebog256 or streebog512."""
        return oids.SIGNATURE_DIGESTS[self.signature_oid][0]

    @classmethod
    def from_spki(cls, spki: keys.PublicKeyInfo) -> GostPublicKey:
        """Read a SubjectPublicKeyInfo as the NCA writes it."""
        alg = spki["algorithm"]["algorithm"].dotted
        if alg not in (oids.KEY_GOST2015_256, oids.KEY_GOST2015_512):
            raise GostKeyError(f"not a GOST R 34.10-2015 key: {oids.algorithm_name(alg)}")
        try:
            params = _Params.load(spki["algorithm"]["parameters"].dump())
            pset = params["public_key_param_set"].dotted
            if pset not in PARAMETER_SETS or PARAMETER_SETS[pset][1] != alg:
                raise GostKeyError(f"unknown GOST parameter set {pset}")
            bits = spki["public_key"]
            raw = bits.native if isinstance(bits.native, bytes) else bits.contents[1:]
            point = core.OctetString.load(raw).native
        except (ValueError, TypeError, KeyError) as exc:
            raise GostKeyError(f"malformed GOST public key: {exc}") from exc
        curve = PARAMETER_SETS[pset][0]
        if len(point) != 2 * curve.size:
            raise GostKeyError("GOST public key of the wrong length")
        x = int.from_bytes(point[: curve.size], "little")
        y = int.from_bytes(point[curve.size :], "little")
        if not curve.contains((x, y)):
            raise GostKeyError("GOST public key is not on its curve")
        return cls(pset, x, y)

    def spki(self) -> keys.PublicKeyInfo:
        """This key as a SubjectPublicKeyInfo in the NCA's encoding."""
        size = self.curve.size
        point = self.x.to_bytes(size, "little") + self.y.to_bytes(size, "little")
        params = _Params(
            {"public_key_param_set": self.params_oid, "digest_param_set": self.digest_oid}
        )
        return keys.PublicKeyInfo(
            {
                "algorithm": {
                    "algorithm": self.key_oid,
                    "parameters": core.Any.load(params.dump()),
                },
                "public_key": core.OctetBitString(core.OctetString(point).dump()),
            }
        )

    def verify_digest(self, signature: bytes, digest: bytes) -> bool:
        """Check a signature value (r || s, little-endian) over a Streebog digest."""
        c = self.curve
        if len(signature) != 2 * c.size or len(digest) != c.size:
            return False
        r = int.from_bytes(signature[: c.size], "little")
        s = int.from_bytes(signature[c.size :], "little")
        if not (0 < r < c.q and 0 < s < c.q):
            return False
        v = pow(_e(digest, c.q), -1, c.q)
        z1 = s * v % c.q
        z2 = (c.q - r) * v % c.q
        point = c.mul_add(z1, z2, (self.x, self.y))
        return point is not None and int(point[0]) % c.q == r

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Check a signature value over `data` (hashed here with the key's Streebog)."""
        return self.verify_digest(signature, _digest(data, self.curve.size))


@dataclass(frozen=True, repr=False)
class GostPrivateKey:
    """A GOST R 34.10-2015 private scalar with its public key."""

    params_oid: str
    d: int
    public_key: GostPublicKey

    def __repr__(self) -> str:  # never print the scalar
        return f"GostPrivateKey({self.public_key.curve.name})"

    @classmethod
    def from_scalar(cls, d: int, params_oid: str = oids.PARAMS_GOST2015_512_A) -> GostPrivateKey:
        """The key for scalar `d` on a parameter set (512-bit set A by default)."""
        if params_oid not in PARAMETER_SETS:
            raise GostKeyError(f"unknown GOST parameter set {params_oid}")
        curve = PARAMETER_SETS[params_oid][0]
        if not 0 < d < curve.q:
            raise GostKeyError("GOST private scalar out of range")
        point = curve.base_mul(d)
        assert point is not None
        return cls(params_oid, d, GostPublicKey(params_oid, int(point[0]), int(point[1])))

    @classmethod
    def generate(cls, params_oid: str = oids.PARAMS_GOST2015_512_A) -> GostPrivateKey:
        """A fresh random key (tests, development)."""
        curve = PARAMETER_SETS[params_oid][0]
        return cls.from_scalar(secrets.randbelow(curve.q - 1) + 1, params_oid)

    def sign_digest(self, digest: bytes) -> bytes:
        """Signature value (r || s, little-endian) over a Streebog digest."""
        c = self.public_key.curve
        if len(digest) != c.size:
            raise GostKeyError(f"digest must be {c.size} bytes for this key")
        e = _e(digest, c.q)
        while True:
            k = secrets.randbelow(c.q - 1) + 1
            point = c.base_mul(k)
            assert point is not None
            r = int(point[0]) % c.q
            if not r:
                continue
            s = (r * self.d + k * e) % c.q
            if s:
                return r.to_bytes(c.size, "little") + s.to_bytes(c.size, "little")

    def sign(self, data: bytes) -> bytes:
        """Signature value over `data` (hashed here with the key's Streebog)."""
        return self.sign_digest(_digest(data, self.public_key.curve.size))
