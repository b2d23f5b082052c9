"""Two years of earlier reviews at the demo provider, so the learning figures tell a story.

The eight story reviews (``rca.demo.stories``) are this year's; these 26 came before them (and a
few beside them), coded from the domain reading's examples, and are made through the same domain
functions as the screens (reviews, causes with their reasons and conclusions, actions, progress,
effectiveness checks) so every History pane reads like real work. What they show:

- **a factor that recurs across homes**: agency staff unfamiliar with MAR, at Willow Lane, then
  Riverside, then Oakfield House, almost always with reliance on agency staff: **a pair that
  travels together**; poor lighting at Willow Lane, Riverside and Oakfield;
- **reminders that did not stop a recurrence**: MAR refresher training and reminders, escalation
  reminders and training, each followed within months by the same factor at the same service;
- **system changes that did**: a permanent senior on agency medication shifts, shadowed
  medication visits, named ownership of care-plan updates, an alert in the visit app: no
  recurrence in the six months after (and one that did not hold, at Riverside).

The data is in ``rca.demo.learning_history``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.actions import effectiveness, planning, progress
from rca.audit.recorder import acting_as
from rca.db import LONDON
from rca.demo.learning_history import HISTORY, Action, Cause, Check
from rca.fishbone import causes
from rca.fishbone.vocabulary import SEED
from rca.reviews import lifecycle
from rca.reviews.models import Review

LEADS = {"OAK": "sarah.mitchell", "WIL": "daniel.okafor", "RIV": "grace.adeyemi"}
OWNERS = {"OAK": "Sarah Mitchell", "WIL": "Daniel Okafor", "RIV": "Grace Adeyemi"}
#: Each cause is filed under the bone its factor code belongs to in the default framework.
BONES = {code: category for code, category, _label in SEED}


def _utc(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON).astimezone(UTC)


def _backdate(session: Session, row: Any, at: datetime) -> None:
    """Date a row on the day it happened: a Core UPDATE, unseen by the audit trail."""
    table = type(row).__table__
    session.execute(update(table).where(table.c.id == row.id).values(created_at=at))
    session.expire(row, ["created_at"])


def load_history(session: Session, clock: Any, users: dict[str, User], today: date) -> list[Review]:
    """Make the earlier reviews; ``clock.stamp(at)`` dates the audit entries of each step."""
    made = []
    for entry in HISTORY:
        made.append(_one(session, clock, users, today, *entry))
    return made


def _one(
    session: Session,
    clock: Any,
    users: dict[str, User],
    today: date,
    _key: str,
    service: str,
    occurred: str,
    trigger: str,
    severity: str,
    stage: str,
    title: str,
    spec: list[Cause],
    plan: list[Action],
    checks: list[Check],
) -> Review:
    actor = users[LEADS[service]]
    day = date.fromisoformat(occurred)
    with acting_as(actor.id, "cli"):
        review = lifecycle.create_review(
            session,
            actor,
            {"service": service, "title": title, "trigger": trigger, "occurred_on": occurred,
             "severity": severity, "people_affected": 1},
            today,
        )  # fmt: skip
        review.question = (
            f"Why did this happen ({title[0].lower() + title[1:]}), and what allowed it?"
        )
        review.period_start, review.period_end = day - timedelta(days=28), day
        review.lead_id = actor.id
        clock.stamp(_utc(day + timedelta(days=2)))
        ids = []
        for text, code, _conclusion in spec:
            cause = causes.add_cause(
                session,
                review,
                actor,
                {"text": text, "category": BONES[code], "factor_code": code, "status": "supported",
                 "reason": "Found in the review's records and interviews."},
            )  # fmt: skip
            ids.append(cause.id)
        for cause_id, (*_rest, conclusion) in zip(ids, spec, strict=True):
            cause = causes.get_cause(session, review, cause_id)
            causes.update_cause(
                session, review, cause_id, {"version": cause.version, "conclusion": conclusion}
            )
        analysed = day + timedelta(days=14)
        clock.stamp(_utc(analysed))
        actions = []
        for text, action_type, cause_index, done, measure, target in plan:
            raw = {"text": text, "action_type": action_type, "owner": OWNERS[service],
                   "due": (analysed + timedelta(days=28)).isoformat(), "measure": measure,
                   "target": target}  # fmt: skip
            data = planning.parse_action(session, review, raw, [ids[cause_index]], [])
            action = planning.create_action(session, review, data, actor.id)
            _backdate(session, action, _utc(analysed, 14))
            actions.append((action, done))
        clock.stamp(_utc(analysed, 14))
        for action, done in sorted(actions, key=lambda a: a[1] or ""):
            if done is None:
                continue
            note = progress.record_progress(
                session, action, "Done and checked.", "done", actor.id, date.fromisoformat(done)
            )
            if note is not None:
                _backdate(session, note, _utc(date.fromisoformat(done), 16))
            clock.stamp(_utc(date.fromisoformat(done), 16))
        # The stage first: a check that finds the change not embedded reopens the review.
        review.stage = stage
        for index, on, numerator, denominator in checks:
            checked = date.fromisoformat(on)
            outcome = effectiveness.record_check(
                session,
                review,
                actions[index][0],
                {"numerator": numerator, "denominator": denominator,
                 "period_start": (checked - timedelta(days=28)).isoformat(),
                 "period_end": checked.isoformat(), "source": "Re-audit after the change"},
                actor.id,
                checked,
            )  # fmt: skip
            _backdate(session, outcome.check, _utc(checked, 15))
            clock.stamp(_utc(checked, 15))
        closed = max([day + timedelta(days=60)] + [date.fromisoformat(c[1]) for c in checks])
        closed = min(closed, today)
        clock.stamp(_utc(closed, 17))
    session.execute(
        update(Review.__table__)
        .where(Review.id == review.id)
        .values(created_at=_utc(day + timedelta(days=2), 9), updated_at=_utc(closed, 17))
    )
    return review
