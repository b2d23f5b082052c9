"""A benchmark database: the demo provider plus enough reviews to fill the lists (1,000 in all).

Reviews are made through the same domain functions as the screens (create, terms, stage moves),
so the rows, the audit trail and the people/staff/panel links look like real use; a seeded random
generator keeps every run's database the same.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from rca import create_app
from rca.accounts.models import User
from rca.audit.recorder import acting_as
from rca.db import db
from rca.demo import data, loader, stories
from rca.provider.models import PersonSupported, Service, StaffMember
from rca.reviews import lifecycle, scope
from rca.reviews.models import STAGES, Review
from rca.validation import FieldErrors

TODAY = date(2026, 11, 23)
SECRET_KEY = "bench-secret-key-not-for-production"
USER_AGENT = "rca-bench/1"
ADMIN = "helen.carter@hollybrook.example"
PASSWORD = data.DEMO_PASSWORD
#: Which demo user starts reviews at each service (its registered manager).
LEADS = {"OAK": "sarah.mitchell", "WIL": "daniel.okafor", "RIV": "grace.adeyemi"}
TITLES: dict[str, list[str]] = {
    "incident": [
        "Missed evening medication",
        "Unwitnessed fall in the bedroom",
        "Pressure ulcer found at grade 3",
        "Late visit left person without lunch",
        "Choking episode at breakfast",
        "Skin tear during a transfer with the hoist",
    ],
    "near-miss": [
        "Wrong MAR chart picked up, caught before administration",
        "Bed rails left down, noticed at the night check",
        "Visit nearly missed after a rota change",
    ],
    "complaint": [
        "Family complaint about missed personal care",
        "Complaint about staff arriving late and rushing",
        "Complaint about laundry going missing",
    ],
    "safeguarding-concern": [
        "Unexplained bruising noted during personal care",
        "Concern about a visitor's behaviour",
        "Possible financial abuse raised by a neighbour",
    ],
    "audit-failure": [
        "Monthly care plan audit below standard",
        "Medication audit found MAR gaps",
        "Infection control audit failed in the sluice",
    ],
    "inspection-finding": ["CQC finding: risk assessments out of date"],
    "pattern": [
        "Repeated late calls on the Tuesday evening run",
        "Repeated falls at night in one unit",
        "Repeated agency shifts without induction checks",
    ],
}
TRIGGER_WEIGHTS = {
    "incident": 40,
    "near-miss": 15,
    "complaint": 15,
    "safeguarding-concern": 10,
    "audit-failure": 10,
    "inspection-finding": 3,
    "pattern": 7,
}
SEVERITY_WEIGHTS = {"no-harm": 25, "low": 40, "moderate": 25, "severe": 8, "death": 2}


def config(db_path: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": SECRET_KEY,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


def build(db_path: Path, total: int = 1000, seed: int = 2026) -> Flask:
    """Create and fill the database at ``db_path``; returns an app configured for it."""
    app = create_app(config(db_path))
    rng = random.Random(seed)
    with app.app_context():
        upgrade(directory=app.root_path + "/migrations")
        loader.load(db.session, TODAY)
        services = {s.code: s for s in db.session.scalars(select(Service))}
        users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
        staff = {
            code: [m.id for m in db.session.scalars(select(StaffMember).filter_by(service_id=s.id))]
            for code, s in services.items()
        }
        people = {
            code: [
                p.reference
                for p in db.session.scalars(select(PersonSupported).filter_by(service_id=s.id))
            ]
            for code, s in services.items()
        }
        made = len(stories.REVIEWS)
        while made < total:
            code = rng.choice(list(LEADS))  # the services with a lead (a new home has none yet)
            _one_review(rng, code, users, staff[code], people[code])
            made += 1
            if made % 100 == 0:
                db.session.commit()
        db.session.commit()
    return app


def sample_review_id(app: Flask) -> int:
    """A review well into its life: in analysis, with terms, panel, people and staff in scope."""
    with app.app_context():
        ids = db.session.scalars(
            select(Review.id).where(Review.stage == "analysis").order_by(Review.id)
        ).all()
        return ids[len(ids) // 2]


def _one_review(
    rng: random.Random,
    code: str,
    users: dict[str, User],
    staff_ids: list[int],
    refs: list[str],
) -> None:
    trigger = rng.choices(list(TRIGGER_WEIGHTS), weights=list(TRIGGER_WEIGHTS.values()))[0]
    severity = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0]
    occurred = TODAY - timedelta(days=rng.randint(3, 700))
    actor = users[LEADS[code]]
    with acting_as(actor.id, "cli"):
        review = lifecycle.create_review(
            db.session,
            actor,
            {
                "service": code,
                "title": rng.choice(TITLES[trigger]),
                "trigger": trigger,
                "occurred_on": occurred.isoformat(),
                "severity": severity,
                "people_affected": rng.choice([1, 1, 1, 1, 2, 3]),
                "safeguarding": trigger == "safeguarding-concern" or rng.random() < 0.05,
                "notified": severity in {"severe", "death"},
            },
            TODAY,
        )
        # Older reviews have usually moved further on; the newest are still in triage.
        final = min(len(STAGES) - 1, max(0, (occurred - TODAY).days // -60 + rng.randint(-1, 2)))
        if final == 0:
            return
        _move(review, "scope")
        scope.update_terms(
            db.session,
            review,
            {
                "question": f"Why did this happen ({review.title.lower()}), and what allowed it?",
                "period_start": (occurred - timedelta(days=rng.choice([28, 56, 90]))).isoformat(),
                "period_end": occurred.isoformat(),
                "baseline_issue": f"{review.title} on {occurred:%d/%m/%Y}; records show earlier "
                "signs that were not acted on.",
                "target_measure": "audited records meeting the standard within 5 working days",
                "target_threshold": rng.choice(["90", "95", "98", "100"]),
                "target_period_weeks": rng.choice(["8", "12"]),
                "lead_id": actor.id,
                "people": ", ".join(rng.sample(refs, k=min(len(refs), rng.randint(1, 3)))),
            },
            TODAY,
            panel_ids=[users["tom.whitfield"].id],
            staff_ids=rng.sample(staff_ids, k=3),
        )
        for stage in list(STAGES)[2 : final + 1]:
            _move(review, stage)
        db.session.flush()


#: The reason given for every guidance rule a bench review moves past (the reviews are filler).
BENCH_REASON = "Benchmark filler review: moved on to give the database a realistic spread."


def _move(review: Review, stage: str) -> None:
    """Move on a stage, giving a reason for each guidance rule that gates the move and fails
    (whatever the guidance area's rules are today)."""
    try:
        lifecycle.move_to_stage(review, stage, today=TODAY)
    except FieldErrors as exc:
        reasons = {k: BENCH_REASON for k in exc.errors if k.startswith("override-")}
        if not reasons:
            raise
        lifecycle.move_to_stage(review, stage, overrides=reasons, today=TODAY)


def filled_review(app: Flask, total: int, days: int) -> int:
    """The sample review with ``total`` evidence rows over ``days`` added (rca.timeline.sample):
    the timeline and fishbone benches' review."""
    from rca.timeline import sample

    review_id = sample_review_id(app)
    with app.app_context():
        sample.fill(db.session, db.session.get(Review, review_id), total=total, days=days)
        db.session.commit()
    return review_id
