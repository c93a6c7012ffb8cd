"""A member's external signature and the background LTV upgrade racing on one protocol.

The upgrader reads the documents below B-LTA, then spends a while (a TSA round trip, the DSS)
on each. A member who prepares a signature in that while signs the file as it was: if the
upgrade then moved the file, the member's signature could never be embedded. Both orders are
played here, step by step, on the suite's real registry: a prepare made after the upgrader's
read makes the upgrade stand back; an upgrade that lands before a prepare is stored makes the
prepare start over on the new file. Either way the member's signature lands and the
document is upgraded afterwards.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.services import Services
from registry import new_id
from registry.countersign import SigningSession
from registry.errors import StaleDocument
from signing import ensure_dev_pki
from signing.keys import load_pkcs12
from signing.keystore import passphrase_path
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    Member,
    make_member,
    protocol_data,
)
from verify import validate_pdf
from workflow import (
    Actor,
    Context,
    IssueRequest,
    SignerRegistration,
    complete_signature,
    issue_document,
    prepare_signature,
    register_signer,
)
from workflow.ltv import upgrade_pending
from workflow.signatures import Prepared
from workflow.signers import provision_key


@pytest.fixture
def services(own_services: Services) -> Services:
    return own_services


@pytest.fixture
def actor(services: Services) -> Actor:
    key, _ = services.registry.create_api_key("Upgrade race tests", {"issue", "sign", "admin"})
    return Actor.of(key)


@pytest.fixture
def people(services: Services, actor: Actor, tmp_path: Path) -> dict[str, Member]:
    """The commission; the first member's key stays on the member's device (external)."""
    ctx = services.context
    pki = ensure_dev_pki(services.settings.keys_dir)
    out = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        external = name == PRESENT_MEMBERS[0]
        m = make_member(pki, tmp_path, name, server_held=not external)
        m.signer_id = register_signer(ctx, actor, SignerRegistration(m.certificate_pem)).id
        if not external:
            provision_key(ctx.signing, ctx.keys, actor.organisation, m.signer_id,
                          f"pkcs12:{m.p12}")  # fmt: skip
        out[name] = m
    return out


def _protocol(ctx: Context, actor: Actor, people: dict[str, Member]) -> str:
    signers = {"chair": people[CHAIR].signer_id, "secretary": people[SECRETARY].signer_id,
               "members": [people[n].signer_id for n in PRESENT_MEMBERS]}  # fmt: skip
    req = IssueRequest("protocol-teachers", "kk", protocol_data(), signers=signers)
    record, _ = issue_document(ctx, actor, req)
    return record.id


def _sign(member: Member, data: bytes) -> bytes:
    key = load_pkcs12(member.p12, passphrase_path(member.p12).read_bytes().removesuffix(b"\n"))
    return key.signer.sign_raw(data, "sha256")  # type: ignore[attr-defined,no-any-return]


def test_a_signature_prepared_during_an_upgrade_wins_and_the_upgrade_waits(
    services: Services, actor: Actor, people: dict[str, Member]
) -> None:
    ctx = services.context
    doc_id = _protocol(ctx, actor, people)
    member = people[PRESENT_MEMBERS[0]]
    before = ctx.registry.get(doc_id).sha256
    prepared: list[Prepared] = []

    def prepare_meanwhile(seen: str) -> bool:
        # called after the upgrader read its list, before it works on the document
        if seen == doc_id and not prepared:
            prepared.append(prepare_signature(ctx, actor, doc_id, member.signer_id))
        return False

    counts = upgrade_pending(ctx, limit=50, skip=prepare_meanwhile)
    assert prepared, "the upgrader did not reach the protocol"
    assert ctx.registry.get(doc_id).sha256 == before  # the upgrade stood back
    assert counts.stale >= 1 and doc_id not in counts.failed_ids

    session = prepared[0].session
    done = complete_signature(ctx, actor, doc_id, session.id, cms_der=None,
                              signature=_sign(member, prepared[0].data_to_sign))  # fmt: skip
    assert done.sha256 != before
    report = validate_pdf(ctx.registry.pdf(done), services.trust_roots)
    assert report.signatures and all(s.intact and s.valid for s in report.signatures)

    upgrade_pending(ctx, limit=50)  # no session open now: the upgrade goes ahead
    assert ctx.registry.get(doc_id).sha256 != done.sha256


def test_an_upgrade_that_lands_first_makes_the_prepare_start_over(
    services: Services, actor: Actor, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = services.context
    doc_id = _protocol(ctx, actor, people)
    member = people[PRESENT_MEMBERS[0]]
    before = ctx.registry.get(doc_id).sha256
    save = ctx.signing.save_session
    bases: list[str] = []

    def upgrade_then_save(session: SigningSession) -> None:
        # the upgrade lands between the prepare's read of the file and its save
        bases.append(session.base_sha256)
        if len(bases) == 1:
            counts = upgrade_pending(ctx, limit=50)
            assert counts.upgraded >= 1 and ctx.registry.get(doc_id).sha256 != before
        save(session)

    monkeypatch.setattr(ctx.signing, "save_session", upgrade_then_save)
    fresh = prepare_signature(ctx, actor, doc_id, member.signer_id)
    monkeypatch.undo()
    assert bases[0] == before and len(bases) == 2  # refused once, redone on the new file
    assert fresh.session.base_sha256 == ctx.registry.get(doc_id).sha256 != before
    with pytest.raises(StaleDocument):  # the registry refuses a session on the old file
        save(dataclasses.replace(fresh.session, id=new_id(), base_sha256=before))
    done = complete_signature(ctx, actor, doc_id, fresh.session.id, cms_der=None,
                              signature=_sign(member, fresh.data_to_sign))  # fmt: skip
    report = validate_pdf(ctx.registry.pdf(done), services.trust_roots)
    assert report.signatures and all(s.intact and s.valid for s in report.signatures)
