"""A realistic review to test the guidance on: the safeguarding-escalation example of the domain
reading (homecare; low-level concerns in visit notes not escalated), built through the
fishbone's and the actions' own domain functions, with evidence rows of several kinds."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rca.actions import planning
from rca.actions.models import Action
from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.fishbone import causes
from rca.fishbone.models import Cause
from rca.reviews.models import Review

TODAY = date(2026, 11, 23)


class Story:
    """Builds one review's analysis and plan; every method commits, as a screen would."""

    def __init__(self, app: Any, user: Any, service: Any, review_id: int):
        self.app, self.user, self.service, self.review_id = app, user, service, review_id
        self._n = 0

    def review(self) -> Review:
        review = db.session.get(Review, self.review_id)
        assert review is not None
        return review

    def evidence(self, kind: str, text: str = "") -> int:
        self._n += 1
        row = EvidenceRow(
            review_id=self.review_id,
            kind=kind,
            text=text or f"{kind} record {self._n}",
            content_hash=hashlib.sha256(f"{kind}{self._n}{text}".encode()).hexdigest(),
            occurred_on=date(2026, 7, 1),
        )
        db.session.add(row)
        db.session.commit()
        return row.id

    def cause(
        self,
        text: str,
        category: str,
        status: str = "hypothesis",
        kinds: tuple[str, ...] = (),
        conclusion: str | None = None,
    ) -> int:
        ids = [self.evidence(k) for k in kinds]
        raw = {
            "text": text,
            "category": category,
            "status": status,
            "evidence_ids": ids,
            "conclusion": conclusion,
            "reason": "Found in the records.",
        }
        cause = causes.add_cause(db.session, self.review(), self.user, raw)
        db.session.commit()
        return cause.id

    def conclude(self, cause_id: int, conclusion: str | None) -> None:
        cause = db.session.get(Cause, cause_id)
        assert cause is not None
        causes.update_cause(
            db.session,
            self.review(),
            cause_id,
            {"conclusion": conclusion, "version": cause.version},
        )
        db.session.commit()

    def action(self, text: str, cause_ids: list[int], kind: str = "system", **fields: Any) -> int:
        raw = {
            "text": text,
            "kind": kind,
            "owner": fields.pop("owner", self.user.email),
            "due": fields.pop("due", "2027-01-29"),
            "measure": fields.pop(
                "measure",
                "% of safeguarding indicators reviewed by management within 1 working day",
            ),
            "target": fields.pop("target", "100%"),
            **fields,
        }
        points = raw.pop("review_points", ["2027-01-08"])
        review = self.review()
        data = planning.parse_action(db.session, review, raw, cause_ids, points)
        action = planning.create_action(db.session, review, data, self.user.id)
        db.session.commit()
        return action.id

    def action_row(self, action_id: int) -> Action:
        action = db.session.get(Action, action_id)
        assert action is not None
        return action


def make_story(app: Any, make_service: Any, make_user: Any, make_review: Any) -> Story:
    """The review at the analysis stage with its terms of reference (call in an app context)."""
    service = make_service("RIV", kind="homecare", name="Riverside Homecare")
    user = make_user("joanne@example.org", "facilitator", [service], name="Joanne Price")
    review_id = make_review(
        user,
        service,
        title="Low-level safeguarding concerns in visit notes not escalated promptly",
        trigger="safeguarding-concern",
        occurred_on="2026-07-14",
        severity="moderate",
        safeguarding=True,
    )
    review = db.session.get(Review, review_id)
    assert review is not None
    # Terms of reference as the scope pane would have saved them; the review is at analysis.
    review.question = "Why were safeguarding indicators not escalated on the day?"
    review.period_start, review.period_end = date(2026, 5, 1), date(2026, 7, 14)
    review.baseline_issue = "Concerns reached a manager 2 to 9 days after they were noted."
    review.lead_id = user.id
    review.target_measure = "safeguarding indicators reviewed by management within 1 working day"
    review.target_threshold = Decimal("100")
    review.target_period_weeks = 12
    review.stage = "analysis"
    db.session.commit()
    return Story(app, db.session.merge(user), service, review_id)


@pytest.fixture
def story(ctx, make_service, make_user, make_review) -> Story:
    return make_story(ctx, make_service, make_user, make_review)


def by_rule(results: list[Any]) -> dict[str, Any]:
    return {r.rule: r for r in results}
