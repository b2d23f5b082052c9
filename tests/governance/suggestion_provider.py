"""A hand-built provider for the "look here too" tests: three care homes and a supported living
service, and readers who see different parts of it.

::

    R1 OAK Oakfield House (care home)  2026-09-01
        c1 environment.poor-lighting   supported, root          -> a finding that travels
        c2 staffing.short-staffed      supported, root          -> a finding that stays
        c3 equipment.mar-gaps          hypothesis               -> not a finding
    R2 BEE Beech Court (care home)     2026-08-01
        c4 environment.poor-lighting   ruled out                -> Beech Court examined lighting
    ELM Elm Court (care home) and WIL Willow Lane (supported living): no reviews.

So the one suggestion is poor lighting, from R1, to Elm Court.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rca.db import db
from rca.fishbone.models import Cause
from rca.fishbone.vocabulary import ensure_seeded

TODAY = date(2026, 12, 1)
LIGHTING = "environment.poor-lighting"
CAUSES = {
    "c1": ("R1", LIGHTING, "supported", "root"),
    "c2": ("R1", "staffing.short-staffed", "supported", "root"),
    "c3": ("R1", "equipment.mar-gaps", "hypothesis", None),
    "c4": ("R2", LIGHTING, "ruled-out", None),
}


def add_cause(review_id: int, code: str, status: str, conclusion: str | None) -> int:
    """A cause written straight to the table (the tests are about reading findings)."""
    cause = Cause(
        review_id=review_id, text=f"Finding {code}", category=code.split(".")[0],
        factor_code=code, status=status, conclusion=conclusion,
    )  # fmt: skip
    db.session.add(cause)
    db.session.flush()
    return cause.id


def build_provider(app: Any, make_service: Any, make_user: Any, make_review: Any) -> dict[str, Any]:
    """The provider above; each test module wraps it in its own ``sg`` fixture."""
    oak = make_service("OAK", "care-home", "Oakfield House")
    elm = make_service("ELM", "care-home", "Elm Court")
    bee = make_service("BEE", "care-home", "Beech Court")
    wil = make_service("WIL", "supported-living", "Willow Lane")
    admin = make_user("admin@example.org", "admin", None, name="Helen Admin")
    out: dict[str, Any] = {
        "oak": oak, "elm": elm, "bee": bee, "wil": wil, "admin": admin,
        "lead": make_user("lead@example.org", "investigator", None, name="Tom Lead"),
        "area": make_user("area@example.org", "investigator", [oak, elm], name="Ann Area"),
        "oak_only": make_user("oak@example.org", "investigator", [oak], name="Sarah Oak"),
        "elm_only": make_user("elm@example.org", "investigator", [elm], name="Eve Elm"),
        "reader": make_user("reader@example.org", "read-only", None, name="Margaret Reader"),
    }  # fmt: skip
    reviews = {
        "R1": make_review(admin, oak, title="Fall on the landing", occurred_on="2026-09-01"),
        "R2": make_review(admin, bee, title="Fall in the lounge", occurred_on="2026-08-01"),
    }
    with app.app_context():
        ensure_seeded(db.session)
        out["causes"] = {
            key: add_cause(reviews[review], code, status, conclusion)
            for key, (review, code, status, conclusion) in CAUSES.items()
        }
        db.session.commit()
    out["reviews"] = reviews
    return out
