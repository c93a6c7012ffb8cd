"""What follows a fully signed protocol: an extract for every person in it (App. 3 or 13),
signed by the secretary, and a certificate (App. 1) for every category awarded or confirmed
(seed 002 §12, §20, §47). Each names the protocol (``protocol_id``) and goes through the
normal issuance path, which checks it against the protocol's decisions.

Idempotency keys derived from the protocol and the person make this safe to run twice
(automatically after the last signature, or again on request).
"""

from __future__ import annotations

import logging
from typing import Any

from api.countersigning import sign_with_server_key, signing_registry
from api.issuing import IssueRequest, issue_document
from api.services import Services
from forms import get_form
from forms.catalogue.protocols import (
    PROTOCOL_FORM_IDS,
    PROTOCOL_HEADS,
    HeadDecision,
    HeadsProtocol,
    TeacherDecision,
    TeachersProtocol,
)
from forms.errors import Conflict, QujatError
from forms.rules.calendar import Deadline, WorkingCalendar
from forms.rules.commission import Outcome
from forms.rules.consistency import AWARDING_OUTCOMES
from registry import DocumentRecord
from registry.records import ApiKeyRecord

__all__ = ["derive_from_protocol", "resume_derivations"]

log = logging.getLogger("qujat.derived")

_CALENDAR: WorkingCalendar | None = None


def _calendar() -> WorkingCalendar:
    global _CALENDAR
    if _CALENDAR is None:
        _CALENDAR = WorkingCalendar.from_environment()
    return _CALENDAR


def derive_from_protocol(
    services: Services, key: ApiKeyRecord, protocol: DocumentRecord
) -> list[DocumentRecord]:
    """Issue the protocol's extracts and certificates (those not issued yet); returns all."""
    if protocol.form not in PROTOCOL_FORM_IDS:
        raise Conflict("only a protocol has extracts and certificates to derive")
    if protocol.status != "issued":
        raise Conflict(f"the protocol is {protocol.status}; it must be fully signed first")
    registry = signing_registry(services)
    plan = registry.plan(protocol.id)
    follow_up: dict[str, Any] = plan[1] if plan else {}
    case = get_form(protocol.form).validate(protocol.case_data)
    assert isinstance(case, TeachersProtocol | HeadsProtocol)
    decisions: list[TeacherDecision | HeadDecision] = list(case.decisions)
    secretary = next(
        (r.signer_id for r in registry.required_signers(protocol.id) if r.role == "secretary"),
        None,
    )
    out: list[DocumentRecord] = []
    if follow_up.get("extracts", True):
        due = _calendar().due_date(Deadline.EXTRACT, case.date)
        form = (
            "protocol-extract-heads" if protocol.form == PROTOCOL_HEADS.id
            else "protocol-extract-teachers"
        )  # fmt: skip
        for row in decisions:
            data = {
                "protocol": {"commission": case.commission.name, "number": case.number,
                             "date": case.date.isoformat()},
                "person": row.person.model_dump(mode="json"),
                "current_category": row.current_category,
                "declared_category": row.declared_category,
                "outcome": row.outcome,
                "awarded_category": row.awarded_category,
                "secretary": case.commission.secretary,
            }  # fmt: skip
            request = IssueRequest(
                form, protocol.lang, data, protocol.id,
                idempotency_key=f"protocol:{protocol.id}:extract:{row.person.iin}",
                signers={"secretary": secretary} if secretary else None,
                due_date=due,
            )  # fmt: skip
            out.append(_issue_and_sign(services, key, request, secretary))
    terms = follow_up.get("certificates")
    if terms:
        for i, decided in enumerate(decisions, start=1):
            if (
                Outcome(decided.outcome) not in AWARDING_OUTCOMES
                or decided.awarded_category is None
            ):
                continue
            confirmed = decided.awarded_category == decided.current_category
            data = {
                "holder": decided.person.model_dump(mode="json"),
                "position": decided.position,
                "category": decided.awarded_category,
                "decision": "confirmed" if confirmed else "awarded",
                "commission_decision_date": case.date.isoformat(),
                "organisation": terms["organisation"],
                "order": terms["order"],
                "head": terms["head"],
                "registration_number": f"{terms.get('registration_prefix', '')}{i}",
                "issue_date": terms["issue_date"],
            }
            request = IssueRequest(
                "qualification-certificate", protocol.lang, data, protocol.id,
                idempotency_key=f"protocol:{protocol.id}:certificate:{decided.person.iin}",
            )  # fmt: skip
            out.append(issue_document(services, key, request)[0])
    return out


def _issue_and_sign(
    services: Services, key: ApiKeyRecord, request: IssueRequest, secretary: str | None
) -> DocumentRecord:
    record, _ = issue_document(services, key, request)
    if secretary is None or record.status != "awaiting-signatures":
        return record
    signer = signing_registry(services).signer(secretary)
    if signer.key_location is None:
        return record  # the secretary signs it through the external flow
    try:
        return sign_with_server_key(services, key, record.id, secretary)
    except QujatError as exc:
        log.warning("secretary's signature on extract %s failed: %s", record.id, exc.message)
        return record


def resume_derivations(services: Services) -> int:
    """Finish the follow-up documents of protocols whose derivation a crash interrupted.

    Run at start-up (``derived_documents=auto``); each protocol's documents are issued
    under deterministic Idempotency-Keys, so what was already made is found, not repeated.
    Returns how many protocols were finished.
    """
    registry = signing_registry(services)
    done = 0
    for doc_id in registry.awaiting_derivation():
        protocol = services.registry.get(doc_id)
        actor = ApiKeyRecord(
            id="system",
            organisation=protocol.organisation,
            scopes=frozenset({"issue"}),
            created_at=protocol.created_at,
            revoked_at=None,
        )
        try:
            derive_from_protocol(services, actor, protocol)
            registry.mark_derived(doc_id)
            done += 1
        except QujatError:
            log.exception("resuming the documents of protocol %s failed", doc_id)
    return done
