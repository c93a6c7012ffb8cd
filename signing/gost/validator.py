"""A pyhanko-certvalidator signature validator that knows the NCA's GOST algorithms.

Pass :data:`GOST_SIGNATURE_VALIDATOR` as ``signature_validator=`` to
:class:`pyhanko_certvalidator.ValidationContext`: certificates, CRLs and OCSP responses signed
with GOST R 34.10-2015 then verify during path building and revocation checks, and pyHanko's CMS
checks use the same object (``ValidationContext.sig_validator``). Everything else goes to
pyhanko-certvalidator's own :class:`DefaultSignatureValidator`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from asn1crypto import algos, keys, x509
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import AlgorithmNotSupported
from pyhanko_certvalidator.policy_decl import (
    AlgorithmUsageConstraint,
    AlgorithmUsagePolicy,
    DisallowWeakAlgorithmsPolicy,
)
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
    SignatureValidator,
)

from signing.gost import oids, streebog
from signing.gost.gost3410 import GostKeyError, GostPublicKey
from signing.remembered import Remembered

_UNSUPPORTED = {oids.SIG_GOST2004, oids.KEY_GOST2004}


class GostSignatureValidator(SignatureValidator):
    """GOST R 34.10-2015 (256/512) with Streebog; other algorithms by the default validator."""

    def __init__(self, fallback: SignatureValidator | None = None) -> None:
        self._fallback = fallback or DefaultSignatureValidator()

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: keys.PublicKeyInfo,
        signature_algorithm: algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        """Raise :class:`InvalidSignature` unless `signature` is valid; a GOST 34.310-2004
        or other unknown GOST variant raises :class:`AlgorithmNotSupported` naming it."""
        sig_oid = signature_algorithm["algorithm"].dotted
        key_oid = public_key_info["algorithm"]["algorithm"].dotted
        if sig_oid in _UNSUPPORTED or key_oid in _UNSUPPORTED:
            name = oids.algorithm_name(sig_oid if sig_oid in _UNSUPPORTED else key_oid)
            raise AlgorithmNotSupported(f"Signature algorithm {name} ({sig_oid}) is not supported")
        if sig_oid not in oids.SIGNATURE_DIGESTS:
            if key_oid in (oids.KEY_GOST2015_256, oids.KEY_GOST2015_512):
                raise AlgorithmNotSupported(
                    f"A GOST R 34.10-2015 key with signature algorithm {sig_oid}"
                )
            self._fallback.validate_signature(
                signature, signed_data, public_key_info, signature_algorithm, context
            )
            return
        digest_name, size = oids.SIGNATURE_DIGESTS[sig_oid]
        try:
            key = GostPublicKey.from_spki(public_key_info)
        except GostKeyError as exc:
            raise InvalidSignature(str(exc)) from exc
        if key.curve.size != size:
            raise InvalidSignature("GOST signature algorithm does not match the key size")
        prehashed = context.prehashed
        digest = signed_data if prehashed else streebog.digest(digest_name, signed_data)
        if not _verified(key, public_key_info.dump(), signature, digest):
            raise InvalidSignature("GOST R 34.10-2015 signature does not verify")


_VERIFIED: Remembered[tuple[bytes, bytes, bytes], bool] = Remembered(4096)


def _verified(key: GostPublicKey, spki: bytes, signature: bytes, digest: bytes) -> bool:
    """``key.verify_digest``, remembered: a protocol's ten signatures check the same CA
    signature on the same certificates again and again (path building, revocation answers),
    each a few milliseconds of curve arithmetic. The answer is a pure function of the key,
    the value and the digest, so remembering it changes nothing but the time."""
    entry = (spki, signature, digest)
    known = _VERIFIED.get(entry)
    if known is None:
        known = key.verify_digest(signature, digest)
        _VERIFIED.put(entry, known)
    return known


GOST_SIGNATURE_VALIDATOR = GostSignatureValidator()
"""The shared instance (stateless)."""


class GostAlgorithmPolicy(AlgorithmUsagePolicy):
    """pyhanko-certvalidator's default weak-algorithm policy, plus a refusal of GOST
    34.310-2004 / GOST 34.311-95 that names them (certvalidator reports a signature it cannot
    check only as "could not be verified"; a policy refusal carries our reason)."""

    def __init__(self, inner: AlgorithmUsagePolicy | None = None) -> None:
        self._inner = inner or DisallowWeakAlgorithmsPolicy()  # type: ignore[no-untyped-call]

    def digest_algorithm_allowed(
        self, algo: algos.DigestAlgorithm, moment: datetime | None
    ) -> AlgorithmUsageConstraint:
        """Refuse GOST 34.311-95; otherwise the inner policy."""
        if algo["algorithm"].dotted == oids.DIGEST_GOST34311_95:
            return AlgorithmUsageConstraint(
                False,
                failure_reason=f"{oids.algorithm_name(oids.DIGEST_GOST34311_95)} is not supported",
            )
        return self._inner.digest_algorithm_allowed(algo, moment)

    def signature_algorithm_allowed(
        self,
        algo: algos.SignedDigestAlgorithm,
        moment: datetime | None,
        public_key: keys.PublicKeyInfo | None,
    ) -> AlgorithmUsageConstraint:
        """Refuse GOST 34.310-2004; otherwise the inner policy."""
        oid = algo["algorithm"].dotted
        if oid in _UNSUPPORTED:
            return AlgorithmUsageConstraint(
                False, failure_reason=f"{oids.algorithm_name(oid)} is not supported"
            )
        return self._inner.signature_algorithm_allowed(algo, moment, public_key)


GOST_ALGORITHM_POLICY = GostAlgorithmPolicy()


def gost_validation_context(
    trust_roots: Iterable[x509.Certificate],
    *,
    moment: datetime | None = None,
    other_certs: Iterable[x509.Certificate] = (),
    crls: Iterable[bytes] = (),
    ocsps: Iterable[bytes] = (),
    revocation_mode: str = "soft-fail",
    **kwargs: Any,
) -> ValidationContext:
    """A ValidationContext that verifies GOST signatures and names unsupported GOST
    algorithms; never fetches (revocation comes from :mod:`signing.revocation`)."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        moment=moment,
        crls=list(crls),
        ocsps=list(ocsps),
        allow_fetching=False,
        revocation_mode=revocation_mode,
        signature_validator=GOST_SIGNATURE_VALIDATOR,
        algorithm_usage_policy=GOST_ALGORITHM_POLICY,
        **kwargs,
    )
