"""The flows called directly, as the routes, the CLI and the workers call them, on the
suite's real SQLite registry (no HTTP): issuance and its replay, the signer plan checked
against registered signers, countersigning in order, a signing link's grant, the
follow-up documents and their resumption after a crash."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.services import Services
from forms import FormDataInvalid, get_form
from registry import Conflict, NotFound
from registry.errors import AlreadySigned
from signing import ensure_dev_pki
from tests.support.commission import (
    CERTIFICATE_TERMS,
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    Member,
    make_member,
    protocol_data,
)
from workflow import (
    Actor,
    Context,
    IssueRequest,
    LinkGrant,
    SignerRegistration,
    derive_from_protocol,
    document_for,
    issue_document,
    prepare_signature,
    register_signer,
    resume_derivations,
    sign_with_server_key,
)
from workflow.documents import plan_signers
from workflow.signers import provision_key


@pytest.fixture
def ctx(services: Services) -> Context:
    return services.context


@pytest.fixture
def actor(services: Services) -> Actor:
    key, _ = services.registry.create_api_key("Workflow tests", {"issue", "sign", "admin"})
    return Actor.of(key)


@pytest.fixture
def people(ctx: Context, actor: Actor, services: Services, tmp_path: Path) -> dict[str, Member]:
    """The commission, registered through the signer flow, every key held by the server."""
    pki = ensure_dev_pki(services.settings.keys_dir)
    out = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        m = make_member(pki, tmp_path, name, server_held=True)
        m.signer_id = register_signer(ctx, actor, SignerRegistration(m.certificate_pem)).id
        provision_key(ctx.signing, ctx.keys, actor.organisation, m.signer_id, f"pkcs12:{m.p12}")
        out[name] = m
    return out


def signers_of(people: dict[str, Member]) -> dict[str, object]:
    return {
        "chair": people[CHAIR].signer_id,
        "members": [people[m].signer_id for m in PRESENT_MEMBERS],
        "secretary": people[SECRETARY].signer_id,
    }


def test_issuing_twice_under_one_key_replays_and_another_body_conflicts(
    ctx: Context, actor: Actor
) -> None:
    spec = get_form("qualification-certificate")
    req = IssueRequest(spec.id, "kk", dict(spec.example), idempotency_key="wf-replay-1")
    first, created = issue_document(ctx, actor, req)
    again, created_again = issue_document(ctx, actor, req)
    assert created and not created_again and again.id == first.id
    other = dataclasses.replace(req, lang="ru")
    with pytest.raises(Conflict) as refused:
        issue_document(ctx, actor, other)
    assert refused.value.details[0].rule == "idempotency_key_reused"


def test_another_organisation_does_not_see_the_document(ctx: Context, actor: Actor) -> None:
    spec = get_form("qualification-certificate")
    record, _ = issue_document(ctx, actor, IssueRequest(spec.id, "kk", dict(spec.example)))
    assert document_for(ctx, actor, record.id).id == record.id
    with pytest.raises(NotFound):
        document_for(ctx, Actor("Another organisation", "k2"), record.id)


def test_the_plan_is_checked_against_the_registered_signers(
    ctx: Context, actor: Actor, people: dict[str, Member]
) -> None:
    spec = get_form("protocol-teachers")
    case = spec.validate(protocol_data())
    plan = plan_signers(ctx, actor, spec, case, signers_of(people))
    assert plan is not None
    assert [p.role for p in plan] == ["member"] * len(PRESENT_MEMBERS) + ["chair", "secretary"]
    swapped = {**signers_of(people), "chair": people[SECRETARY].signer_id}
    with pytest.raises(FormDataInvalid) as refused:
        plan_signers(ctx, actor, spec, case, swapped)
    assert refused.value.details[0].rule == "signer_name_mismatch"
    stranger = Actor("Another organisation", "k2")
    with pytest.raises(FormDataInvalid) as refused:
        plan_signers(ctx, stranger, spec, case, signers_of(people))
    assert refused.value.details[0].rule == "signer_unknown"
    strict = dataclasses.replace(
        ctx, policy=dataclasses.replace(ctx.policy, protocol_signers="required")
    )
    with pytest.raises(FormDataInvalid) as refused:
        plan_signers(strict, actor, spec, case, None)
    assert refused.value.details[0].rule == "signers_required"


def test_countersigning_in_order_then_the_follow_up_resumes_after_a_crash(
    ctx: Context, actor: Actor, people: dict[str, Member]
) -> None:
    # "on-request": as if the process died right after the last signature
    manual = dataclasses.replace(
        ctx, policy=dataclasses.replace(ctx.policy, derived_documents="on-request")
    )
    req = IssueRequest("protocol-teachers", "kk", protocol_data(), signers=signers_of(people),
                       follow_up={"extracts": True, "certificates": CERTIFICATE_TERMS})  # fmt: skip
    protocol, _ = issue_document(manual, actor, req)
    assert protocol.status == "awaiting-signatures"
    with pytest.raises(Conflict) as early:
        sign_with_server_key(manual, actor, protocol.id, people[CHAIR].signer_id)
    assert early.value.details[0].rule == "signing_order"
    first = people[PRESENT_MEMBERS[0]].signer_id
    sign_with_server_key(manual, actor, protocol.id, first)
    with pytest.raises(AlreadySigned):
        sign_with_server_key(manual, actor, protocol.id, first)
    for name in [*PRESENT_MEMBERS[1:], CHAIR, SECRETARY]:
        done = sign_with_server_key(manual, actor, protocol.id, people[name].signer_id)
    assert done.status == "issued"
    assert manual.signing.derived(protocol.id) == []
    assert protocol.id in manual.signing.awaiting_derivation()

    assert resume_derivations(ctx) >= 1
    derived = ctx.signing.derived(protocol.id)
    extracts = [d for d in derived if d.form == "protocol-extract-teachers"]
    certificates = [d for d in derived if d.form == "qualification-certificate"]
    assert len(extracts) == 6 and len(certificates) == 5
    assert {e.status for e in extracts} == {"issued"}  # the secretary's key is server-held
    awaiting = ctx.signing.awaiting_derivation()
    assert protocol.id not in awaiting
    assert not {e.id for e in extracts} & set(awaiting)  # signed too, but nothing to derive
    again = derive_from_protocol(ctx, actor, ctx.registry.get(protocol.id))
    assert sorted(d.id for d in again) == sorted(d.id for d in derived)  # idempotent


def test_a_signing_link_grants_its_own_document_only(
    ctx: Context, actor: Actor, people: dict[str, Member]
) -> None:
    req = IssueRequest("protocol-teachers", "kk", protocol_data(), signers=signers_of(people))
    mine, _ = issue_document(ctx, actor, req)
    other, _ = issue_document(ctx, actor, dataclasses.replace(req))
    required = ctx.signing.required_signers(mine.id)[0]
    grant = LinkGrant(mine.id, required, "token")
    prepared = prepare_signature(ctx, grant, mine.id, grant.signer_id)
    assert prepared.field_name == required.field_name
    with pytest.raises(NotFound):
        prepare_signature(ctx, grant, other.id, grant.signer_id)
