"""A hand-built provider for the quality-statement tests (two services, one reader who sees one).

::

    R1 OAK 2026-03-01  c1 training.agency-mar       supported, root          -> a finding
                       c2 environment.poor-lighting hypothesis               -> not a finding
                       c3 guidance.escalation-thresholds supported, incidental -> not a finding
                       a1 process, owner Amira Hussain (Deputy Manager), done, addresses c1
                          check 18/20 = 90% against 90%: target met
                       learning shared by team meeting with Lucy Evans
    R2 WIL 2026-05-01  c4 environment.poor-lighting supported, contributory  -> a finding
                       a2 environment, planned, due 2026-06-01, addresses c4
    R3 OAK 2025-06-01  c5 staffing.short-staffed    supported, root          (before 2026)

With the default mapping, in 2026: c1 is safe staffing and medicines optimisation; a1 is safe
systems (its type) plus c1's two; c4 and a2 are safe environments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rca.actions.models import Action, ActionCause
from rca.actions.monitoring_models import Dissemination, DisseminationStaff, EffectivenessCheck
from rca.db import db
from rca.fishbone.models import Cause
from rca.fishbone.vocabulary import ensure_seeded
from rca.provider.models import StaffMember

STAFFING = "safe.safe-effective-staffing"
MEDICINES = "safe.medicines-optimisation"
SYSTEMS = "safe.safe-systems-pathways-transitions"
ENVIRONMENTS = "safe.safe-environments"
YEAR = "since=2026-01-01&until=2026-12-31"

CAUSES = {
    "c1": ("R1", "training.agency-mar", "supported", "root"),
    "c2": ("R1", "environment.poor-lighting", "hypothesis", None),
    "c3": ("R1", "guidance.escalation-thresholds", "supported", "incidental"),
    "c4": ("R2", "environment.poor-lighting", "supported", "contributory"),
    "c5": ("R3", "staffing.short-staffed", "supported", "root"),
}


@pytest.fixture
def qs_provider(app, make_service, make_user, make_review) -> dict[str, Any]:
    oak = make_service("OAK", "care-home", "Oakfield House")
    wil = make_service("WIL", "supported-living", "Willow Lane")
    admin = make_user("admin@example.org", "admin", None, name="Helen Admin")
    oak_only = make_user("oak@example.org", "investigator", [oak], name="Sarah Oak")
    reader = make_user("reader@example.org", "read-only", None, name="Margaret Reader")
    reviews = {
        "R1": make_review(admin, oak, title="Missed evening medicines", occurred_on="2026-03-01"),
        "R2": make_review(admin, wil, title="Fall on the landing", occurred_on="2026-05-01"),
        "R3": make_review(admin, oak, title="Short night shift", occurred_on="2025-06-01"),
    }
    with app.app_context():
        ensure_seeded(db.session)
        causes: dict[str, int] = {}
        for key, (review, code, status, conclusion) in CAUSES.items():
            cause = Cause(
                review_id=reviews[review], text=f"Finding {key}", category=code.split(".")[0],
                factor_code=code, status=status, conclusion=conclusion,
            )  # fmt: skip
            db.session.add(cause)
            db.session.flush()
            causes[key] = cause.id
        amira = StaffMember(service_id=oak.id, name="Amira Hussain", role="Deputy Manager")
        lucy = StaffMember(service_id=oak.id, name="Lucy Evans", role="Care Worker")
        db.session.add_all([amira, lucy])
        db.session.flush()
        a1 = Action(
            review_id=reviews["R1"], text="Agency MAR sign-off before a first round",
            kind="system", action_type="process", status="done", owner_staff_id=amira.id,
            owner_name="Amira Hussain", due=date(2026, 4, 1), completed_on=date(2026, 3, 30),
            measure="% of rounds signed", target="90%",
        )  # fmt: skip
        a2 = Action(
            review_id=reviews["R2"], text="Brighter landing lights", kind="system",
            action_type="environment", status="planned", owner_name="Daniel Okafor",
            due=date(2026, 6, 1),
        )  # fmt: skip
        db.session.add_all([a1, a2])
        db.session.flush()
        db.session.add_all(
            [
                ActionCause(review_id=reviews["R1"], action_id=a1.id, cause_id=causes["c1"]),
                ActionCause(review_id=reviews["R2"], action_id=a2.id, cause_id=causes["c4"]),
            ]
        )
        db.session.add(
            EffectivenessCheck(
                review_id=reviews["R1"],
                action_id=a1.id,
                numerator=18,
                denominator=20,
                period_start=date(2026, 4, 1),
                period_end=date(2026, 4, 30),
                source="weekly MAR audit",
                result_percent=Decimal("90"),
                target_percent=Decimal("90"),
                target_met=True,
                verdict="embedded",
            )  # fmt: skip
        )
        shared = Dissemination(
            review_id=reviews["R1"], on=date(2026, 4, 2), method="team-meeting",
            teams="night team", understanding_checked=True,
        )  # fmt: skip
        db.session.add(shared)
        db.session.flush()
        db.session.add(
            DisseminationStaff(
                review_id=reviews["R1"], dissemination_id=shared.id, staff_id=lucy.id
            )
        )
        actions = {"a1": a1.id, "a2": a2.id}
        db.session.commit()
    return {
        "services": {"OAK": oak, "WIL": wil},
        "admin": admin,
        "oak_only": oak_only,
        "reader": reader,
        "reviews": reviews,
        "causes": causes,
        "actions": actions,
    }
