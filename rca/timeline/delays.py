"""Delays against the service's standards, measured in working days.

For each standard (from type A to type B within N working days) every event of type A is an
instance. Its answer is the first later event of type B (at or after A's time, not A itself)
about the same person: when A names a person, B must name the same person or no person (a
manager's governance entry rarely names one). Working days are counted from A's London date to
B's (see ``working_days``); breached when the count exceeds N.

An instance with no answer in the chronology is still listed, with no ``to`` event and the count
taken to today (``as_of``): an unanswered concern is the delay that matters most. It is breached
once an answer arriving today would be late, and "open" until then; nothing unanswered is "met".

An event that is itself of the answering type does not start a clock: a manager's own review
note flagged as a concern answers the concern it records (and earlier ones); measuring a new
"concern reviewed by management" delay from it would demand a review of the review.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rca.db import today_london
from rca.timeline.chronology import Chronology, Event
from rca.timeline.standards import Standard
from rca.timeline.working_days import LONDON, add_working_days, working_days_between


@dataclass(frozen=True)
class Delay:
    standard: str
    limit_working_days: int
    start: Event
    answer: Event | None
    working_days: int
    #: The last day the answer could come and still meet the standard.
    deadline: date
    breached: bool

    @property
    def status(self) -> str:
        """met, breached, or open (no answer yet, and not yet due)."""
        if self.breached:
            return "breached"
        return "met" if self.answer else "open"

    @property
    def words(self) -> str:
        """The measurement as people read it: "2 working days against a standard of 1"."""
        taken = f"{self.working_days} working day{'' if self.working_days == 1 else 's'}"
        if not self.answer:
            taken += " so far" if self.status == "open" else " with no answer"
        return f"{taken} against a standard of {self.limit_working_days}"

    def to_json(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "from_event": self.start.id,
            "to_event": self.answer.id if self.answer else None,
            "from_at": local_iso(self.start.at),
            "to_at": local_iso(self.answer.at) if self.answer else None,
            "working_days": self.working_days,
            "limit_working_days": self.limit_working_days,
            "breached": self.breached,
        }


def local_iso(at: datetime) -> str:
    """ISO 8601 in Europe/London with its offset (the contract's "local time")."""
    return at.astimezone(LONDON).isoformat(timespec="minutes")


def find_delays(
    chronology: Chronology, standards: list[Standard], as_of: date | None = None
) -> list[Delay]:
    """Every instance of every standard; unanswered ones measured to ``as_of`` (London today)."""
    today = as_of or today_london()
    delays: list[Delay] = []
    nation = chronology.nation
    for standard in standards:
        answers = [e for e in chronology.events if standard.to_type in e.types]
        answer_times = [e.at for e in answers]
        for start in chronology.events:
            if standard.from_type not in start.types or standard.to_type in start.types:
                continue
            answer = None
            for candidate in answers[bisect_left(answer_times, start.at) :]:
                if candidate.id == start.id:
                    continue
                if start.person_id is not None and candidate.person_id not in (
                    None,
                    start.person_id,
                ):
                    continue
                answer = candidate
                break
            deadline = add_working_days(start.day, standard.limit_working_days, nation)
            end_day = answer.day if answer else max(today, start.day)
            days = working_days_between(start.day, end_day, nation)
            delays.append(
                Delay(
                    standard=standard.name,
                    limit_working_days=standard.limit_working_days,
                    start=start,
                    answer=answer,
                    working_days=days,
                    deadline=deadline,
                    # The same rule either way: an answer arriving today would be late.
                    breached=days > standard.limit_working_days,
                )
            )
    delays.sort(key=lambda d: (d.start.at, d.standard))
    return delays
