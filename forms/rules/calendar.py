"""Kazakhstan's working-day calendar and the procedure's deadlines.

Public holidays come from the ``holidays`` package (country KZ). It already applies the
Labour Code's rule that a holiday falling on a day off moves to the next working day, with
7 January (Orthodox Christmas) and the first day of Kurban Ait never moved, and it knows the
Government's day transfers up to its release. We never move a holiday ourselves (that would
move it twice); we only add the transfers listed in ``data/kz_transfers.json`` and in an
operator's file, which override the package for the days they name.

Deadlines: seed 002 §20 (extract within 3 working days, list published within 15), §23 and
App. 4 items 3 and 7 (notice within 1 working day; an application after working hours, at a
weekend or on a holiday is registered on the next working day), §47 (extract for heads within
3), App. 4 item 10 (applications from 1 September to 31 December).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from forms.errors import DetailCollector, ErrorDetail, FormDataInvalid

__all__ = [
    "DEADLINE_DAYS",
    "TRANSFERS_ENV",
    "Deadline",
    "Transfer",
    "WorkingCalendar",
    "application_window",
    "in_application_window",
    "load_transfers",
]

TRANSFERS_ENV = "QUJAT_KZ_TRANSFERS_FILE"
"""Environment variable naming an operator's extra transfers file (same format as the default)."""


class Deadline(StrEnum):
    """Deadlines counted in working days."""

    NOTICE = "notice"
    """Acceptance or rejection notice: 1 working day (seed 002 §23; App. 4 item 3)."""
    EXTRACT = "extract"
    """Extract from the protocol: 3 working days (seed 002 §20, §47)."""
    ATTESTED_LIST = "attested-list"
    """Publication of the list of attested teachers: 15 working days (seed 002 §20)."""
    DIRECT_AWARD_MEETING = "direct-award-meeting"
    """Commission meeting on a §6 direct award: 5 working days from the application (§6)."""


DEADLINE_DAYS: dict[Deadline, int] = {
    Deadline.NOTICE: 1,
    Deadline.EXTRACT: 3,
    Deadline.ATTESTED_LIST: 15,
    Deadline.DIRECT_AWARD_MEETING: 5,
}
"""Working days per deadline."""

_PARAGRAPH: dict[Deadline, str] = {
    Deadline.NOTICE: "seed 002 §23; App. 4 item 3",
    Deadline.EXTRACT: "seed 002 §20, §47",
    Deadline.ATTESTED_LIST: "seed 002 §20",
    Deadline.DIRECT_AWARD_MEETING: "seed 002 §6",
}


def _almaty() -> tzinfo:
    try:
        return ZoneInfo("Asia/Almaty")
    except ZoneInfoNotFoundError:  # pragma: no cover - only without system tz data
        # Kazakhstan has one zone, UTC+5, since 1 March 2024.
        return timezone(timedelta(hours=5), "Asia/Almaty")


@dataclass(frozen=True)
class Transfer:
    """One government transfer of a day off; either date may be absent."""

    day_off: date | None
    """The day that becomes a rest day."""
    working_day: date | None
    """The day (usually at a weekend) that becomes a working day."""
    source: str
    """The resolution it comes from."""


def _bad_file(path: str, message: str) -> FormDataInvalid:
    return FormDataInvalid(
        [ErrorDetail(path, "calendar_transfers_invalid", message, "seed 002 §23")],
        f"The transfers file {path} is invalid: {message}",
    )


def load_transfers(text: str, origin: str = "kz_transfers.json") -> list[Transfer]:
    """Parse a transfers file (JSON: ``{"transfers": [{"day_off", "working_day", "source"}]}``)."""
    try:
        raw: Any = json.loads(text)
        entries = raw["transfers"]
        if not isinstance(entries, list):
            raise TypeError("'transfers' must be a list")
        out: list[Transfer] = []
        for entry in entries:
            off, work = entry.get("day_off"), entry.get("working_day")
            if off is None and work is None:
                raise ValueError("an entry names neither day_off nor working_day")
            out.append(
                Transfer(
                    date.fromisoformat(off) if off else None,
                    date.fromisoformat(work) if work else None,
                    str(entry.get("source", "")),
                )
            )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _bad_file(origin, str(exc)) from exc
    return out


def _default_transfers_text() -> str:
    return resources.files("forms.rules.data").joinpath("kz_transfers.json").read_text("utf-8")


class WorkingCalendar:
    """Working days of Kazakhstan: Monday–Friday less public holidays, plus the transfers.

    ``extra_transfers`` is an operator's file whose entries are added to the default file's.
    Working hours (for registering applications) default to 09:00–18:00 Asia/Almaty: the seed
    (App. 4 item 7) leaves "working hours" to the labour law, and 09:00–18:00 is the usual
    schedule of state bodies' offices.
    """

    def __init__(
        self,
        extra_transfers: str | Path | None = None,
        *,
        include_default: bool = True,
        work_start: time = time(9, 0),
        work_end: time = time(18, 0),
        tz: tzinfo | None = None,
    ) -> None:
        transfers: list[Transfer] = []
        if include_default:
            transfers += load_transfers(_default_transfers_text())
        if extra_transfers is not None:
            path = Path(extra_transfers)
            try:
                text = path.read_text("utf-8")
            except OSError as exc:
                raise _bad_file(str(path), f"cannot be read ({exc.strerror})") from exc
            transfers += load_transfers(text, str(path))
        self.transfers: tuple[Transfer, ...] = tuple(transfers)
        self._days_off = {t.day_off for t in transfers if t.day_off}
        self._working = {t.working_day for t in transfers if t.working_day}
        self._holidays = holidays.country_holidays("KZ")
        self.work_start = work_start
        self.work_end = work_end
        self.tz = tz or _almaty()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> WorkingCalendar:
        """A calendar that also loads the file named by ``QUJAT_KZ_TRANSFERS_FILE``, if set."""
        env = os.environ if environ is None else environ
        return cls(env.get(TRANSFERS_ENV) or None)

    def is_holiday(self, d: date) -> bool:
        """True on a public holiday or its moved day off, or a transferred day off."""
        if d in self._working:
            return False
        return d in self._days_off or d in self._holidays

    def is_working_day(self, d: date) -> bool:
        """True on a working day (Labour Code: five-day week; holidays and transfers applied)."""
        if d in self._working:
            return True
        if d in self._days_off or d in self._holidays:
            return False
        if d.weekday() >= 5:
            return self._holidays.is_working_day(d)  # the package's own weekend workdays
        return True

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The day ``n`` working days after ``d`` (``d`` itself not counted); ``n`` ≥ 0."""
        if n < 0:
            raise FormDataInvalid(
                [ErrorDetail("days", "working_days_negative", "n must not be negative.")]
            )
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def registration_date(self, submitted_at: datetime) -> date:
        """The working day an application is registered on (seed 002 §23; App. 4 item 7).

        Arriving on a working day before the end of working hours (18:00:00 local time
        exclusive), it is registered that day; after hours, at a weekend or on a holiday, on
        the next working day. An arrival before 09:00 on a working day comes after the
        previous day's hours and is registered that same morning's day. ``submitted_at``
        must carry a time zone (rule ``timestamp_without_timezone``).
        """
        if submitted_at.tzinfo is None or submitted_at.utcoffset() is None:
            raise FormDataInvalid(
                [
                    ErrorDetail(
                        "submitted_at",
                        "timestamp_without_timezone",
                        "The submission time must carry a time zone.",
                        "seed 002 §23",
                    )
                ]
            )
        local = submitted_at.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.work_end:
            return day
        return self.next_working_day(day)

    def due_date(self, kind: Deadline | str, from_date: date) -> date:
        """The last day for a deadline counted from ``from_date`` (seed 002 §6, §20, §23, §47).

        The term starts the day after the event and counts only working days.
        """
        errors = DetailCollector()
        try:
            deadline = Deadline(kind)
        except ValueError:
            errors.add("kind", "deadline_unknown", f"Unknown deadline {kind!r}.")
            errors.raise_if_any()
            raise
        return self.add_working_days(from_date, DEADLINE_DAYS[deadline])

    def deadline_paragraph(self, kind: Deadline) -> str:
        """Where a deadline comes from."""
        return _PARAGRAPH[kind]


def application_window(d: date) -> tuple[date, date]:
    """The application window of the school year ``d`` falls in: 1 Sep – 31 Dec (App. 4 item 10).

    App. 4 item 10 also had a one-off window (June–August 2024) for the 2024 attestation,
    which is past and not modelled.
    """
    return date(d.year, 9, 1), date(d.year, 12, 31)


def in_application_window(d: date) -> bool:
    """True when ``d`` lies in 1 September – 31 December inclusive (seed 002 App. 4 item 10)."""
    start, end = application_window(d)
    return start <= d <= end
