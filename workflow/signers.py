"""Registering a commission member as a signer, with their X.509 certificate."""

from __future__ import annotations

from dataclasses import dataclass

from forms import ErrorDetail, FormDataInvalid
from registry.countersign import NewSigner, SignerRecord
from signing.certificates import facts_of, load_certificate, to_pem
from signing.signer_trust import check_signer
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
    """Register a signer whose certificate chains to a configured anchor, is inside its
    validity, is a signing key and is not revoked (:func:`signing.signer_trust.check_signer`;
    422 ``signature_refused`` naming the rule, 503 if revocation data cannot be fetched).
    Name, IIN and organisation are the certificate's (CN, SERIALNUMBER=IIN…, O); a request
    stating another name or IIN is refused. With ``key_location`` the server holds the key."""
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
        iin=iin,
        affiliation=req.organisation or facts.organisation,
        certificate_pem=to_pem(cert),
        certificate_sha256=facts.sha256,
        key_location=req.key_location,
    )
    return ctx.signing.add_signer(signer, actor.key_id)


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def read_signer(ctx: Context, actor: Actor, signer_id: str) -> SignerRecord:
    """One of the actor's organisation's signers."""
    return ctx.signing.signer(signer_id, actor.organisation)
