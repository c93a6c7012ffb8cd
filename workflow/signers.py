"""Registering a commission member as a signer, with their X.509 certificate."""

from __future__ import annotations

from dataclasses import dataclass

from forms import ErrorDetail, FormDataInvalid
from registry.countersign import NewSigner, SignerRecord, SigningRegistry
from signing.certificates import facts_of, load_certificate, to_pem
from signing.keystore import SignerKeyStore
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
    """Register a signer; name, IIN and organisation default to the certificate subject's
    CN, SERIALNUMBER=IIN… and O. The key is the member's: a client never names where a
    key lives (:func:`provision_key` is the operator's)."""
    cert = load_certificate(req.certificate)
    facts = facts_of(cert)
    if req.iin and facts.iin and req.iin != facts.iin:
        raise FormDataInvalid(
            [ErrorDetail("iin", "iin_certificate_mismatch", "the certificate names another IIN")]
        )
    name = req.name or facts.common_name
    if not name:
        raise FormDataInvalid([ErrorDetail("name", "missing", "the certificate has no CN")])
    signer = NewSigner(
        organisation=actor.organisation,
        name=name.strip(),
        iin=facts.iin or req.iin,
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


def read_signer(ctx: Context, actor: Actor, signer_id: str) -> SignerRecord:
    """One of the actor's organisation's signers."""
    return ctx.signing.signer(signer_id, actor.organisation)
