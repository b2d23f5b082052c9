"""A review with evidence for fishbone tests, and a second service's review to keep out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.provider.models import Service
from rca.reviews.models import Review


def add_evidence(review_id: int, kind: str, on: str, text: str) -> int:
    row = EvidenceRow(
        review_id=review_id,
        kind=kind,
        occurred_on=date.fromisoformat(on),
        text=text,
        fields={},
        cells={},
        file_name=f"{kind}.csv",
        row_number=2,
        content_hash=hashlib.sha256(f"{review_id}|{kind}|{on}|{text}".encode()).hexdigest(),
    )
    db.session.add(row)
    db.session.flush()
    return row.id


@dataclass
class Fishbone:
    review_id: int
    other_review_id: int
    user: User  # investigator at OAK (may edit)
    reader: User  # read-only at OAK
    outsider: User  # investigator at RIV only
    evidence: dict[str, int]
    other_evidence: int
    oak: Service


@pytest.fixture
def fb(
    app: Flask,
    make_service: Callable[..., Service],
    make_user: Callable[..., User],
    make_review: Callable[..., int],
) -> Fishbone:
    oak, riv = make_service("OAK", name="Oak House"), make_service("RIV", name="Riverside")
    user = make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")
    reader = make_user("read@example.org", "read-only", [oak], name="Rita Reader")
    outsider = make_user("riv@example.org", "investigator", [riv], name="Rob River")
    review_id = make_review(user, oak, title="Missed evening medication")
    other_id = make_review(outsider, riv, title="Another service's review")
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.question = "Why were evening doses missed on agency shifts?"
        evidence = {
            "rota": add_evidence(review_id, "rota", "2026-09-03", "Evening shift: 3 of 4 agency"),
            "mar": add_evidence(review_id, "mar", "2026-09-03", "Dose not signed at 18:00"),
            "interview": add_evidence(
                review_id, "interview", "2026-09-10", "Agency nurse did not know the eMAR"
            ),
        }
        other = add_evidence(other_id, "care-notes", "2026-09-03", "Someone else's evidence")
        db.session.commit()
    return Fishbone(review_id, other_id, user, reader, outsider, evidence, other, oak)


@pytest.fixture
def api(app: Flask) -> Callable[..., object]:
    """Call the API as a user: api(user, method, url, json=...)."""

    def call(user: User, method: str, url: str, **kw: object) -> object:
        with app.app_context():
            token = issue_token(db.session, db.session.get(User, user.id))
            db.session.commit()
        client = app.test_client()
        return client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **kw)

    return call
