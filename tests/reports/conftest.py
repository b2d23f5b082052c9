"""A review ready for its report: the timeline scenario (Oak House, Person A = P-1042 "Edith
Brown", staff Amy Patel, Ben Okoro (agency), Sarah Mitchell, Dan Hughes) plus causes with their
evidence, actions with owners and review points, a key moment, a meeting, learning shared, an
effectiveness check and a guidance override. Names and references of people supported are
written into the free text on purpose: the report must show none of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from rca.actions.models import Action, ActionCause, ReviewPoint
from rca.actions.monitoring_models import Dissemination, EffectivenessCheck, LearningPoint
from rca.db import db
from rca.fishbone.meeting_models import MeetingAttendee, MeetingDecision, ReviewMeeting
from rca.fishbone.models import Cause, CauseEvidence, CauseStatusChange
from rca.guidance.models import GuidanceOverride
from rca.provider.models import StaffMember
from rca.timeline.models import Annotation
from tests.api_v1.conftest import api_as, token_for  # noqa: F401
from tests.timeline.conftest import Scenario, add_row, local, scenario  # noqa: F401

#: What must never appear in the pseudonymised report.
SECRETS = ("Edith", "Brown", "P-1042", "P-2001")


@dataclass
class ReportReview:
    review_id: int
    service_id: int
    user: Any
    causes: dict[str, int]
    actions: dict[str, int]


@pytest.fixture
def report_review(app: Flask, scenario: Scenario) -> ReportReview:  # noqa: F811
    r = scenario.review_id
    with app.app_context():
        staff = {
            m.name: m
            for m in db.session.scalars(
                select(StaffMember).where(StaffMember.service_id == scenario.service_id)
            )
        }
        rows = scenario.rows
        db.session.add(
            Annotation(
                review_id=r,
                evidence_id=rows["bruise"],
                kind="key-moment",
                basis="fact",
                text="Amy Patel found the bruise on Mrs Brown's arm.",
            )
        )
        db.session.add(
            Annotation(
                review_id=r,
                evidence_id=rows["refused"],
                kind="missed-opportunity",
                basis="fact",
                text="Refusal by P-2001 not escalated <script>alert(1)</script>",
            )
        )
        root = Cause(
            review_id=r,
            text="No one owned the review of concerns raised at the weekend for Edith Brown",
            category="organisation",
            status="supported",
            conclusion="root",
        )
        contributory = Cause(
            review_id=r,
            text="Agency worker Ben Okoro had no induction to the evening routine </svg> x",
            category="staff",
            status="supported",
            conclusion="contributory",
        )
        ruled_out = Cause(
            review_id=r,
            text="Lighting in the corridor",
            category="environment",
            status="ruled-out",
        )
        db.session.add_all([root, contributory, ruled_out])
        db.session.flush()
        db.session.add_all(
            [
                CauseEvidence(review_id=r, cause_id=root.id, evidence_id=rows["bruise"]),
                CauseEvidence(review_id=r, cause_id=root.id, evidence_id=rows["review"]),
                CauseEvidence(review_id=r, cause_id=contributory.id, evidence_id=rows["refused"]),
            ]
        )
        db.session.add(
            CauseStatusChange(
                review_id=r,
                cause_id=ruled_out.id,
                from_status="hypothesis",
                to_status="ruled-out",
                reason="The corridor lights were checked on 02/10; Edith walked with her frame.",
            )
        )
        plan = Action(
            review_id=r,
            text="Name a duty manager who reviews every weekend concern for P-1042 and others",
            kind="system",
            action_type="ownership",
            owner_name="Sarah Mitchell",
            owner_staff_id=staff["Sarah Mitchell"].id,
            due=date(2026, 12, 18),
            measure="% of concerns reviewed within 1 working day",
            target="95%",
            status="in-progress",
        )
        induction = Action(
            review_id=r,
            text="Agency induction checklist covering evening medication",
            kind="system",
            action_type="process",
            owner_name="Dan Hughes",
            owner_staff_id=staff["Dan Hughes"].id,
            due=date(2027, 1, 15),
            measure="% of agency shifts with an induction record",
            target="100%",
        )
        db.session.add_all([plan, induction])
        db.session.flush()
        db.session.add_all(
            [
                ActionCause(review_id=r, action_id=plan.id, cause_id=root.id),
                ActionCause(review_id=r, action_id=induction.id, cause_id=contributory.id),
                ReviewPoint(review_id=r, action_id=plan.id, on=date(2027, 1, 8)),
                ReviewPoint(review_id=r, action_id=plan.id, on=date(2027, 2, 5)),
                ReviewPoint(review_id=r, action_id=induction.id, on=date(2027, 2, 12)),
            ]
        )
        meeting = ReviewMeeting(
            review_id=r,
            held_at=local("2026-11-02 14:00"),
            kind="analysis",
            purpose="Fishbone session",
            facilitator_id=scenario.user.id,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add_all(
            [
                MeetingAttendee(
                    meeting_id=meeting.id, review_id=r, name="Ivy Investigator", role="Lead"
                ),
                MeetingDecision(
                    meeting_id=meeting.id,
                    review_id=r,
                    text="Agreed the root cause: weekend ownership",
                    cause_id=root.id,
                ),
                LearningPoint(review_id=r, text="Weekend concerns need a named owner."),
                Dissemination(
                    review_id=r,
                    on=date(2026, 11, 20),
                    method="team-meeting",
                    teams="Night team",
                    understanding_checked=True,
                ),
                EffectivenessCheck(
                    review_id=r,
                    action_id=None,
                    numerator=18,
                    denominator=20,
                    period_start=date(2026, 11, 1),
                    period_end=date(2026, 11, 28),
                    source="Weekly audit of concerns",
                    result_percent=Decimal("90"),
                    target_percent=Decimal("95"),
                    target_met=False,
                    verdict="improving",
                ),
                GuidanceOverride(
                    review_id=r,
                    rule="two-source-kinds",
                    to_stage="actions",
                    reason="Only care notes exist for the weekend; Mr Brown confirmed by phone.",
                    message="Evidence from at least two kinds of source",
                ),
            ]
        )
        db.session.commit()
        return ReportReview(
            r,
            scenario.service_id,
            scenario.user,
            {"root": root.id, "contributory": contributory.id, "ruled_out": ruled_out.id},
            {"plan": plan.id, "induction": induction.id},
        )


@pytest.fixture(autouse=True)
def _cache_here(app: Flask, tmp_path: Any) -> Any:
    """Each test's drafts and page images in its own folder (never the instance folder)."""
    saved = app.config.get("REPORTS_CACHE_DIR")
    app.config["REPORTS_CACHE_DIR"] = str(tmp_path / "report-cache")
    yield
    app.config["REPORTS_CACHE_DIR"] = saved


def pdf_text(data: bytes) -> str:
    """Every page's text, as pypdf extracts it, whitespace folded."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def build_pdf(app: Flask, review_id: int, mode: str = "pseudonymised") -> tuple[bytes, Any]:
    from rca.reports import drafts
    from rca.reviews.models import Review

    with app.app_context():
        review = db.session.get(Review, review_id)
        built = drafts.build(
            db.session, review, mode=mode, provider="Hollybrook Care", today=date(2026, 12, 1)
        )
        return drafts.draft_pdf(app, review_id, built), built
