"""The application check (seed 002 §21–§23; App. 4 items 3, 7–10; App. 6, App. 7)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from forms.errors import FormDataInvalid
from forms.rules.applications import (
    REFUSAL_GROUNDS,
    REQUIREMENTS,
    ApplicationDecision,
    check_application,
)
from forms.rules.calendar import WorkingCalendar
from forms.rules.categories import Category, CategoryKind

CAL = WorkingCalendar()
TZ = ZoneInfo("Asia/Almaty")
ALL = {r.id for r in REQUIREMENTS}
ESSAY = " ".join(f"сөз{i}" for i in range(270))


def check(docs: set[str] = ALL, **kw: Any) -> ApplicationDecision:
    args: dict[str, Any] = {
        "kind": CategoryKind.TEACHER,
        "attached_document_ids": docs,
        "requested_category": Category.TEACHER_EXPERT,
        "current_category": Category.TEACHER_MODERATOR,
        "submitted_at": datetime(2025, 10, 3, 17, 59, tzinfo=TZ),
        "calendar": CAL,
    }
    args.update(kw)
    return check_application(**args)


def test_requirements_data() -> None:
    assert [r.number for r in REQUIREMENTS if r.number] == list(range(1, 10))
    assert all(r.kk and r.ru for r in REQUIREMENTS)
    assert len({r.id for r in REQUIREMENTS}) == len(REQUIREMENTS)
    assert {g.paragraph for g in REFUSAL_GROUNDS.values()} >= {
        "seed 002 App. 4 item 9.1",
        "seed 002 App. 4 item 9.2",
        "seed 002 App. 4 item 9.3",
    }


def test_accepted() -> None:
    d = check(essay_text=ESSAY)
    assert d.accepted
    assert d.registered_on == date(2025, 10, 3)
    assert d.notice_due == date(2025, 10, 6)
    assert d.details() == []


def test_after_hours_registered_next_working_day() -> None:
    d = check(submitted_at=datetime(2025, 10, 3, 18, 0, 59, tzinfo=TZ))
    assert d.registered_on == date(2025, 10, 6)
    assert d.notice_due == date(2025, 10, 7)


def test_optional_documents_not_required() -> None:
    d = check(ALL - {"identity-document", "professional-achievements"})
    assert d.accepted


def test_missing_documents_listed() -> None:
    d = check(ALL - {"essay", "course-certificate"})
    assert not d.accepted
    assert [r.id for r in d.missing] == ["course-certificate", "essay"]
    assert {x.rule for x in d.details()} == {"document_missing"}


def test_category_documents_only_for_holders() -> None:
    docs = ALL - {"category-certificate-and-order"}
    assert check(docs, current_category=None, requested_category=Category.TEACHER).accepted
    assert not check(docs).accepted


def test_test_waived() -> None:
    docs = ALL - {"knowledge-test-certificate"}
    assert not check(docs).accepted
    assert check(docs, test_waived=True).accepted


@pytest.mark.parametrize(
    ("submitted", "inside"),
    [
        (datetime(2025, 8, 31, 12, tzinfo=TZ), False),
        (datetime(2025, 9, 1, 0, 0, tzinfo=TZ), True),
        (datetime(2025, 12, 31, 23, 59, tzinfo=TZ), True),
        (datetime(2026, 1, 1, 0, 0, tzinfo=TZ), False),
    ],
)
def test_window(submitted: datetime, inside: bool) -> None:
    d = check(submitted_at=submitted)
    assert d.accepted is inside
    if not inside:
        # App. 7 refuses only on App. 4 item 9: a late application falls under 9.2
        assert [(f.ground.id, f.rule) for f in d.grounds] == [
            ("non-compliant-materials", "outside_application_window")
        ]
        assert "item 10" in d.grounds[0].detail


def test_refusal_grounds() -> None:
    d = check(
        personal_data_consent=False,
        unreliable_document_ids={"education-document"},
        requested_category=Category.TEACHER_MASTER,
        essay_text="тым қысқа",
    )
    ids = [f.ground.id for f in d.grounds]
    assert ids == [
        "unreliable-documents",
        "no-personal-data-consent",
        "non-compliant-materials",
        "non-compliant-materials",
    ]
    rules = {x.rule for x in d.details()}
    # a non-compliance names the rule that found it, under the item 9.2 ground
    assert rules == {
        "unreliable_documents",
        "no_personal_data_consent",
        "category_sequence",
        "essay_too_short",
    }
    assert {f.rule for f in d.grounds if f.ground.id == "non-compliant-materials"} == {
        "category_sequence",
        "essay_too_short",
    }


def test_unknown_document_refused() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check(ALL | {"passport-photo"})
    assert exc.value.details[0].rule == "document_unknown"
