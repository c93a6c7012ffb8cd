"""Working-day calendar and deadlines (seed 002 §20, §23, §47; App. 4 items 3, 7, 10)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import FormDataInvalid
from forms.rules.calendar import (
    TRANSFERS_ENV,
    Deadline,
    WorkingCalendar,
    application_window,
    in_application_window,
    load_transfers,
)

ALMATY = ZoneInfo("Asia/Almaty")
CAL = WorkingCalendar()


def at(y: int, m: int, d: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 5, 4), True),  # Saturday worked (transfer to 8 May)
        (date(2024, 5, 8), False),  # transferred day off
        (date(2025, 1, 5), True),  # Sunday worked (transfer to 3 January)
        (date(2025, 1, 3), False),
        (date(2025, 3, 10), False),  # 8 March on Saturday moves to Monday
        (date(2025, 3, 24), False),  # Nauryz 22–23 on the weekend: Mon and Tue off
        (date(2025, 3, 25), False),
        (date(2025, 3, 26), True),
        (date(2024, 1, 8), True),  # 7 January on Sunday is never moved
        (date(2024, 6, 17), True),  # Kurban Ait 16 June 2024 (Sunday) is never moved
        (date(2025, 6, 6), False),  # Kurban Ait 2025
        (date(2025, 12, 16), False),
        (date(2025, 12, 17), True),  # 17 December is no holiday since 2022
        (date(2025, 9, 1), False),  # Constitution Day on Saturday 30 August moves to Monday
        (date(2024, 10, 25), False),  # Republic Day
        (date(2024, 10, 26), False),  # plain Saturday
        (date(2024, 10, 28), True),
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_holiday_not_moved_twice() -> None:
    # 8 March 2025 (Sat) is observed on Monday 10 March only; Tuesday 11 March works.
    assert CAL.is_working_day(date(2025, 3, 11))


def test_default_transfers_file_lists_sources() -> None:
    assert all(t.source for t in CAL.transfers)
    assert {t.day_off for t in CAL.transfers} >= {date(2024, 5, 8), date(2025, 1, 3)}


def test_operator_transfers_file(tmp_path: Path) -> None:
    f = tmp_path / "extra.json"
    f.write_text(
        json.dumps(
            {"transfers": [{"day_off": "2026-01-05", "working_day": "2026-01-10", "source": "t"}]}
        ),
        "utf-8",
    )
    cal = WorkingCalendar(f)
    assert not cal.is_working_day(date(2026, 1, 5))
    assert cal.is_working_day(date(2026, 1, 10))
    assert CAL.is_working_day(date(2026, 1, 5))
    env_cal = WorkingCalendar.from_environment({TRANSFERS_ENV: str(f)})
    assert not env_cal.is_working_day(date(2026, 1, 5))
    assert WorkingCalendar.from_environment({}).is_working_day(date(2026, 1, 5))


@pytest.mark.parametrize(
    "text", ["{", '{"transfers": 3}', '{"transfers": [{}]}', '{"transfers": [{"day_off": "x"}]}']
)
def test_bad_transfers_file_refused(text: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        load_transfers(text, "x.json")
    assert exc.value.details[0].rule == "calendar_transfers_invalid"


def test_missing_transfers_file_refused(tmp_path: Path) -> None:
    with pytest.raises(FormDataInvalid):
        WorkingCalendar(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("submitted", "registered"),
    [
        (at(2025, 10, 1, 17, 59), date(2025, 10, 1)),  # Wednesday, in hours
        (at(2025, 10, 1, 17, 59, 59), date(2025, 10, 1)),
        (at(2025, 10, 1, 18, 0, 0), date(2025, 10, 2)),  # end of hours
        (at(2025, 10, 1, 18, 0, 59), date(2025, 10, 2)),
        (at(2025, 10, 2, 3, 0), date(2025, 10, 2)),  # night: after yesterday's hours
        (at(2025, 10, 3, 18, 30), date(2025, 10, 6)),  # Friday evening → Monday
        (at(2025, 10, 4, 11, 0), date(2025, 10, 6)),  # Saturday
        (at(2025, 10, 24, 19, 0), date(2025, 10, 28)),  # Fri evening, Republic Day observed Mon
        (at(2025, 12, 31, 18, 1), date(2026, 1, 5)),  # New Year 1–2 Jan, weekend
    ],
)
def test_registration_date(submitted: datetime, registered: date) -> None:
    assert CAL.registration_date(submitted) == registered


def test_registration_uses_almaty_time() -> None:
    # 12:30 UTC is 17:30 in Almaty (UTC+5): same day; 13:00 UTC is 18:00: next day.
    assert CAL.registration_date(datetime(2025, 10, 1, 12, 30, tzinfo=UTC)) == date(2025, 10, 1)
    assert CAL.registration_date(datetime(2025, 10, 1, 13, 0, tzinfo=UTC)) == date(2025, 10, 2)


def test_registration_refuses_naive_time() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        CAL.registration_date(datetime(2025, 10, 1, 12, 0))
    assert exc.value.details[0].rule == "timestamp_without_timezone"


def test_custom_hours() -> None:
    cal = WorkingCalendar(work_end=time(18, 30))
    assert cal.registration_date(at(2025, 10, 1, 18, 15)) == date(2025, 10, 1)


@pytest.mark.parametrize(
    ("kind", "start", "due"),
    [
        (Deadline.NOTICE, date(2025, 10, 1), date(2025, 10, 2)),
        (Deadline.NOTICE, date(2025, 10, 3), date(2025, 10, 6)),
        (Deadline.EXTRACT, date(2025, 10, 22), date(2025, 10, 28)),  # over Republic Day
        (Deadline.ATTESTED_LIST, date(2025, 12, 1), date(2025, 12, 23)),  # over 16 December
        ("direct-award-meeting", date(2024, 5, 2), date(2024, 5, 13)),
    ],
)
def test_due_dates(kind: Deadline | str, start: date, due: date) -> None:
    assert CAL.due_date(kind, start) == due


def test_unknown_deadline() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        CAL.due_date("appeal", date(2025, 1, 1))
    assert exc.value.details[0].rule == "deadline_unknown"


def test_add_working_days_negative_refused() -> None:
    with pytest.raises(FormDataInvalid):
        CAL.add_working_days(date(2025, 1, 1), -1)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), st.integers(0, 20))
def test_add_working_days_counts_working_days(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(CAL.is_working_day(d) for d in between) == n
    assert n == 0 or CAL.is_working_day(end)


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2025, 8, 31), False),
        (date(2025, 9, 1), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
    ],
)
def test_application_window(day: date, inside: bool) -> None:
    assert in_application_window(day) is inside


def test_application_window_bounds() -> None:
    assert application_window(date(2025, 10, 1)) == (date(2025, 9, 1), date(2025, 12, 31))
