"""The chronology: every dated piece of evidence in a review as a timeline event, in time order,
with its lane, the event types it counts as, and the shifts from the rota.

Event types (what service standards measure between) are read from the evidence by these rules,
plus whatever the investigator marks (``EventMark``):

- concern indicator: the row's concern flag is set (source flag, or set at import);
- management review: an entry by a member of staff whose register entry is managerial, or whose
  role (register or the row's own role field) names a manager, deputy, team leader, head or
  director; rota, staff-list, supervision and training records never count (a manager working a
  shift is not reviewing anything);
- identified change in need: a care-notes or handover row whose parsed fields carry a true
  ``change_in_need`` flag (a source column mapped to it), otherwise only what is marked;
- care-plan change: a row of kind care-plan-changes;
- incident: a row of kind incidents; communication: kinds communication and handover.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.provider.models import PersonSupported
from rca.reviews.models import Review, ReviewPerson
from rca.timeline.models import EventMark
from rca.timeline.records import Record, StaffInfo, load_records
from rca.timeline.working_days import LONDON, london_day

#: Swimlanes by source, top to bottom.
LANES = {
    "care": "Care records",
    "medication": "Medication",
    "staffing": "Staffing (rota)",
    "supervision": "Supervision and training",
    "communication": "Communication",
    "management": "Management and governance",
    "incidents": "Incidents",
}
KIND_LANES = {
    "care-notes": "care",
    "care-plan-changes": "care",
    "mar": "medication",
    "rota": "staffing",
    "staff": "staffing",
    "supervision": "supervision",
    "training": "supervision",
    "communication": "communication",
    "handover": "communication",
    "feedback": "communication",
    "audit": "management",
    "governance": "management",
    "incidents": "incidents",
}
#: Records about staff rather than about care: they never count as their author's own entries.
STATUS_KINDS = frozenset({"rota", "staff", "supervision", "training"})
_MANAGERIAL_ROLE = re.compile(r"\b(manager|deputy|team leader|head of|director)\b", re.I)


class UnknownPerson(LookupError):
    """The person filter names no person supported at the review's service."""


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime  # aware UTC
    lane: str
    kind: str
    staff_id: int | None
    staff: str | None
    person_id: int | None
    person_ref: str | None
    #: How the person is shown on screen: their pseudonym in this review, else the reference.
    person_label: str | None
    text: str
    concern: bool
    file: str | None
    row: int | None
    types: frozenset[str]
    marks: frozenset[str]
    fields: dict[str, Any]
    ends_at: datetime | None = None

    @property
    def local(self) -> datetime:
        return self.at.astimezone(LONDON)

    @property
    def day(self) -> date:
        return london_day(self.at)


@dataclass(frozen=True)
class Shift:
    staff_id: int | None
    staff: str
    start: datetime
    end: datetime
    employment: str
    role: str | None


@dataclass
class Chronology:
    review_id: int
    nation: str
    start: date
    end: date
    events: list[Event]
    shifts: list[Shift]
    #: Every supervision and training record of the review by staff id, whatever its date:
    #: the status at an event needs the supervision before the period too.
    records: dict[int, list[Record]] = field(default_factory=dict)
    person_ref: str | None = None
    #: The register entries of the review's staff, by id, as loaded with the rows.
    staff: dict[int, StaffInfo] = field(default_factory=dict)


def parse_field_date(value: Any) -> date | None:
    """A date from a parsed field: a date, a datetime, ISO text or DD/MM/YYYY text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return london_day(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def event_time(row: Record) -> datetime | None:
    """When the row happened; a date alone counts from London midnight of that day."""
    if row.occurred_at is not None:
        return row.occurred_at
    day = row.occurred_on or parse_field_date((row.fields or {}).get("completed"))
    if day is None:
        return None
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def is_managerial(row: Record) -> bool:
    staff = row.staff
    role = (row.fields or {}).get("role") or (staff.role if staff else None) or ""
    return bool((staff is not None and staff.managerial) or _MANAGERIAL_ROLE.search(str(role)))


def event_types(row: Record, marks: frozenset[str]) -> frozenset[str]:
    types = set(marks)
    fields = row.fields or {}
    if row.concern:
        types.add("concern")
    if row.kind not in STATUS_KINDS and row.staff_id is not None and is_managerial(row):
        types.add("management-review")
    if row.kind in ("care-notes", "handover") and fields.get("change_in_need") in (True, "true"):
        types.add("change-in-need")
    if row.kind == "care-plan-changes":
        types.add("care-plan-change")
    if row.kind == "incidents":
        types.add("incident")
    if row.kind in ("communication", "handover"):
        types.add("communication")
    return frozenset(types)


def lane_of(row: Record) -> str:
    if row.kind in KIND_LANES:
        return KIND_LANES[row.kind]
    # Manual evidence (interviews, observations) sits in the lane its author chose.
    lane = (row.fields or {}).get("lane")
    return lane if lane in LANES else "care"


def load(session: Session, review: Review, person_ref: str | None = None) -> Chronology:
    """The review's chronology over its period (or the span of its evidence when unset)."""
    person_id = None
    if person_ref:
        person_id = session.scalar(
            select(PersonSupported.id).where(
                PersonSupported.service_id == review.service_id,
                PersonSupported.reference == person_ref,
            )
        )
        if person_id is None:
            raise UnknownPerson(person_ref)
    rows = load_records(session, review.id)
    marks: dict[int, set[str]] = defaultdict(set)
    for evidence_id, event_type in session.execute(
        select(EventMark.evidence_id, EventMark.event_type).where(EventMark.review_id == review.id)
    ):
        marks[evidence_id].add(event_type)
    pseudonyms = dict(
        session.execute(
            select(ReviewPerson.person_id, ReviewPerson.pseudonym).where(
                ReviewPerson.review_id == review.id
            )
        ).all()
    )
    dated: list[tuple[datetime, Record]] = []
    records: dict[int, list[Record]] = defaultdict(list)
    for row in rows:
        if row.kind in ("supervision", "training") and row.staff_id is not None:
            records[row.staff_id].append(row)
        at = event_time(row)
        if at is not None and row.kind != "staff":
            dated.append((at, row))
    start, end = review.period_start, review.period_end
    if dated and (start is None or end is None):
        days = [london_day(at) for at, _ in dated]
        start, end = start or min(days), end or max(days)
    start = start or review.occurred_on
    end = end or review.occurred_on
    events: list[Event] = []
    shifts: list[Shift] = []
    for at, row in sorted(dated, key=lambda pair: (pair[0], pair[1].id)):
        in_period = start <= london_day(at) <= end or (
            row.ends_at is not None and start <= london_day(row.ends_at) <= end
        )
        if not in_period:
            continue
        if person_id is not None and row.person_id not in (None, person_id):
            continue
        row_marks = frozenset(marks.get(row.id, ()))
        person = row.person
        staff_name = row.staff.name if row.staff else None
        events.append(
            Event(
                id=row.id,
                at=at,
                lane=lane_of(row),
                kind=row.kind,
                staff_id=row.staff_id,
                staff=staff_name,
                person_id=row.person_id,
                person_ref=person.reference if person else None,
                person_label=(
                    (pseudonyms.get(row.person_id) or person.reference) if person else None
                ),
                text=row.text or "",
                concern=row.concern or "concern" in row_marks,
                file=row.file_name,
                row=row.row_number,
                types=event_types(row, row_marks),
                marks=row_marks,
                fields=row.fields or {},
                ends_at=row.ends_at,
            )
        )
        if row.kind == "rota" and row.ends_at is not None:
            staff = row.staff
            shifts.append(
                Shift(
                    staff_id=row.staff_id,
                    staff=staff_name or (row.fields or {}).get("staff") or "Unknown",
                    start=at,
                    end=row.ends_at,
                    employment=_employment(row),
                    role=(row.fields or {}).get("role") or (staff.role if staff else None),
                )
            )
    return Chronology(
        review_id=review.id,
        nation=review.service.nation,
        start=start,
        end=end,
        events=events,
        shifts=shifts,
        records=dict(records),
        person_ref=person_ref,
        staff={r.staff.id: r.staff for r in rows if r.staff is not None},
    )


def _employment(row: Record) -> str:
    value = (row.fields or {}).get("employment") or (row.staff.employment if row.staff else None)
    return value if value in ("permanent", "bank", "agency") else "permanent"


def on_shift(shifts: list[Shift], at: datetime) -> list[Shift]:
    """Who was on shift at ``at``: start inclusive, end exclusive (a 07:00 handover is the
    day shift's)."""
    return [s for s in shifts if s.start <= at < s.end]
