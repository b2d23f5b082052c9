"""Helpers shared by the actions tests."""

from __future__ import annotations

from typing import Any

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.actions import planning
from rca.db import db
from rca.reviews.models import Review


def add_action(app, review_id: int, **fields: Any) -> int:
    """Plan an action through the domain function; returns its id."""
    raw = {
        "text": "Make the shift lead check agency staff's MAR induction at every handover",
        "kind": "system",
        "owner": "Sarah Mitchell",
        "due": "2027-01-15",
        "measure": "% of agency shifts with a MAR induction check",
        "target": "95%",
    }
    points = fields.pop("review_points", ["2027-01-29"])
    causes = fields.pop("cause_ids", [])
    raw.update(fields)
    with app.app_context():
        review = db.session.get(Review, review_id)
        data = planning.parse_action(db.session, review, raw, causes, points)
        action = planning.create_action(db.session, review, data, None)
        db.session.commit()
        return action.id


def token_for(app, user: User) -> str:
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
        return token
