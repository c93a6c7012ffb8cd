"""Elliptic-curve arithmetic for the GOST R 34.10-2015 parameter sets, on gmpy2 (GMP).

No maintained PyPI or Debian package does GOST curve arithmetic fast from Python:
fastecdsa 4 (Rust) takes ~8.5 ms for one 512-bit scalar multiplication, a pure-Python
implementation ~100 ms. GMP big integers with Jacobian coordinates, a fixed-base table for the
base point and wNAF for other points bring a 512-bit verification to ~2-3 ms (see bench/gost.py).
Only the formulas are ours; every multiplication and reduction runs in GMP.

Not constant-time: Python and GMP integers are not. This is fine for verification; for signing
it means a local attacker who can time the signing process precisely could learn about nonces.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import gmpy2
from gmpy2 import mpz

# An affine point (x, y); None is the point at infinity.
Affine = tuple[Any, Any] | None
_Jac = tuple[Any, Any, Any]

_WINDOW = 4  # fixed-base window: 128 windows x 15 points for 512 bits, ~10 ms to build once
_WNAF = 5  # variable-base wNAF width: 8 precomputed odd multiples
# Keys that verify again and again (the CAs', the OCSP responder's) get a fixed-base table of
# their own: a 512-bit verification then costs additions only (~0.9 ms instead of ~2 ms).
_KEY_TABLES = 16
_BUILD_AFTER = 8
_TABLES_LOCK = threading.Lock()


@dataclass(eq=False)
class Curve:
    """A short Weierstrass curve y^2 = x^3 + a x + b over GF(p) with a base point of order q."""

    name: str
    p: int
    a: int
    b: int
    q: int
    gx: int
    gy: int
    size: int  # bytes per coordinate and per scalar: 32 or 64
    _table: list[list[tuple[Any, Any]]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._p = mpz(self.p)
        self._a = mpz(self.a)
        self._a_is_minus3 = (self.a + 3) % self.p == 0
        self._key_tables: OrderedDict[tuple[int, int], int | list[list[tuple[Any, Any]]]] = (
            OrderedDict()
        )

    # -- public operations -------------------------------------------------------------------

    def contains(self, point: Affine) -> bool:
        """True if `point` is a finite point on the curve."""
        if point is None:
            return False
        x, y = (int(c) for c in point)
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0

    def base_mul(self, k: int) -> Affine:
        """k * G through the precomputed fixed-base table (additions only, no doublings)."""
        return self._to_affine(self._fixed_mul(None, self._base_table(), k))

    def mul(self, point: Affine, k: int) -> Affine:
        """k * point for an arbitrary point (wNAF, width 5)."""
        return self._to_affine(self._mul_jac(point, k))

    def mul_add(self, k1: int, k2: int, point: Affine) -> Affine:
        """k1 * G + k2 * point: the verification equation's sum."""
        if point is None:
            return self.base_mul(k1)
        key_table = self._key_table(point)
        a = self._mul_jac(point, k2) if key_table is None else self._fixed_mul(None, key_table, k2)
        return self._to_affine(self._fixed_mul(a, self._base_table(), k1))

    def _fixed_mul(
        self, acc: _Jac | None, table: list[list[tuple[Any, Any]]], k: int
    ) -> _Jac | None:
        k %= self.q
        i = 0
        mask = (1 << _WINDOW) - 1
        while k:
            digit = k & mask
            if digit:
                acc = self._add_mixed(acc, table[i][digit - 1])
            k >>= _WINDOW
            i += 1
        return acc

    def _key_table(self, point: tuple[Any, Any]) -> list[list[tuple[Any, Any]]] | None:
        # uses counted per key; a table (~30 ms to build for 512 bits) from the 8th use on
        key = (int(point[0]), int(point[1]))
        tables = self._key_tables
        with _TABLES_LOCK:
            seen = tables.get(key, 0)
            if isinstance(seen, list):
                tables.move_to_end(key)
                return seen
            tables[key] = seen + 1
            tables.move_to_end(key)
            if len(tables) > 8 * _KEY_TABLES:
                tables.popitem(last=False)
            if seen + 1 < _BUILD_AFTER:
                return None
        table = self._build_table(key)  # outside the lock: two threads may both build once
        with _TABLES_LOCK:
            tables[key] = table
            built = [k for k, v in tables.items() if isinstance(v, list)]
            for old in built[: max(0, len(built) - _KEY_TABLES)]:
                tables[old] = 0
        return table

    # -- internals ------------------------------------------------------------------------------

    def _base_table(self) -> list[list[tuple[Any, Any]]]:
        if self._table is None:
            self._table = self._build_table((self.gx, self.gy))
        return self._table

    def _build_table(self, point: tuple[int, int]) -> list[list[tuple[Any, Any]]]:
        # table[i][j-1] = j * 2^(4i) * P, affine
        windows = (self.q.bit_length() + _WINDOW - 1) // _WINDOW
        table: list[list[tuple[Any, Any]]] = []
        base: Affine = (mpz(point[0]), mpz(point[1]))
        for _ in range(windows):
            assert base is not None
            row: list[tuple[Any, Any]] = [base]
            acc: _Jac | None = self._add_mixed(None, base)
            for _j in range(2, 1 << _WINDOW):
                acc = self._add_mixed(acc, base)
                pt = self._to_affine(acc)
                assert pt is not None
                row.append(pt)
            table.append(row)
            # 15*B + B = 16*B, the next window's base
            base = self._to_affine(self._add_mixed(self._add_mixed(None, row[-1]), row[0]))
        return table

    def _dbl(self, pt: _Jac | None) -> _Jac | None:
        if pt is None:
            return None
        x, y, z = pt
        if not y:
            return None
        p = self._p
        yy = y * y % p
        s = 4 * x * yy % p
        zz = z * z % p
        if self._a_is_minus3:
            m = 3 * (x - zz) * (x + zz) % p
        else:
            m = (3 * x * x + self._a * zz * zz) % p
        x3 = (m * m - 2 * s) % p
        y3 = (m * (s - x3) - 8 * yy * yy) % p
        z3 = 2 * y * z % p
        return (x3, y3, z3)

    def _add_mixed(self, pt: _Jac | None, aff: Affine) -> _Jac | None:
        if aff is None:
            return pt
        x2, y2 = aff
        if pt is None:
            return (x2, y2, mpz(1))
        x1, y1, z1 = pt
        p = self._p
        z1z1 = z1 * z1 % p
        u2 = x2 * z1z1 % p
        s2 = y2 * z1 * z1z1 % p
        h = (u2 - x1) % p
        r = (s2 - y1) % p
        if not h:
            return self._dbl(pt) if not r else None
        hh = h * h % p
        hhh = h * hh % p
        v = x1 * hh % p
        x3 = (r * r - hhh - 2 * v) % p
        y3 = (r * (v - x3) - y1 * hhh) % p
        z3 = z1 * h % p
        return (x3, y3, z3)

    def _to_affine(self, pt: _Jac | None) -> Affine:
        if pt is None:
            return None
        x, y, z = pt
        if not z:
            return None
        p = self._p
        zi = gmpy2.invert(z, p)
        zi2 = zi * zi % p
        return (x * zi2 % p, y * zi2 * zi % p)

    def _mul_jac(self, point: Affine, k: int) -> _Jac | None:
        k %= self.q
        if point is None or not k:
            return None
        # Odd multiples P, 3P, ..., 15P in affine form so the main loop uses mixed additions.
        pj = self._add_mixed(None, (mpz(point[0]), mpz(point[1])))
        two_p = self._to_affine(self._dbl(pj))
        odd: list[Affine] = [self._to_affine(pj)]
        acc = pj
        for _ in range((1 << (_WNAF - 2)) - 1):
            acc = self._add_mixed(acc, two_p)
            odd.append(self._to_affine(acc))
        neg = [None if o is None else (o[0], (-o[1]) % self._p) for o in odd]
        digits = _wnaf(k, _WNAF)
        res: _Jac | None = None
        for d in reversed(digits):
            res = self._dbl(res)
            if d > 0:
                res = self._add_mixed(res, odd[d >> 1])
            elif d < 0:
                res = self._add_mixed(res, neg[(-d) >> 1])
        return res


def _wnaf(k: int, w: int) -> list[int]:
    """Width-w non-adjacent form of k, least significant digit first."""
    digits: list[int] = []
    full = 1 << w
    half = full >> 1
    while k:
        if k & 1:
            d = k & (full - 1)
            if d >= half:
                d -= full
            k -= d
        else:
            d = 0
        digits.append(d)
        k >>= 1
    return digits


# id-tc26-gost-3410-12-512-paramSetA (RFC 7836 / TC 26); the NCA's 1.2.398.3.10.1.1.2.2.1.
TC26_512_A = Curve(
    name="tc26-gost-3410-12-512-paramSetA",
    p=(1 << 512) - 569,
    a=(1 << 512) - 569 - 3,
    b=int(
        "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265"
        "EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
        16,
    ),
    q=int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
        16,
    ),
    gx=3,
    gy=int(
        "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921"
        "DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4",
        16,
    ),
    size=64,
)

# id-tc26-gost-3410-2012-256-paramSetA in Weierstrass form (RFC 7836 A.2); the NCA's
# 1.2.398.3.10.1.1.2.1.1. The pack has no 256-bit key: this curve is checked by the tests
# (on-curve base point, q*G = O) and by sign/verify round trips, not against an NCA signature.
TC26_256_A = Curve(
    name="tc26-gost-3410-2012-256-paramSetA",
    p=int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97", 16),
    a=int("C2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335", 16),
    b=int("295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513", 16),
    q=int("400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67", 16),
    gx=int("91E38443A5E82C0D880923425712B2BB658B9196932E02C78B2582FE742DAA28", 16),
    gy=int("32879423AB1A0375895786C4BB46E9565FDE0B5344766740AF268ADB32322E5C", 16),
    size=32,
)
