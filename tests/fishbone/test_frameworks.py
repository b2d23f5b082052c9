"""Frameworks: the published category lists, the five areas, and switching between them."""

from __future__ import annotations

from rca.accounts.models import User
from rca.db import db
from rca.fishbone import causes, settings
from rca.fishbone.frameworks import (
    AREAS,
    DEFAULT_FRAMEWORK,
    FRAMEWORKS,
    map_category,
)
from rca.fishbone.models import Cause
from rca.fishbone.settings import framework_for
from rca.reviews.models import Review


def test_every_framework_names_its_source_and_covers_the_five_areas():
    assert set(FRAMEWORKS) == {"care-default", "npsa", "london-protocol", "yorkshire", "seips"}
    for framework in FRAMEWORKS.values():
        assert framework.source
        covered = set().union(*(c.areas for c in framework.categories))
        assert covered == set(AREAS), framework.key
    default = [c.label for c in FRAMEWORKS[DEFAULT_FRAMEWORK].categories]
    assert default == [
        "Staffing and workload",
        "Training and induction",
        "Supervision",
        "Guidance, policy and thresholds",
        "Communication and handover",
        "Environment",
        "Equipment and recording systems",
        "Governance and oversight",
        "Factors of the person supported",
    ]
    assert len(FRAMEWORKS["npsa"].categories) == 9
    assert len(FRAMEWORKS["london-protocol"].categories) == 7
    assert len(FRAMEWORKS["seips"].categories) == 6


def test_mapping_uses_the_areas_and_asks_on_a_tie():
    default, npsa, seips = FRAMEWORKS["care-default"], FRAMEWORKS["npsa"], FRAMEWORKS["seips"]
    assert map_category("communication", default, npsa) == "communication"
    assert map_category("training", default, npsa) == "education"
    assert map_category("environment", default, FRAMEWORKS["london-protocol"]) == "work-environment"
    assert map_category("supervision", default, seips) == "organisation"
    # SEIPS's organisation covers all five areas: back in the default set it could be any.
    assert map_category("organisation", seips, default) is None


def test_switching_maps_the_causes_and_asks_for_the_rest(ctx, fb):
    review = db.session.get(Review, fb.review_id)
    user = db.session.get(User, fb.user.id)
    sup = causes.add_cause(
        db.session, review, user, {"text": "Supervision overdue", "category": "supervision"}
    )
    why = causes.add_cause(db.session, review, user, {"text": "No supervisor", "parent_id": sup.id})
    light = causes.add_cause(
        db.session, review, user, {"text": "Dark corridor", "category": "environment"}
    )
    db.session.commit()
    assert settings.set_framework(db.session, review, "seips") == []
    db.session.commit()
    assert framework_for(db.session, review).key == "seips"
    cats = {c.id: c.category for c in db.session.query(Cause)}
    assert cats == {
        sup.id: "organisation",
        why.id: "organisation",
        light.id: "internal-environment",
    }
    # Back to the default set: "organisation" has no single match, so it asks and waits.
    unplaced = settings.set_framework(db.session, review, "care-default")
    assert [c.id for c in unplaced] == [sup.id]
    db.session.rollback()
    assert framework_for(db.session, review).key == "seips"
    assert db.session.get(Cause, light.id).category == "internal-environment"
    assert settings.set_framework(db.session, review, "care-default", {sup.id: "supervision"}) == []
    db.session.commit()
    cats = {c.id: c.category for c in db.session.query(Cause)}
    assert cats == {sup.id: "supervision", why.id: "supervision", light.id: "environment"}


def test_the_screen_asks_where_unplaced_causes_go(fb, web_as, app):
    with app.app_context():
        review = db.session.get(Review, fb.review_id)
        cause = causes.add_cause(
            db.session, review, None, {"text": "Culture of blame", "category": "governance"}
        )
        settings.set_framework(db.session, review, "seips")
        db.session.commit()
        cause_id = cause.id
    web = web_as(fb.user)
    asked = web.post(
        f"/reviews/{fb.review_id}/framework",
        {"framework": "care-default"},
        headers={"HX-Request": "true"},
    )
    assert asked.status_code == 422
    assert "Where do these causes go" in asked.text and f'name="place-{cause_id}"' in asked.text
    done = web.post(
        f"/reviews/{fb.review_id}/framework",
        {"framework": "care-default", f"place-{cause_id}": "governance"},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and done.headers["HX-Trigger"] == "rca:changed"
    with app.app_context():
        assert db.session.get(Cause, cause_id).category == "governance"


def test_the_problem_statement_defaults_to_the_terms_of_reference(ctx, fb):
    review = db.session.get(Review, fb.review_id)
    assert settings.problem_statement(db.session, review) == review.question
    settings.set_problem_statement(db.session, review, {"problem_statement": "Doses missed"})
    assert settings.problem_statement(db.session, review) == "Doses missed"
    settings.set_problem_statement(db.session, review, {"problem_statement": ""})
    assert settings.problem_statement(db.session, review) == review.question
