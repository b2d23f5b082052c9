"""A realistic review for timeline tests, built straight from the evidence models.

Oak House (England), period 28/09/2026 to 16/10/2026, Person A (P-1042) and P-2001:

- Thu 01/10 10:15  Amy Patel (senior carer) notes a bruise on Person A: a concern.
- Mon 05/10 09:30  Sarah Mitchell (registered manager) reviews it: 2 working days, limit 1.
- Fri 02/10 02:00  Ben Okoro (agency, no induction) notes P-2001 refused medication: a concern.
- Fri 02/10 07:30  Dan Hughes (role "Team Leader") hands over about P-2001: 0 working days.
- Tue 06/10 14:00  Amy records Person A now needs two carers (a change in need).
- Wed 14/10 11:00  Sarah updates Person A's care plan: 6 working days, limit 5.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask

from rca.accounts.models import User
from rca.db import LONDON, db
from rca.evidence.models import EvidenceRow
from rca.provider.models import PersonSupported, Service, StaffMember
from rca.reviews import scope
from rca.reviews.models import Review


def local(text: str) -> datetime:
    """'2026-10-01 10:15' in Europe/London, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def add_row(
    review_id: int,
    kind: str,
    at: str | None,
    text: str = "",
    *,
    staff: StaffMember | None = None,
    person: PersonSupported | None = None,
    concern: bool = False,
    fields: dict[str, Any] | None = None,
    ends: str | None = None,
    on: date | None = None,
    file: str | None = None,
    row: int | None = None,
) -> EvidenceRow:
    occurred = local(at) if at else None
    digest = hashlib.sha256(f"{kind}|{at}|{text}|{staff and staff.id}|{fields}".encode())
    evidence = EvidenceRow(
        review_id=review_id,
        kind=kind,
        occurred_at=occurred,
        occurred_on=occurred.date() if occurred else on,
        ends_at=local(ends) if ends else None,
        staff_id=staff.id if staff else None,
        person_id=person.id if person else None,
        text=text,
        concern=concern,
        fields=fields or {},
        cells={},
        file_name=file or f"{kind}.csv",
        row_number=row or 2,
        content_hash=digest.hexdigest(),
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


@dataclass
class Scenario:
    review_id: int
    service_id: int
    user: User
    rows: dict[str, int]


@pytest.fixture
def scenario(
    app: Flask, make_service: Callable[..., Service], make_user: Callable[..., User], make_review
) -> Scenario:
    oak = make_service("OAK", name="Oak House")
    user = make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")
    review_id = make_review(user, oak)
    with app.app_context():
        review = db.session.get(Review, review_id)
        staff = {
            "amy": StaffMember(service_id=oak.id, name="Amy Patel", role="Senior Care Worker"),
            "ben": StaffMember(
                service_id=oak.id, name="Ben Okoro", role="Care Worker", employment="agency"
            ),
            "sarah": StaffMember(
                service_id=oak.id, name="Sarah Mitchell", role="Registered Manager", managerial=True
            ),
            "dan": StaffMember(service_id=oak.id, name="Dan Hughes", role="Team Leader"),
        }
        people = {
            "a": PersonSupported(service_id=oak.id, reference="P-1042", name="Edith Brown"),
            "b": PersonSupported(service_id=oak.id, reference="P-2001"),
        }
        db.session.add_all([*staff.values(), *people.values()])
        db.session.flush()
        scope.update_terms(
            db.session,
            review,
            {
                "question": "Why was the bruising not reviewed the next working day?",
                "period_start": "2026-09-28",
                "period_end": "2026-10-16",
                "baseline_issue": "Concerns reviewed late.",
                "target_measure": "concerns reviewed within 1 working day",
                "target_threshold": "95",
                "target_period_weeks": "8",
                "lead_id": user.id,
                "people": "P-1042",
            },
            date(2026, 11, 23),
            panel_ids=[user.id],
            staff_ids=[s.id for s in staff.values()],
        )
        r = review_id
        a, b = people["a"], people["b"]
        rows = {
            # Supervision and training (some before the period).
            "sup_amy": add_row(
                r,
                "supervision",
                "2026-07-01 10:00",
                "Supervision",
                staff=staff["amy"],
                fields={"next_due": "2026-08-26"},
            ),
            "sup_dan": add_row(
                r, "supervision", "2026-09-20 10:00", "Supervision", staff=staff["dan"]
            ),
            "tr_amy_mh": add_row(
                r,
                "training",
                None,
                "",
                staff=staff["amy"],
                on=date(2025, 9, 1),
                fields={
                    "course": "Moving and handling",
                    "completed": "2025-09-01",
                    "expires": "2026-09-01",
                },
            ),
            "tr_amy_med": add_row(
                r,
                "training",
                None,
                "",
                staff=staff["amy"],
                on=date(2026, 3, 1),
                fields={"course": "Medication", "completed": "2026-03-01", "expires": "2027-03-01"},
            ),
            "tr_dan_ind": add_row(
                r,
                "training",
                None,
                "",
                staff=staff["dan"],
                on=date(2026, 1, 5),
                fields={"course": "Care Certificate induction", "completed": "2026-01-05"},
            ),
            # The rota: a day and a night.
            "rota_amy": add_row(
                r,
                "rota",
                "2026-10-01 07:00",
                "",
                staff=staff["amy"],
                ends="2026-10-01 19:00",
                fields={"employment": "permanent"},
            ),
            "rota_ben": add_row(
                r,
                "rota",
                "2026-10-01 19:00",
                "",
                staff=staff["ben"],
                ends="2026-10-02 07:00",
                fields={"employment": "agency"},
            ),
            "rota_dan": add_row(
                r,
                "rota",
                "2026-10-01 19:00",
                "",
                staff=staff["dan"],
                ends="2026-10-02 07:00",
                fields={"employment": "permanent"},
            ),
            # The care records.
            "bruise": add_row(
                r,
                "care-notes",
                "2026-10-01 10:15",
                "Bruise on left forearm noticed during personal care.",
                staff=staff["amy"],
                person=a,
                concern=True,
                file="nourish.csv",
                row=14,
            ),
            "refused": add_row(
                r,
                "mar",
                "2026-10-02 02:00",
                "Refused evening medication, agitated.",
                staff=staff["ben"],
                person=b,
                concern=True,
            ),
            "handover": add_row(
                r,
                "handover",
                "2026-10-02 07:30",
                "P-2001 settled after 03:00.",
                staff=staff["dan"],
                person=b,
            ),
            "review": add_row(
                r,
                "care-notes",
                "2026-10-05 09:30",
                "Reviewed the bruising; safeguarding referral made.",
                staff=staff["sarah"],
                person=a,
            ),
            "change": add_row(
                r,
                "care-notes",
                "2026-10-06 14:00",
                "Now needs two carers for all transfers.",
                staff=staff["amy"],
                person=a,
                fields={"change_in_need": True},
            ),
            "plan": add_row(
                r,
                "care-plan-changes",
                "2026-10-14 11:00",
                "Moving and handling plan: two carers.",
                staff=staff["sarah"],
                person=a,
            ),
        }
        db.session.commit()
        return Scenario(review_id, oak.id, user, {k: v.id for k, v in rows.items()})


def supervise_dan_late(review_id: int) -> None:
    """Dan Hughes's last supervision (21/09/2026) set his next for 30/12/2026: 14 weeks, where
    the service's standard is 8. Committed."""
    dan = db.session.scalars(db.select(StaffMember).filter_by(name="Dan Hughes")).one()
    add_row(
        review_id,
        "supervision",
        "2026-09-21 10:00",
        "Supervision",
        staff=dan,
        fields={"next_due": "2026-12-30"},
    )
    db.session.commit()
