"""A pyhanko-certvalidator signature validator that knows the NCA's GOST algorithms.

Pass :data:`GOST_SIGNATURE_VALIDATOR` as ``signature_validator=`` to
:class:`pyhanko_certvalidator.ValidationContext`: certificates, CRLs and OCSP responses signed
with GOST R 34.10-2015 then verify during path building and revocation checks, and pyHanko's CMS
checks use the same object (``ValidationContext.sig_validator``). Everything else goes to
pyhanko-certvalidator's own :class:`DefaultSignatureValidator`.
"""

from __future__ import annotations

from asn1crypto import algos, keys
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.errors import AlgorithmNotSupported
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
    SignatureValidator,
)

from signing.gost import oids, streebog
from signing.gost.gost3410 import GostKeyError, GostPublicKey

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
        if context.prehashed:
            digest = signed_data
        else:
            digest = streebog.digest(digest_name, signed_data)
        if not key.verify_digest(signature, digest):
            raise InvalidSignature("GOST R 34.10-2015 signature does not verify")


GOST_SIGNATURE_VALIDATOR = GostSignatureValidator()
"""The shared instance (stateless)."""
