"""The whole timeline of a review as plain data: chronology, shifts, staff status and delays,
and its public JSON form (the API contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from rca.db import today_london
from rca.reviews.models import Review
from rca.timeline import cache
from rca.timeline import chronology as chron
from rca.timeline.delays import Delay, find_delays, local_iso
from rca.timeline.staff_status import (
    DEFAULT_SUPERVISION_WEEKS,
    StaffStatus,
    has_induction,
    staff_statuses,
)
from rca.timeline.standards import Standard, standards_for
from rca.timeline.viewstate import search_text
from rca.timeline.working_days import london_day
from rca.wording import excerpt as shorten

EXCERPT = 160


@dataclass
class Timeline:
    chronology: chron.Chronology
    statuses: list[StaffStatus]
    delays: list[Delay]
    standards: list[Standard]
    #: Staff ids of agency workers with no induction record by the start of a shift they worked.
    uninducted_agency: set[int]
    #: Event id -> the folded words the pane's text filter searches (viewstate.search_text).
    haystacks: dict[int, str] = field(default_factory=dict)
    #: (staff id, name) of everyone with an event, by name: the pane's staff filter.
    staff_choices: list[tuple[int, str]] = field(default_factory=list)
    #: The pane's SVG per (view, markers), filled as people look (timeline.views).
    drawings: dict[Any, str] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        c = self.chronology
        return {
            "events": [
                {
                    "id": e.id,
                    "at": local_iso(e.at),
                    "lane": e.lane,
                    "kind": e.kind,
                    "staff": e.staff,
                    "person": e.person_ref,
                    "text": e.text,
                    "concern": e.concern,
                    "provenance": {"file": e.file, "row": e.row} if e.file else None,
                }
                for e in c.events
            ],
            "shifts": [
                {
                    "staff": s.staff,
                    "start": local_iso(s.start),
                    "end": local_iso(s.end),
                    "employment": s.employment,
                }
                for s in c.shifts
            ],
            "staff_status": [s.to_json() for s in self.statuses],
            "delays": [d.to_json() for d in self.delays],
        }


def build(
    session: Session,
    review: Review,
    person_ref: str | None = None,
    supervision_weeks: int = DEFAULT_SUPERVISION_WEEKS,
    today: date | None = None,
) -> Timeline:
    """Everything the pane, the API and the report draw; raises chron.UnknownPerson.

    Reused from the in-process cache while the review's change token stands (timeline.cache):
    the result is shared, so treat it as read-only. Today's date is part of the key: an
    unanswered delay turns from open to breached overnight with nothing in the database moving."""
    today = today or today_london()
    return cache.cached(
        session,
        review,
        ("timeline", person_ref, supervision_weeks, today),
        lambda: _build(session, review, person_ref, supervision_weeks, today),
    )


def _build(
    session: Session,
    review: Review,
    person_ref: str | None,
    supervision_weeks: int,
    today: date,
) -> Timeline:
    chronology = chron.load(session, review, person_ref)
    staff = chronology.staff
    standards = standards_for(session, review.service_id)
    uninducted = {
        s.staff_id
        for s in chronology.shifts
        if s.employment == "agency"
        and s.staff_id is not None
        and not has_induction(chronology.records.get(s.staff_id, []), london_day(s.start))
    }
    return Timeline(
        chronology=chronology,
        statuses=staff_statuses(chronology, staff, supervision_weeks),
        delays=find_delays(chronology, standards, today),
        standards=standards,
        uninducted_agency=uninducted,
        haystacks={e.id: search_text(e) for e in chronology.events},
        staff_choices=sorted(
            {(e.staff_id, e.staff) for e in chronology.events if e.staff_id and e.staff},
            key=lambda pair: pair[1],
        ),
    )


def excerpt(text: str, limit: int = EXCERPT) -> str:
    return shorten(text, limit)
