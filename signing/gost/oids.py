"""The NCA RK's object identifiers for GOST algorithms, and their registration in asn1crypto.

Values from the NCA's test pack (README of the pack: checked against the CA's own signatures)
and the Kalkan provider's constants. Registration adds names to asn1crypto's OID tables the
way pyHanko and pyhanko-certvalidator register their own (ML-DSA, ISO 32004): data only.
"""

from __future__ import annotations

# pyhanko_certvalidator.asn1_types makes asn1crypto read the public key of an unknown
# algorithm as an opaque bit string instead of failing on every certificate field access.
import pyhanko_certvalidator.asn1_types  # noqa: F401
from asn1crypto import algos, keys

# Public key algorithms (SubjectPublicKeyInfo.algorithm)
KEY_GOST2015_256 = "1.2.398.3.10.1.1.2.1"
KEY_GOST2015_512 = "1.2.398.3.10.1.1.2.2"
KEY_GOST2004 = "1.2.398.3.10.1.1.1.1"
# Parameter sets (first OID in the key's parameters SEQUENCE)
PARAMS_GOST2015_256_A = "1.2.398.3.10.1.1.2.1.1"
PARAMS_GOST2015_512_A = "1.2.398.3.10.1.1.2.2.1"
# Signature algorithms
SIG_GOST2015_256 = "1.2.398.3.10.1.1.2.3.1"
SIG_GOST2015_512 = "1.2.398.3.10.1.1.2.3.2"
SIG_GOST2004 = "1.2.398.3.10.1.1.1.2"
# Digests (Streebog = GOST R 34.11-2015 in the NCA's naming; GOST 34.311-95 for 2004)
DIGEST_STREEBOG256 = "1.2.398.3.10.1.3.2"
DIGEST_STREEBOG512 = "1.2.398.3.10.1.3.3"
DIGEST_GOST34311_95 = "1.2.398.3.10.1.3.1"

# asn1crypto names. The digest names are what pyHanko passes around as `md_algorithm`.
STREEBOG256 = "streebog256"
STREEBOG512 = "streebog512"
GOST2015_256 = "gost2015_256_streebog256"
GOST2015_512 = "gost2015_512_streebog512"

#: Human names used in verdicts, for every GOST OID the NCA has used.
ALGORITHM_NAMES: dict[str, str] = {
    KEY_GOST2015_256: "GOST R 34.10-2015 (256 bit)",
    KEY_GOST2015_512: "GOST R 34.10-2015 (512 bit)",
    KEY_GOST2004: "GOST 34.310-2004",
    SIG_GOST2015_256: "GOST R 34.10-2015 with GOST R 34.11-2015 (256 bit)",
    SIG_GOST2015_512: "GOST R 34.10-2015 with GOST R 34.11-2015 (512 bit)",
    SIG_GOST2004: "GOST 34.310-2004 with GOST 34.311-95",
    DIGEST_STREEBOG256: "GOST R 34.11-2015 (Streebog, 256 bit)",
    DIGEST_STREEBOG512: "GOST R 34.11-2015 (Streebog, 512 bit)",
    DIGEST_GOST34311_95: "GOST 34.311-95",
}

#: signature OID -> (digest name, digest size in bytes)
SIGNATURE_DIGESTS: dict[str, tuple[str, int]] = {
    SIG_GOST2015_256: (STREEBOG256, 32),
    SIG_GOST2015_512: (STREEBOG512, 64),
}

_SIG_NAMES = {
    SIG_GOST2015_256: GOST2015_256,
    SIG_GOST2015_512: GOST2015_512,
    SIG_GOST2004: "gost34310_2004_kz",
}
_DIGEST_NAMES = {
    DIGEST_STREEBOG256: STREEBOG256,
    DIGEST_STREEBOG512: STREEBOG512,
    DIGEST_GOST34311_95: "gost34311_95_kz",
}
_KEY_NAMES = {
    KEY_GOST2015_256: "gost2015_256",
    KEY_GOST2015_512: "gost2015_512",
    KEY_GOST2004: "gost34310_2004_kz",
}


def _add(cls: type, table: dict[str, str]) -> None:
    cls._map.update(table)  # type: ignore[attr-defined]
    reverse = cls._reverse_map  # type: ignore[attr-defined]
    if reverse is not None:
        reverse.update({name: oid for oid, name in table.items()})


_done = False


def register() -> None:
    """Teach asn1crypto the NCA's GOST names (idempotent; runs on import of signing.gost)."""
    global _done
    if _done:
        return
    _add(algos.SignedDigestAlgorithmId, _SIG_NAMES)
    _add(algos.DigestAlgorithmId, _DIGEST_NAMES)
    _add(keys.PublicKeyAlgorithmId, _KEY_NAMES)
    _done = True


def algorithm_name(oid_or_name: str) -> str:
    """A readable name for an algorithm OID or asn1crypto name (the OID itself if unknown)."""
    if oid_or_name in ALGORITHM_NAMES:
        return ALGORITHM_NAMES[oid_or_name]
    for table in (_SIG_NAMES, _DIGEST_NAMES, _KEY_NAMES):
        for oid, name in table.items():
            if name == oid_or_name:
                return ALGORITHM_NAMES[oid]
    return oid_or_name
