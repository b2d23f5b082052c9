"""Demo content for actions: plans, progress, effectiveness checks and learning shared on the demo
reviews at actions stage or later, through the actions' domain functions.

From the domain reading: named owners by role, system changes ("make the shift lead own
care-plan updates"), individual ones (refresher MAR training), review points, and re-audits. The
care-plan review's checks pass and its learning reaches every in-scope member of staff; the
agency-induction review's first check fails, which reopens it at actions, a revised action is
planned and the next checks improve and then meet the target; the safeguarding and medication
reviews have actions in progress, some overdue against the demo's today (01/12/2026).

Actions link to the fishbone's causes by the short keys ``rca.demo.analysis`` keeps in
``DemoContext.memory["causes"]``; a key that is not there (analysis not loaded) links nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from rca.actions import effectiveness, learning, planning, progress
from rca.actions.models import Action
from rca.db import LONDON
from rca.demo.steps import DemoContext, handles
from rca.demo.stories import Step
from rca.reviews.models import Review


def _at(step: Step) -> datetime:
    return datetime.strptime(step.at, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON).astimezone(UTC)


def _day(step: Step) -> date:
    return _at(step).astimezone(LONDON).date()


def _backdate(session: Session, row: Any, step: Step) -> None:
    """Date a row made by a step on the step's day. A Core UPDATE, like the loader's for
    reviews, so neither the audit trail nor the version counter sees it."""
    table = type(row).__table__
    session.execute(update(table).where(table.c.id == row.id).values(created_at=_at(step)))
    session.expire(row, ["created_at"])


def _actions(ctx: DemoContext) -> dict[str, int]:
    return ctx.memory.setdefault("actions", {})


def _action(session: Session, ctx: DemoContext, key: str) -> Action:
    action = session.get(Action, _actions(ctx)[key])
    assert action is not None
    return action


@handles("plan-action")
def plan_action(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = step.data
    causes = ctx.memory.get("causes", {})
    raw = {k: d.get(k) for k in ("text", "action_type", "owner", "due", "measure", "target")}
    data = planning.parse_action(
        session,
        review,
        raw,
        [causes[k] for k in d.get("causes", ()) if k in causes],
        d.get("points", []),
    )
    action = planning.create_action(session, review, data, ctx.users[step.actor].id)
    # Planned on the step's day, so the SMART check judges it against that date.
    _backdate(session, action, step)
    _actions(ctx)[d["key"]] = action.id


@handles("action-progress")
def action_progress(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = step.data
    action = _action(session, ctx, d["key"])
    note = progress.record_progress(
        session, action, d.get("note"), d.get("status"), ctx.users[step.actor].id, _day(step)
    )
    if note is not None:
        _backdate(session, note, step)


@handles("effectiveness")
def check(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = dict(step.data)
    key = d.pop("key", None)
    action = _action(session, ctx, key) if key else None
    outcome = effectiveness.record_check(
        session, review, action, d, ctx.users[step.actor].id, _day(step)
    )
    _backdate(session, outcome.check, step)
    if outcome.follow_up is not None:
        _backdate(session, outcome.follow_up, step)


@handles("learning")
def add_learning(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    for text in step.data["points"]:
        _backdate(session, learning.add_learning_point(session, review, text), step)


@handles("dissemination")
def disseminate(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d: dict[str, Any] = dict(step.data)
    staff = [ctx.staff[name] for name in d.pop("staff", [])]
    row = learning.add_dissemination(
        session, review, d, staff, ctx.users[step.actor].id, _day(step)
    )
    _backdate(session, row, step)


# Step builders for the stories (rca.demo.planning_stories): one per handler above.


def plan_step(at: str, actor: str, key: str, **data: Any) -> Step:
    return Step(at, actor, "plan-action", {"key": key, **data})


def progress_step(at: str, actor: str, key: str, status: str, note: str) -> Step:
    return Step(at, actor, "action-progress", {"key": key, "status": status, "note": note})


def check_step(at: str, actor: str, key: str | None, n: int, d: int, start: str, end: str,
           source: str) -> Step:  # fmt: skip
    data = {"numerator": n, "denominator": d, "period_start": start, "period_end": end}
    return Step(at, actor, "effectiveness", {"key": key, **data, "source": source})


# The four reviews' plans, progress, checks and learning (data only) register themselves with
# add_steps, using the builders above: a cycle on purpose, as in rca.demo.analysis.
from rca.demo import planning_stories  # noqa: E402, F401
