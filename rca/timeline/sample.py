"""A realistic busy timeline for a review, for the benchmarks and the screenshots (not the demo):
a care home's rota (day and night shifts, some bank and agency), care notes, MAR entries,
handovers, supervision and training, a few concerns, management reviews and care-plan changes.
A seeded generator keeps every run the same."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from rca.evidence.models import EvidenceRow
from rca.provider.models import PersonSupported, StaffMember
from rca.reviews.models import Review
from rca.timeline.working_days import LONDON

NOTES = [
    "Personal care given, skin intact, settled well.",
    "Ate half of lunch, encouraged fluids (300 ml).",
    "Walked to the lounge with frame and one carer.",
    "Repositioned at 2-hourly intervals, no redness.",
    "Said she felt dizzy when standing; sat down and recovered.",
    "Family visited in the afternoon, in good spirits.",
    "Declined shower, accepted a strip wash instead.",
]
CONCERNS = [
    "Bruise on left forearm found during personal care, not explained.",
    "Unwitnessed fall in the bedroom, no apparent injury.",
    "Refused evening medication and was agitated.",
    "Weight down 3 kg since last month.",
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def fill(
    session: Session, review: Review, total: int = 2000, seed: int = 5, days: int = 56
) -> None:
    """Add about ``total`` evidence rows over ``days`` days ending at the review's event date."""
    rng = random.Random(seed)
    end = review.occurred_on
    start = end - timedelta(days=days - 1)
    review.period_start, review.period_end = start, end
    sid = review.service_id
    staff = [
        StaffMember(service_id=sid, name="Sarah Mitchell", role="Registered Manager",
                    managerial=True),
        StaffMember(service_id=sid, name="Dan Hughes", role="Team Leader", managerial=True),
        *[StaffMember(service_id=sid, name=n, role="Care Worker", employment=e)
          for n, e in [("Amy Patel", "permanent"), ("Zoë Clarke", "permanent"),
                       ("Tom Reid", "bank"), ("Priya Shah", "permanent"),
                       ("Ben Okoro", "agency"), ("Lena Novak", "agency"),
                       ("Joe Bright", "permanent"), ("Mia Evans", "bank")]],
    ]  # fmt: skip
    people = [PersonSupported(service_id=sid, reference=f"T-{seed}{n:03d}") for n in range(6)]
    session.add_all(staff + people)
    session.flush()
    carers = staff[2:]
    n = 0

    def add(kind: str, at: datetime | None, text: str = "", **kw: object) -> None:
        nonlocal n
        n += 1
        digest = hashlib.sha256(f"{review.id}|{kind}|{n}".encode()).hexdigest()
        session.add(
            EvidenceRow(
                review_id=review.id, kind=kind, occurred_at=at,
                occurred_on=kw.pop("on", None) or (at.date() if at else None),
                text=text, fields=kw.pop("fields", {}), cells={}, content_hash=digest,
                file_name=f"{kind}-export.csv", row_number=n + 1, **kw,
            )
        )  # fmt: skip

    for s in staff:
        if s.employment != "agency":
            add("supervision", _at(start - timedelta(days=rng.randint(10, 90)), 10), "Supervision",
                staff_id=s.id)  # fmt: skip
            add(
                "training",
                None,
                "",
                staff_id=s.id,
                on=start - timedelta(days=400),
                fields={"course": "Induction", "completed": str(start - timedelta(days=400))},
            )
        done = start - timedelta(days=rng.randint(200, 500))
        add("training", None, "", staff_id=s.id, on=done,
            fields={"course": "Moving and handling", "completed": done.isoformat(),
                    "expires": (done + timedelta(days=365)).isoformat()})  # fmt: skip
    day = start
    while day <= end and n < total:
        for shift_start, hours in ((7, 12), (19, 12)):
            for s in rng.sample(carers, 3):
                add("rota", _at(day, shift_start), "", staff_id=s.id,
                    ends_at=_at(day, shift_start) + timedelta(hours=hours),
                    fields={"employment": s.employment, "role": s.role})  # fmt: skip
        for _ in range(rng.randint(18, 26)):
            who = rng.choice(carers)
            person = rng.choice(people)
            at = _at(day, rng.randint(7, 22), rng.randint(0, 59))
            kind = rng.choices(["care-notes", "mar", "handover", "communication"], [6, 3, 1, 1])[0]
            concern = rng.random() < 0.02
            text = rng.choice(CONCERNS if concern else NOTES)
            add(kind, at, text, staff_id=who.id, person_id=person.id, concern=concern,
                fields={"change_in_need": rng.random() < 0.01})  # fmt: skip
            if concern and rng.random() < 0.8:
                later = at + timedelta(days=rng.choice([0, 1, 1, 2, 4]), hours=rng.randint(1, 5))
                add("care-notes", later, "Reviewed with the family; plan to monitor.",
                    staff_id=staff[rng.randint(0, 1)].id, person_id=person.id)  # fmt: skip
        if day.weekday() == 2:
            add("care-plan-changes", _at(day, 15), "Care plan reviewed and updated.",
                staff_id=staff[0].id, person_id=rng.choice(people).id)  # fmt: skip
        if rng.random() < 0.1:
            add(
                "incidents",
                _at(day, rng.randint(0, 23)),
                "Near miss with the hoist sling.",
                staff_id=rng.choice(carers).id,
                person_id=rng.choice(people).id,
                concern=True,
            )
        day += timedelta(days=1)
    session.flush()
