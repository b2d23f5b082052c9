"""Demo content for the reports area: the Riverside safeguarding review, at the report stage,
has its report issued to the council's commissioning team (through ``rca.reports.issued``), so
the report pane shows an issued version with its hash and the verify form has one to match."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy.orm import Session

from rca.db import LONDON
from rca.demo import data
from rca.demo.steps import DemoContext, add_steps, handles
from rca.demo.stories import Step
from rca.reports import issued
from rca.reviews.models import Review


@handles("issue-report")
def issue_report(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    at = datetime.fromisoformat(step.at).replace(tzinfo=LONDON)
    record = issued.issue(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        session,
        review,
        recipient=step.data["recipient"],
        user_id=ctx.users[step.actor].id if step.actor in ctx.users else None,
        today=at.date(),
        provider=data.PROVIDER,
    )
    record.issued_at = at.astimezone(UTC)
    session.flush()


add_steps(
    "Low-level safeguarding concerns in visit notes not escalated promptly",
    Step(
        "2026-10-16 10:00",
        "joanne.price",
        "issue-report",
        {"recipient": "Westshire County Council adult social care commissioning team"},
    ),
)
