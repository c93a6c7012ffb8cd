"""A signed protocol's follow-up documents and the consistency of a document with its
protocol (seed 002 §12, §20, §47), on the catalogue's example protocol: no HTTP, no
database."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormDataInvalid, get_form
from forms.catalogue.protocols import TeachersProtocol, protocol_decisions
from forms.rules.commission import Outcome
from forms.rules.consistency import AWARDING_OUTCOMES
from forms.rules.derivation import certificates_of, extract_form, extracts_of
from forms.rules.protocol_consistency import check_against_protocol

TERMS = {
    "organisation": {"name": "Қарағанды қаласы бойынша білім бөлімі", "bin": "940140000385"},
    "order": {"number": "241-Ж", "date": "2025-06-25"},
    "head": {"full_name": "Омарова Айгүл Серікқызы", "position": "Басшы"},
    "issue_date": "2025-06-26",
    "registration_prefix": "KRG-2025-",
}


@pytest.fixture(scope="module")
def protocol() -> TeachersProtocol:
    case = get_form("protocol-teachers").validate(get_form("protocol-teachers").example)
    assert isinstance(case, TeachersProtocol)
    return case


def test_an_extract_per_person_each_a_valid_case(protocol: TeachersProtocol) -> None:
    due = date(2025, 6, 25)
    extracts = extracts_of("p1", protocol, heads=False, due=due)
    assert len(extracts) == len(protocol.decisions)
    keys = {e.idempotency_key for e in extracts}
    assert keys == {f"protocol:p1:extract:{d.person.iin}" for d in protocol.decisions}
    for extract in extracts:
        assert extract.form == "protocol-extract-teachers" and extract.secretary_signs
        assert extract.due_date == due
        get_form(extract.form).validate(extract.data)  # the derived data is a valid case
    assert extract_form(heads=True) == "protocol-extract-heads"


def test_a_certificate_for_every_award_or_confirmation(protocol: TeachersProtocol) -> None:
    certificates = certificates_of("p1", protocol, TERMS)
    awarded = [d for d in protocol.decisions
               if Outcome(d.outcome) in AWARDING_OUTCOMES and d.awarded_category]  # fmt: skip
    assert 0 < len(certificates) == len(awarded) < len(protocol.decisions)
    for cert, row in zip(certificates, awarded, strict=True):
        assert not cert.secretary_signs
        assert cert.data["category"] == row.awarded_category
        assert cert.data["registration_number"].startswith("KRG-2025-")
        case = get_form("qualification-certificate").validate(cert.data)
        check_against_protocol("qualification-certificate", case, protocol_decisions(protocol))


def test_derived_extracts_agree_with_their_protocol(protocol: TeachersProtocol) -> None:
    decisions = protocol_decisions(protocol)
    for extract in extracts_of("p1", protocol, heads=False, due=date(2025, 6, 25)):
        case = get_form(extract.form).validate(extract.data)
        check_against_protocol(extract.form, case, decisions)


def _tampered(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.update(changes)
    return out


def test_a_certificate_for_another_category_is_refused(protocol: TeachersProtocol) -> None:
    cert = certificates_of("p1", protocol, TERMS)[0]
    other = "teacher-master" if cert.data["category"] != "teacher-master" else "teacher-expert"
    case = get_form("qualification-certificate").validate(_tampered(cert.data, category=other))
    with pytest.raises(FormDataInvalid) as refused:
        check_against_protocol("qualification-certificate", case, protocol_decisions(protocol))
    assert "protocol_category_mismatch" in [d.rule for d in refused.value.details]


def test_a_certificate_for_someone_not_in_the_protocol_is_refused(
    protocol: TeachersProtocol,
) -> None:
    cert = certificates_of("p1", protocol, TERMS)[0]
    stranger = {**cert.data["holder"], "iin": "880705465683"}
    case = get_form("qualification-certificate").validate(_tampered(cert.data, holder=stranger))
    with pytest.raises(FormDataInvalid):
        check_against_protocol("qualification-certificate", case, protocol_decisions(protocol))


def test_other_forms_are_not_checked(protocol: TeachersProtocol) -> None:
    spec = get_form("course-certificate")
    check_against_protocol(spec.id, spec.validate(spec.example), protocol_decisions(protocol))
