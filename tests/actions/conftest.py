"""A review at a service with agreed causes, staff in scope, and users in every role."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rca.db import db
from rca.fishbone.models import Cause
from rca.provider.models import StaffMember
from rca.reviews.models import Review, ReviewStaff

TODAY = date(2026, 12, 1)


@pytest.fixture
def plan_setup(app, make_service, make_user, make_review) -> dict[str, Any]:
    oak, riv = make_service("OAK", name="Oakfield House"), make_service("RIV", name="Riverside")
    lead = make_user("sarah@example.org", "investigator", [oak], name="Sarah Mitchell")
    owner = make_user("lucy@example.org", "read-only", [oak], name="Lucy Evans")
    other = make_user("grace@example.org", "investigator", [riv], name="Grace Adeyemi")
    review_id = make_review(lead, oak, title="Repeated medication omissions")
    other_review_id = make_review(other, riv, title="Safeguarding escalation")
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.target_measure = "medication rounds with no unexplained omission"
        review.target_threshold = 98
        review.target_period_weeks = 8
        staff = [
            StaffMember(service_id=oak.id, name=n, role=r)
            for n, r in [
                ("Patrick Nolan", "Team Leader"),
                ("Chidi Eze", "Care Worker"),
                ("Rosa Fernandes", "Agency Care Worker"),
            ]
        ]
        db.session.add_all(staff)
        db.session.flush()
        review.staff = [ReviewStaff(staff_id=s.id) for s in staff]
        root = Cause(
            review_id=review_id,
            text="No one owns checking agency staff know the MAR process",
            category="governance",
            status="supported",
            conclusion="root",
        )
        contributory = Cause(
            review_id=review_id,
            text="Agency induction skips the eMAR prompts",
            category="training",
            status="supported",
            conclusion="contributory",
        )
        foreign = Cause(
            review_id=other_review_id,
            text="Alerts not flagged in the visit app",
            category="systems",
            status="supported",
            conclusion="root",
        )
        db.session.add_all([root, contributory, foreign])
        db.session.commit()
        data = {
            "oak": oak,
            "riv": riv,
            "lead": lead,
            "owner": owner,
            "other": other,
            "review_id": review_id,
            "other_review_id": other_review_id,
            "root_id": root.id,
            "contributory_id": contributory.id,
            "foreign_cause_id": foreign.id,
            "staff_ids": [s.id for s in staff],
        }
    return data
