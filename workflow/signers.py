"""Registering a commission member as a signer, with their X.509 certificate."""

from __future__ import annotations

from dataclasses import dataclass

from forms import ErrorDetail, FormDataInvalid
from registry.countersign import NewSigner, SignerRecord, SigningRegistry
from signing.certificates import facts_of, load_certificate, to_pem
from signing.keystore import SignerKeyStore
from signing.signer_trust import check_signer
from workflow.context import Actor, Context

__all__ = ["SignerRegistration", "provision_key", "read_signer", "register_signer"]


@dataclass(frozen=True)
class SignerRegistration:
    """``POST /v1/signers``: a certificate, and what to say where it is silent."""

    certificate: str
    """PEM or base64 DER."""
    name: str | None = None
    iin: str | None = None
    organisation: str | None = None


def register_signer(ctx: Context, actor: Actor, req: SignerRegistration) -> SignerRecord:
    """Register a signer whose certificate chains to a configured anchor, is inside its
    validity, is a signing key and is not revoked (:func:`signing.signer_trust.check_signer`;
    422 ``signature_refused`` naming the rule, 503 if revocation data cannot be fetched).
    Name, IIN and organisation are the certificate's (CN, SERIALNUMBER=IIN…, O); a request
    stating another name or IIN is refused. The key is the member's: a client never names where a
    key lives (:func:`provision_key` is the operator's)."""
    cert = load_certificate(req.certificate)
    trusted = check_signer(cert, ctx.trust_for_signers(), ctx.clock())
    facts = facts_of(cert)
    iin = trusted.facts.iin if trusted.facts is not None else facts.iin
    if req.iin and req.iin != iin:
        raise FormDataInvalid(
            [ErrorDetail("iin", "iin_certificate_mismatch", "the certificate names another IIN")]
        )
    name = facts.common_name
    if not name:
        raise FormDataInvalid([ErrorDetail("name", "missing", "the certificate has no CN")])
    if req.name and _plain(req.name) != _plain(name):
        raise FormDataInvalid(
            [
                ErrorDetail(
                    "name", "name_certificate_mismatch", "the certificate names another person"
                )
            ]
        )
    signer = NewSigner(
        organisation=actor.organisation,
        name=name.strip(),
        iin=iin,
        affiliation=req.organisation or facts.organisation,
        certificate_pem=to_pem(cert),
        certificate_sha256=facts.sha256,
        key_location=None,
    )
    return ctx.signing.add_signer(signer, actor.key_id)


def provision_key(
    signing: SigningRegistry, keys: SignerKeyStore, organisation: str, signer_id: str,
    location: str, actor: str = "operator",
) -> SignerRecord:  # fmt: skip
    """The operator's step (``qujat signers add-key``): the server holds ``signer_id``'s key
    at ``location``. Refused unless the signer is ``organisation``'s and the key there
    belongs to the signer's registered certificate, so no organisation's signer can be
    given a key that is not its own."""
    signer = signing.signer(signer_id, organisation)
    held = keys.open(location)
    if held.certificate.sha256.hex() != signer.certificate_sha256:
        raise FormDataInvalid(
            [ErrorDetail("key", "key_certificate_mismatch",
                         "that key belongs to another certificate than the signer's")]
        )  # fmt: skip
    return signing.set_key_location(signer_id, organisation, location, actor)


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def read_signer(ctx: Context, actor: Actor, signer_id: str) -> SignerRecord:
    """One of the actor's organisation's signers."""
    return ctx.signing.signer(signer_id, actor.organisation)
