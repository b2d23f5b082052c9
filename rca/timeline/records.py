"""A review's evidence rows as the timeline reads them: one Core select of the columns it needs,
into plain immutable tuples (no ORM objects, so a built timeline can be cached and shared)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.models import EvidenceRow
from rca.provider.models import PersonSupported, StaffMember

__all__ = ["PersonInfo", "Record", "StaffInfo", "load_records"]


@dataclass(frozen=True, slots=True)
class StaffInfo:
    """What the timeline reads of a staff register entry (loaded with the rows, no ORM)."""

    id: int
    name: str
    role: str | None
    employment: str | None
    start_date: date | None
    managerial: bool


@dataclass(frozen=True, slots=True)
class PersonInfo:
    id: int
    reference: str


class Record(NamedTuple):
    """One evidence row as the timeline reads it: plain, immutable data (a built timeline is
    cached across requests, so it must hold nothing tied to a database session). A named tuple:
    thousands are made per build, and a frozen dataclass's __init__ costs several times more."""

    id: int
    kind: str
    occurred_at: datetime | None
    occurred_on: date | None
    ends_at: datetime | None
    staff_id: int | None
    person_id: int | None
    text: str
    concern: bool
    fields: dict[str, Any]
    file_name: str | None
    row_number: int | None
    staff: StaffInfo | None
    person: PersonInfo | None


def load_records(session: Session, review_id: int) -> list[Record]:
    """Every evidence row of the review with its staff and person, in id order: one Core
    select of the columns the timeline reads (the ORM's per-row identity map and joined
    loading cost half of a 2,000-event pane)."""
    e, s, p = EvidenceRow.__table__.c, StaffMember.__table__.c, PersonSupported.__table__.c
    query = (
        select(
            e.id,
            e.kind,
            e.occurred_at,
            e.occurred_on,
            e.ends_at,
            e.staff_id,
            e.person_id,
            e.text,
            e.concern,
            e.fields,
            e.file_name,
            e.row_number,
            s.name,
            s.role,
            s.employment,
            s.start_date,
            s.managerial,
            p.reference,
        )  # fmt: skip
        .select_from(EvidenceRow.__table__)
        .outerjoin(StaffMember.__table__, s.id == e.staff_id)
        .outerjoin(PersonSupported.__table__, p.id == e.person_id)
        .where(e.review_id == review_id)
        .order_by(e.id)
    )
    staff: dict[int, StaffInfo] = {}
    people: dict[int, PersonInfo] = {}
    out = []
    for r in session.execute(query):
        member = None
        if r.staff_id is not None and r.name is not None:
            member = staff.get(r.staff_id)
            if member is None:
                member = staff[r.staff_id] = StaffInfo(
                    r.staff_id, r.name, r.role, r.employment, r.start_date, bool(r.managerial)
                )
        person = None
        if r.person_id is not None and r.reference is not None:
            person = people.get(r.person_id)
            if person is None:
                person = people[r.person_id] = PersonInfo(r.person_id, r.reference)
        out.append(
            Record(
                r.id,
                r.kind,
                r.occurred_at,
                r.occurred_on,
                r.ends_at,
                r.staff_id,
                r.person_id,
                r.text or "",
                bool(r.concern),
                r.fields or {},
                r.file_name,
                r.row_number,
                member,
                person,
            )  # fmt: skip
        )
    return out
