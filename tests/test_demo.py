"""``flask --app rca demo``: the demo provider loads, matches its documentation, and works."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import func, select

from rca.accounts.models import ROLES, Membership, User
from rca.audit.models import AuditEntry
from rca.db import db
from rca.demo import data, learning, stories
from rca.provider.models import PersonSupported, Service, StaffMember
from rca.reviews.models import STAGES, Review
from rca.reviews.views import PANES

ADMIN = "helen.carter@hollybrook.example"


def run_demo(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def counts() -> dict[str, int]:
    models = (Service, StaffMember, PersonSupported, User, Membership, Review, AuditEntry)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


@pytest.fixture
def demo(app: Flask) -> str:
    return run_demo(app)


def test_demo_loads_what_it_documents(app, demo):
    assert "demo-workbench-2026" in demo
    assert len(data.DEMO_PASSWORD) >= 10
    with app.app_context():
        services = db.session.scalars(select(Service)).all()
        kinds = sorted(s.kind for s in services)
        assert kinds == ["care-home", "care-home", "homecare", "supported-living"]
        staff = db.session.scalars(select(StaffMember)).all()
        assert 22 <= len(staff) <= 30
        assert {s.employment for s in staff} == {"permanent", "bank", "agency"}
        assert {s.service_id for s in staff} == {s.id for s in services}
        managers = {s.role for s in staff if s.managerial}
        assert {"Registered Manager", "Deputy Manager"} <= managers
        assert not any(s.managerial for s in staff if s.role in {"Care Worker", "Support Worker"})
        people = db.session.scalars(select(PersonSupported)).all()
        assert {p.service_id for p in people} == {s.id for s in services}
        roles = Counter(m.role for m in db.session.scalars(select(Membership)))
        assert set(roles) == set(ROLES)
        admin = db.session.scalars(select(User).where(User.email == ADMIN)).one()
        assert [(m.role, m.service_id) for m in admin.memberships] == [("admin", None)]
        everything = db.session.scalars(select(Review)).all()
        titles = {spec["triage"]["title"] for spec in stories.REVIEWS}
        reviews = [r for r in everything if r.title in titles]
        assert len(reviews) == 8
        assert {r.stage for r in reviews} == set(STAGES)
        assert any(r.depth != r.recommended_depth and r.depth_override_reason for r in reviews)
        for r in reviews:
            assert r.occurred_on.year == 2026
            if r.period_start:
                assert r.period_start <= r.period_end <= r.occurred_on
        # Two years of earlier reviews behind them, for the learning figures.
        history = [r for r in everything if r.title not in titles]
        assert len(history) == len(learning.HISTORY) >= 24
        assert {r.service.code for r in history} == {"OAK", "WIL", "RIV"}
        assert min(r.occurred_on for r in history).year == 2024
        targets = {r.target_text for r in reviews}
        assert any(t and t.startswith("95% of identified changes") for t in targets)


def test_running_it_again_adds_nothing(app, demo):
    with app.app_context():
        before = counts()
    output = run_demo(app)
    assert "already holds data" in output
    assert "Nothing was changed" in output
    with app.app_context():
        assert counts() == before


def test_reset_replaces_the_demo_with_a_fresh_copy(app, demo):
    with app.app_context():
        before = counts()
    output = run_demo(app, "--reset", "--yes")
    assert "Loaded the demo provider" in output
    with app.app_context():
        assert counts() == before


def test_reset_refuses_when_the_data_is_not_the_demo(app, make_service):
    make_service("REAL")
    result = app.test_cli_runner().invoke(args=["demo", "--reset", "--yes"])
    assert result.exit_code != 0
    assert "refused" in result.output
    with app.app_context():
        assert db.session.scalars(select(Service.code)).all() == ["REAL"]


def test_a_demo_user_signs_in_with_the_demo_password(demo, web):
    response = web.login("hannah.price@hollybrook.example", data.DEMO_PASSWORD)
    assert response.status_code == 302
    page = web.get("/")
    assert page.status_code == 200
    # A facilitator at Willow Lane sees that service's reviews and nobody else's.
    assert "Family complaint about missed evening support" in page.text
    assert "Oakfield House" not in page.text


def test_every_review_page_renders_for_the_admin(app, demo, web):
    assert web.login(ADMIN, data.DEMO_PASSWORD).status_code == 302
    with app.app_context():
        # Every story review, and one of the earlier (learning history) reviews at each of their
        # stages: those 26 are made by one function, and every pane of all of them would add
        # half a minute to the suite for nothing the sample does not catch.
        titles = {spec["triage"]["title"] for spec in stories.REVIEWS}
        rows = db.session.execute(select(Review.id, Review.title, Review.stage)).all()
        ids = [i for i, title, _ in rows if title in titles]
        ids += list({stage: i for i, title, stage in rows if title not in titles}.values())
    assert web.get("/").status_code == 200
    for review_id in ids:
        assert web.get(f"/reviews/{review_id}").status_code == 302
        for pane in PANES:
            response = web.get(f"/reviews/{review_id}/{pane}")
            assert response.status_code == 200, (review_id, pane)


def test_the_history_pane_shows_the_trail(app, demo, web):
    with app.app_context():
        titles = [spec["triage"]["title"] for spec in stories.REVIEWS]
        review = db.session.scalars(
            select(Review).where(Review.stage == "closed", Review.title.in_(titles))
        ).one()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.review_id == review.id)
        ).all()
        review_id = review.id
    # Created, terms set, then moved stage by stage: several people over several months.
    assert len(entries) >= 10
    assert len({e.user_id for e in entries}) >= 3
    assert min(e.at for e in entries).month < max(e.at for e in entries).month
    web.login(ADMIN, data.DEMO_PASSWORD)
    page = web.get(f"/reviews/{review_id}/history")
    assert page.status_code == 200
    assert "No changes recorded yet" not in page.text
    assert "Daniel Okafor" in page.text


def test_with_evidence_imports_every_reviews_exports_once(app):
    """scripts/run loads the demo with its evidence, so a newcomer's timelines have events."""
    from rca.demo.exports import demo_exports
    from rca.evidence.models import EvidenceImport, EvidenceRow
    from rca.timeline import assembly

    output = run_demo(app, "--with-evidence")
    assert "evidence rows from the demo exports" in output
    with app.app_context():
        per_review = dict(
            db.session.execute(
                select(Review.reference, func.count(EvidenceRow.id))
                .join(EvidenceRow, EvidenceRow.review_id == Review.id)
                .where(EvidenceRow.import_id.is_not(None))
                .group_by(Review.reference)
            ).all()
        )
        assert set(per_review) == set(demo_exports(2026)), per_review
        files = sum(len(f) for f in demo_exports(2026).values())
        assert db.session.scalar(select(func.count(EvidenceImport.id))) == files
        review = db.session.scalars(select(Review).where(Review.reference == "RCA-2026-0003")).one()
        assert len(assembly.build(db.session, review).chronology.events) > 100
        before = counts()
    # Idempotent like every set-up step: a second run changes nothing.
    assert "already holds data" in run_demo(app, "--with-evidence")
    with app.app_context():
        assert counts() == before
