"""A pyHanko ``SimpleSigner`` that does its per-key work once instead of per signature.

Profiling a certification of a 30 KB PDF showed ~9 of ~11 ms inside CMS assembly, nearly all
of it asn1crypto building and serialising the ``signing-certificate-v2`` attribute from the
parsed certificate (plus ``SimpleSigner.sign_raw`` parsing the private key every call). Both
depend only on the key, so they are computed once here; the bytes that go into the signature
are the same pyHanko would produce.
"""

from __future__ import annotations

from collections.abc import Iterable

from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from signing.settle import settled

__all__ = ["CachingSigner"]


class _FixedAttribute(CMSAttributeProvider):
    """Provides an attribute value computed in advance."""

    def __init__(self, attribute_type: str, value: tsp.SigningCertificateV2) -> None:
        self.attribute_type = attribute_type
        self._value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self._value


class _PadesSignedAttributes(SignedAttributeProviderSpec):
    """What pyHanko's CAdES spec yields for a PAdES signature: ``signing-certificate-v2`` only.

    (PAdES forbids the CMS signing-time attribute; the time goes into the signature
    dictionary's ``/M``.) The value is parsed back from DER so that serialising it again
    is a copy, not a rebuild.
    """

    def __init__(self, signing_cert: x509.Certificate) -> None:
        built = as_signing_certificate_v2(signing_cert)
        self.value = settled(tsp.SigningCertificateV2.load(built.dump()))  # shared: settled
        self._provider = _FixedAttribute("signing_certificate_v2", self.value)

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[CMSAttributeProvider]:
        yield self._provider


class CachingSigner(SimpleSigner):
    """A ``SimpleSigner`` for PAdES signatures that keeps its parsed key and attributes.

    Only for PAdES (``ETSI.CAdES.detached``) signatures, which is all Qujat makes.
    """

    def __init__(
        self,
        signing_cert: x509.Certificate,
        signing_key: keys.PrivateKeyInfo,
        chain: Iterable[x509.Certificate],
    ) -> None:
        settled(signing_key)  # read by every signature, from many threads
        registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        for cert in chain:
            registry.register(cert)
        super().__init__(signing_cert=signing_cert, signing_key=signing_key, cert_registry=registry)
        self._private_key = serialization.load_der_private_key(signing_key.dump(), password=None)
        spec = _PadesSignedAttributes(signing_cert)
        self.signed_attr_prov_spec = spec
        self.signing_certificate_v2 = spec.value
        """The ``signing-certificate-v2`` attribute's value (the lean writer reuses it)."""

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        if algorithm == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        # anything else (PSS, EdDSA, ...): pyHanko's own path, key parsed per call
        return super().sign_raw(data, digest_algorithm)
