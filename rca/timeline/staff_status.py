"""Staff status at the time of an event: supervision, training and induction as they stood then.

"Then" is each staff member's first event in the chronology that is not itself a rota,
supervision or training record (their first care, medication, communication, incident or
management entry): the moment their own practice enters the story. Staff with no such event are
not listed. Rules:

- last supervision: the latest supervision record on or before that moment;
- next due: the record's ``next_due`` field when the source gave one, else the last supervision
  plus the provider's interval (8 weeks unless configured); with no supervision on record, the
  start date plus the interval when the register knows it, else unknown;
- overdue: the due date is known and before the day of the event; a due date the supervision
  record gave (its export's "Next due") is taken as it stands, and said to be later than the
  standard when it falls after the last supervision plus the interval;
- trainings: per course, the latest completion on or before that day, its expiry, and whether it
  had expired (expiry before the day); courses completed later are not counted;
- induction record: a training course whose name contains "induction", completed on or before
  that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from rca.timeline.chronology import (
    STATUS_KINDS,
    Chronology,
    event_time,
    parse_field_date,
)
from rca.timeline.records import Record
from rca.timeline.working_days import london_day

DEFAULT_SUPERVISION_WEEKS = 8


class StaffLike(Protocol):
    """A register entry: the timeline's StaffInfo or the ORM StaffMember (same attributes)."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def employment(self) -> str | None: ...
    @property
    def start_date(self) -> date | None: ...


@dataclass(frozen=True)
class Training:
    course: str
    completed: date | None
    expires: date | None
    expired: bool


@dataclass(frozen=True)
class StaffStatus:
    staff_id: int
    staff: str
    role: str | None
    employment: str | None
    as_at: datetime
    as_at_event: int
    last_supervision: date | None
    supervision_due: date | None
    supervision_overdue: bool
    trainings: list[Training]
    induction_record: bool
    #: The due date came from the supervision record itself, not from the interval.
    due_recorded: bool = False
    #: The service's supervision standard (weeks between supervisions).
    supervision_weeks: int = DEFAULT_SUPERVISION_WEEKS

    @property
    def expired_trainings(self) -> list[Training]:
        return [t for t in self.trainings if t.expired]

    @property
    def due_beyond_standard(self) -> bool:
        """The recorded next date is later than the last supervision plus the standard."""
        if not (self.due_recorded and self.last_supervision and self.supervision_due):
            return False
        limit = self.last_supervision + timedelta(weeks=self.supervision_weeks)
        return self.supervision_due > limit

    @property
    def supervision_note(self) -> str:
        """How the due date reads to a person: "next due 30/06/2026 (recorded), later than the
        8-week standard" ("" when no due date is known)."""
        if self.supervision_due is None:
            return ""
        words = f"next due {self.supervision_due.strftime('%d/%m/%Y')}"
        if self.due_recorded:
            words += " (recorded)"
        if self.due_beyond_standard:
            words += f", later than the {self.supervision_weeks}-week standard"
        return words

    def to_json(self) -> dict[str, Any]:
        return {
            "staff": self.staff,
            "role": self.role,
            "employment": self.employment,
            "last_supervision": _iso(self.last_supervision),
            "supervision_due": _iso(self.supervision_due),
            "supervision_overdue": self.supervision_overdue,
            "trainings": [
                {
                    "course": t.course,
                    "completed": _iso(t.completed),
                    "expires": _iso(t.expires),
                    "expired": t.expired,
                }
                for t in self.trainings
            ],
            "induction_record": self.induction_record,
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def staff_statuses(
    chronology: Chronology,
    staff: Mapping[int, StaffLike],
    supervision_weeks: int = DEFAULT_SUPERVISION_WEEKS,
) -> list[StaffStatus]:
    """One status per staff member with an entry of their own, in order of that entry."""
    first: dict[int, Any] = {}
    for event in chronology.events:
        if event.staff_id is None or event.kind in STATUS_KINDS or event.staff_id in first:
            continue
        first[event.staff_id] = event
    out = []
    for staff_id, event in first.items():
        member = staff.get(staff_id)
        out.append(
            status_at(
                member,
                staff_id,
                event.staff or (member.name if member else "Unknown"),
                event.at,
                event.id,
                chronology.records.get(staff_id, []),
                supervision_weeks,
            )
        )
    return out


def status_at(
    member: StaffLike | None,
    staff_id: int,
    name: str,
    at: datetime,
    event_id: int,
    records: list[Record],
    supervision_weeks: int = DEFAULT_SUPERVISION_WEEKS,
) -> StaffStatus:
    day = london_day(at)
    interval = timedelta(weeks=supervision_weeks)
    supervisions = sorted(
        (
            (when, row)
            for row in records
            if row.kind == "supervision" and (when := event_time(row)) is not None and when <= at
        ),
        key=lambda pair: pair[0],
    )
    last = due = None
    recorded = False
    if supervisions:
        when, row = supervisions[-1]
        last = london_day(when)
        fields = row.fields or {}
        due = parse_field_date(fields.get("next_due"))
        recorded = due is not None
        due = due or last + interval
    elif member is not None and member.start_date is not None:
        due = member.start_date + interval
    latest: dict[str, Training] = {}
    induction = False
    for row in records:
        if row.kind != "training":
            continue
        fields = row.fields or {}
        course = str(fields.get("course") or row.text or "Training").strip()
        completed = parse_field_date(fields.get("completed")) or row.occurred_on
        if completed is None or completed > day:
            continue
        expires = parse_field_date(fields.get("expires"))
        if "induction" in course.lower():
            induction = True
        key = course.lower()
        if key not in latest or (latest[key].completed or date.min) <= completed:
            expired = expires is not None and expires < day
            latest[key] = Training(course, completed, expires, expired)
    return StaffStatus(
        staff_id=staff_id,
        staff=name,
        role=member.role if member else None,
        employment=member.employment if member else None,
        as_at=at,
        as_at_event=event_id,
        last_supervision=last,
        supervision_due=due,
        supervision_overdue=due is not None and due < day,
        trainings=sorted(latest.values(), key=lambda t: t.course.lower()),
        induction_record=induction,
        due_recorded=recorded,
        supervision_weeks=supervision_weeks,
    )


def has_induction(records: list[Record], before: date) -> bool:
    """Whether an induction course was completed on or before ``before``."""
    for row in records:
        if row.kind != "training":
            continue
        fields = row.fields or {}
        course = str(fields.get("course") or row.text or "")
        completed = parse_field_date(fields.get("completed")) or row.occurred_on
        if "induction" in course.lower() and completed is not None and completed <= before:
            return True
    return False
