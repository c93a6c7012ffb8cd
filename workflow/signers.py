"""Registering a commission member as a signer, with their X.509 certificate."""

from __future__ import annotations

from dataclasses import dataclass

from forms import ErrorDetail, FormDataInvalid
from registry.countersign import NewSigner, SignerRecord
from signing.certificates import facts_of, load_certificate, to_pem
from workflow.context import Actor, Context

__all__ = ["SignerRegistration", "read_signer", "register_signer"]


@dataclass(frozen=True)
class SignerRegistration:
    """``POST /v1/signers``: a certificate, and what to say where it is silent."""

    certificate: str
    """PEM or base64 DER."""
    name: str | None = None
    iin: str | None = None
    organisation: str | None = None
    key_location: str | None = None
    """Where the server holds the key (``pkcs12:…``, ``pkcs11:…``); ``None``: the member."""


def register_signer(ctx: Context, actor: Actor, req: SignerRegistration) -> SignerRecord:
    """Register a signer; name, IIN and organisation default to the certificate subject's
    CN, SERIALNUMBER=IIN… and O. With ``key_location`` the server holds the key."""
    cert = load_certificate(req.certificate)
    facts = facts_of(cert)
    if req.iin and facts.iin and req.iin != facts.iin:
        raise FormDataInvalid(
            [ErrorDetail("iin", "iin_certificate_mismatch", "the certificate names another IIN")]
        )
    name = req.name or facts.common_name
    if not name:
        raise FormDataInvalid([ErrorDetail("name", "missing", "the certificate has no CN")])
    if req.key_location is not None:
        held = ctx.keys.open(req.key_location)
        if held.certificate.dump() != cert.dump():
            raise FormDataInvalid(
                [ErrorDetail("key_location", "key_certificate_mismatch",
                             "the key held there belongs to another certificate")]
            )  # fmt: skip
    signer = NewSigner(
        organisation=actor.organisation,
        name=name.strip(),
        iin=facts.iin or req.iin,
        affiliation=req.organisation or facts.organisation,
        certificate_pem=to_pem(cert),
        certificate_sha256=facts.sha256,
        key_location=req.key_location,
    )
    return ctx.signing.add_signer(signer, actor.key_id)


def read_signer(ctx: Context, actor: Actor, signer_id: str) -> SignerRecord:
    """One of the actor's organisation's signers."""
    return ctx.signing.signer(signer_id, actor.organisation)
