"""A small provider whose learning figures are worked out by hand (tests/graph/README in words).

Three services, eight reviews, five factors::

    R1 OAK 2025-02-10  A M        (+ L as a hypothesis: does not count)
    R2 OAK 2025-05-01  A M H
    R3 WIL 2025-08-15  A M
    R4 WIL 2025-11-20  E H
    R5 RIV 2026-01-05  E H        (+ L ruled out: does not count)
    R6 RIV 2026-03-01  L E        (L supported and concluded root)
    R7 OAK 2026-04-01  L A        (A still a hypothesis, but concluded contributory: counts)
    R8 OAK 2026-06-01  nothing coded

    A staffing.agency-reliance  M training.agency-mar  H communication.handover-not-recorded
    E guidance.escalation-thresholds  L environment.poor-lighting

Actions (done on):
    X1 R1 reminder  (individual) addresses A, done 2025-03-01: R2 cites A 61 days later
    X2 R2 process   (system)     addresses M, done 2025-06-01: nothing later at OAK cites M
    X3 R4 training  (individual) addresses H, done 2025-12-01: nothing later at WIL cites H
    X4 R5 tool      (system)     addresses E, done 2026-01-20: R6 cites E 40 days later
    X5 R1 briefing  (individual) addresses A, still in progress: not counted
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rca.actions.models import Action, ActionCause
from rca.db import db
from rca.fishbone.models import Cause
from rca.fishbone.vocabulary import ensure_seeded

A = "staffing.agency-reliance"
M = "training.agency-mar"
H = "communication.handover-not-recorded"
E = "guidance.escalation-thresholds"
L = "environment.poor-lighting"
TODAY = date(2026, 12, 1)

#: (key, service, occurred_on, [(code, status, conclusion)])
REVIEWS = [
    ("R1", "OAK", "2025-02-10", [(A, "supported", "root"), (M, "supported", None),
                                 (L, "hypothesis", None)]),
    ("R2", "OAK", "2025-05-01", [(A, "supported", None), (M, "supported", "contributory"),
                                 (H, "supported", None)]),
    ("R3", "WIL", "2025-08-15", [(A, "supported", None), (M, "supported", None)]),
    ("R4", "WIL", "2025-11-20", [(E, "supported", "root"), (H, "supported", None)]),
    ("R5", "RIV", "2026-01-05", [(E, "supported", None), (H, "supported", None),
                                 (L, "ruled-out", None)]),
    ("R6", "RIV", "2026-03-01", [(L, "supported", "root"), (E, "supported", None)]),
    ("R7", "OAK", "2026-04-01", [(L, "supported", None), (A, "hypothesis", "contributory")]),
    ("R8", "OAK", "2026-06-01", [(None, "supported", None)]),
]  # fmt: skip
#: (key, review, action type, kind, status, done on, code of the cause it addresses)
ACTIONS = [
    ("X1", "R1", "reminder", "individual", "done", "2025-03-01", A),
    ("X2", "R2", "process", "system", "done", "2025-06-01", M),
    ("X3", "R4", "training", "individual", "done", "2025-12-01", H),
    ("X4", "R5", "tool", "system", "done", "2026-01-20", E),
    ("X5", "R1", "briefing", "individual", "in-progress", None, A),
]


@pytest.fixture
def provider(app, make_service, make_user, make_review) -> dict[str, Any]:
    services = {
        "OAK": make_service("OAK", "care-home", "Oakfield House"),
        "WIL": make_service("WIL", "supported-living", "Willow Lane"),
        "RIV": make_service("RIV", "homecare", "Riverside Homecare"),
    }
    admin = make_user("admin@example.org", "admin", None, name="Helen Admin")
    lead = make_user("lead@example.org", "read-only", None, name="Margaret Lead")
    oak_only = make_user("oak@example.org", "investigator", [services["OAK"]], name="Sarah Oak")
    reviews: dict[str, int] = {}
    causes: dict[tuple[str, str | None], int] = {}
    for key, code, occurred, _coded in REVIEWS:
        reviews[key] = make_review(
            admin, services[code], title=f"Review {key}", occurred_on=occurred
        )
    with app.app_context():
        ensure_seeded(db.session)
        for key, _code, _occurred, coded in REVIEWS:
            for position, (factor, status, conclusion) in enumerate(coded):
                cause = Cause(
                    review_id=reviews[key],
                    position=position,
                    text=f"{key} cause {position}",
                    category=(factor or "person.x").split(".")[0],
                    factor_code=factor,
                    status=status,
                    conclusion=conclusion,
                )
                db.session.add(cause)
                db.session.flush()
                causes[(key, factor)] = cause.id
        actions: dict[str, int] = {}
        for key, review, action_type, kind, status, done, code in ACTIONS:
            action = Action(
                review_id=reviews[review],
                text=f"Action {key}",
                kind=kind,
                action_type=action_type,
                status=status,
                completed_on=date.fromisoformat(done) if done else None,
            )
            db.session.add(action)
            db.session.flush()
            db.session.add(
                ActionCause(
                    review_id=reviews[review], action_id=action.id, cause_id=causes[(review, code)]
                )
            )
            actions[key] = action.id
        db.session.commit()
    return {
        "services": services,
        "admin": admin,
        "lead": lead,
        "oak_only": oak_only,
        "reviews": reviews,
        "causes": causes,
        "actions": actions,
    }


class Api:
    """A test client sending one user's bearer token."""

    def __init__(self, app, user):
        from rca.accounts.models import User
        from rca.accounts.tokens import issue_token

        with app.app_context():
            token = issue_token(db.session, db.session.get(User, user.id))
            db.session.commit()
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(url, headers=self.headers, json=body)


@pytest.fixture
def api_as(app):
    return lambda user: Api(app, user)
