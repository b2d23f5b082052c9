"""The report's sections from the analysis and after: the fishbone, findings with their evidence,
root causes and contributory factors, meetings, guidance overrides, the action plan, learning
shared and effectiveness results. Plain data, pseudonymised, one function per section.

Causes, actions, meetings, learning and checks are read from their models (they exist whatever
state their screens are in); the fishbone picture comes from the fishbone area's own pure SVG
function when it is there. Every free text goes through the pseudonymiser.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rca.actions.effectiveness import trend as trend_points
from rca.actions.models import ACTION_STATUSES, Action
from rca.actions.monitoring_models import Dissemination, EffectivenessCheck, LearningPoint
from rca.actions.trend_svg import render_trend
from rca.evidence.models import kind_label
from rca.fishbone.frameworks import Framework
from rca.fishbone.meeting_models import MEETING_KINDS, ReviewMeeting
from rca.fishbone.models import CAUSE_STATUSES, CONCLUSIONS, CauseStatusChange
from rca.fishbone.settings import problem_statement
from rca.fishbone.svg import render_fishbone
from rca.fishbone.tree import CauseNode
from rca.guidance.models import GuidanceOverride
from rca.guidance.rules import RULES
from rca.reports.pseudonymise import Pseudonymiser
from rca.reviews.models import STAGES, Review
from rca.templating import plain_number, uk_date, uk_datetime
from rca.timeline.assembly import excerpt


def _percent(value: Any) -> str:
    return f"{plain_number(value)}%" if value is not None else ""


def causes(
    session: Session,
    review: Review,
    p: Pseudonymiser,
    tree: list[CauseNode],
    labels: dict[str, str],
) -> list[dict[str, Any]]:
    """Every cause in tree order (parents before children), with its evidence, from the
    fishbone's reader (``rca.fishbone.tree.cause_tree``). Bones in the order the report has
    always listed them (by category key); evidence by when it was added."""
    reasons = _status_reasons(session, review, p)
    out: list[dict[str, Any]] = []

    def walk(nodes: list[CauseNode], depth: int) -> None:
        for node in nodes:
            where = f"Cause #{node.id}"
            out.append(
                {
                    "id": node.id,
                    "parent_id": node.parent_id,
                    "depth": depth,
                    "text": p.text(node.text, where),
                    "category": labels.get(node.category, node.category.replace("-", " ").title()),
                    "status": CAUSE_STATUSES.get(node.status, node.status),
                    "status_key": node.status,
                    "conclusion": node.conclusion,
                    "conclusion_label": (
                        CONCLUSIONS.get(node.conclusion) if node.conclusion else None
                    ),
                    "reason": reasons.get((node.id, node.status)),
                    "evidence": [
                        {
                            "kind": kind_label(e.kind),
                            "date": uk_datetime(e.occurred_at)
                            if e.occurred_at
                            else uk_date(e.occurred_on),
                            "excerpt": excerpt(p.text(e.text, f"Evidence for {where}"), 240),
                            "source": f"{e.file_name}, row {e.row_number}"
                            if e.file_name and e.row_number
                            else e.file_name or "Recorded in the workbench",
                        }
                        for e in sorted(node.evidence, key=lambda e: e.id)
                    ],
                }
            )
            walk(node.children, depth + 1)

    walk(sorted(tree, key=lambda n: (n.category, n.position, n.id)), 0)
    return out


def _status_reasons(
    session: Session, review: Review, p: Pseudonymiser
) -> dict[tuple[int, str], str]:
    """Why each cause reached its status: the reason given with the latest change to it."""
    rows = session.scalars(
        select(CauseStatusChange)
        .where(CauseStatusChange.review_id == review.id)
        .order_by(CauseStatusChange.changed_at, CauseStatusChange.id)
    ).all()
    return {
        (r.cause_id, r.to_status): p.text(r.reason, f"Cause #{r.cause_id}: status reason")
        for r in rows
    }


def fishbone(
    session: Session,
    review: Review,
    p: Pseudonymiser,
    cause_rows: list[dict[str, Any]],
    tree: list[CauseNode],
    framework: Framework,
) -> dict[str, Any]:
    problem = p.text(
        problem_statement(session, review) or review.question or review.title, "Problem statement"
    )
    svg = None
    if cause_rows:
        # The picture is drawn from a pseudonymised copy of the tree, then checked again.
        clean = [_pseudonymised_node(node, p) for node in tree]
        svg = p.svg(render_fishbone(problem, framework, clean), "Fishbone diagram")
    return {
        "problem": problem,
        "svg": svg,
        "framework": framework.label,
        "count": len(cause_rows),
        # The picture's words are small on paper: the same causes, bone by bone, as a table.
        "bones": [
            {
                "category": c["category"],
                "text": c["text"],
                "depth": c["depth"],
                "status": c["status"],
                "conclusion": c["conclusion_label"] or "",
            }
            for c in sorted(cause_rows, key=lambda c: c["category"])
        ],
    }


def _pseudonymised_node(node: Any, p: Pseudonymiser) -> Any:
    where = f"Cause #{node.id}"
    changes: dict[str, Any] = {"text": p.text(node.text, where)}
    if hasattr(node, "children"):
        changes["children"] = [_pseudonymised_node(c, p) for c in node.children]
    if hasattr(node, "evidence"):
        changes["evidence"] = [
            dataclasses.replace(
                e,
                excerpt=p.text(e.excerpt, f"Evidence for {where}"),
                text="",  # the picture draws excerpts only; the whole text is not carried
            )
            if dataclasses.is_dataclass(e) and hasattr(e, "excerpt")
            else e
            for e in node.evidence
        ]
    return dataclasses.replace(node, **changes)


def findings(cause_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Supported causes, each with the evidence behind it."""
    return [c for c in cause_rows if c["status_key"] == "supported"]


def conclusions(cause_rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "root": [c for c in cause_rows if c["conclusion"] == "root"],
        "contributory": [c for c in cause_rows if c["conclusion"] == "contributory"],
        "ruled_out": [c for c in cause_rows if c["status_key"] == "ruled-out"],
    }


def meetings(session: Session, review: Review, p: Pseudonymiser) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ReviewMeeting)
        .where(ReviewMeeting.review_id == review.id)
        .order_by(ReviewMeeting.held_at)
    ).all()
    out = []
    for m in rows:
        present = [_attendee(a, p) for a in m.attendees if a.attendance == "present"]
        absent = [_attendee(a, p) for a in m.attendees if a.attendance != "present"]
        kind = MEETING_KINDS.get(m.kind, m.kind.replace("-", " ").capitalize())
        out.append(
            {
                "at": uk_datetime(m.held_at),
                "purpose": p.text(m.purpose, "Meeting purpose") or kind,
                "facilitator": m.facilitator.name if m.facilitator else "",
                "present": present,
                "absent": absent,
                "decisions": [p.text(d.text, "Meeting decision") for d in m.decisions],
            }
        )
    return out


def _attendee(a: Any, p: Pseudonymiser) -> str:
    # Workbench users attend as themselves (the panel signs the review); anyone else, a member
    # of staff asked to the meeting say, is named only as the report names staff.
    name = a.name if a.user_id else p.text(a.name, "Meeting attendee")
    return f"{name}, {a.role}" if a.role else name


def overrides(session: Session, review: Review, p: Pseudonymiser) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(GuidanceOverride)
        .where(GuidanceOverride.review_id == review.id)
        .order_by(GuidanceOverride.created_at)
    ).all()
    out = []
    if review.depth_override_reason:
        out.append(
            {
                "rule": "Recommended depth",
                "message": f"Triage recommended: {review.recommended_depth.replace('-', ' ')}",
                "stage": "Triage",
                "reason": p.text(review.depth_override_reason, "Depth override reason"),
                "by": "",
                "at": "",
            }
        )
    titles = {key: rule.title for key, rule in RULES.items()}
    for o in rows:
        out.append(
            {
                "rule": titles.get(o.rule) or o.rule.replace("-", " ").capitalize(),
                "message": p.text(o.message, "Guidance message"),
                "stage": STAGES.get(o.to_stage, o.to_stage),
                "reason": p.text(o.reason, "Guidance override reason"),
                "by": o.user.name if o.user else "",
                "at": uk_datetime(o.created_at),
            }
        )
    return out


def action_plan(
    session: Session, review: Review, p: Pseudonymiser, cause_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    actions = session.scalars(
        select(Action)
        .where(Action.review_id == review.id)
        .options(selectinload(Action.review_points), selectinload(Action.cause_links))
        .order_by(Action.due.is_(None), Action.due, Action.id)
    ).all()
    cause_text = {c["id"]: c["text"] for c in cause_rows}
    rows = []
    for a in actions:
        where = f"Action #{a.id}"
        owner = (
            p.staff(a.owner_staff_id, a.owner_name, f"{where} owner") if a.owner_staff_id else None
        )
        owner = owner or p.text(a.owner_name, f"{where} owner")
        rows.append(
            {
                "id": a.id,
                "causes": [cause_text.get(link.cause_id, "") for link in a.cause_links],
                "text": p.text(a.text, where),
                "kind": "System change" if a.kind == "system" else "Individual",
                "owner": owner or "",
                "due": uk_date(a.due),
                "review_points": [uk_date(rp.on) for rp in a.review_points],
                "measure": p.text(a.measure, f"{where} measure"),
                "target": p.text(a.target, f"{where} target"),
                "status": ACTION_STATUSES.get(a.status, a.status),
                "completed_on": uk_date(a.completed_on),
            }
        )
    addressed = {link.cause_id for a in actions for link in a.cause_links}
    unaddressed = [
        c["text"]
        for c in cause_rows
        if c["conclusion"] in ("root", "contributory") and c["id"] not in addressed
    ]
    return {"rows": rows, "unaddressed": unaddressed}


def learning(session: Session, review: Review, p: Pseudonymiser) -> dict[str, Any]:
    points = session.scalars(
        select(LearningPoint)
        .where(LearningPoint.review_id == review.id)
        .order_by(LearningPoint.position, LearningPoint.id)
    ).all()
    shared = session.scalars(
        select(Dissemination)
        .where(Dissemination.review_id == review.id)
        .order_by(Dissemination.on, Dissemination.id)
    ).all()
    return {
        "points": [p.text(lp.text, "Learning point") for lp in points],
        "shared": [
            {
                "on": uk_date(d.on),
                "method": d.method_label,
                "teams": p.text(d.teams, "Learning shared: teams"),
                "staff": len(d.staff_links),
                "checked": d.understanding_checked,
                "notes": p.text(d.notes, "Learning shared: notes"),
            }
            for d in shared
        ],
    }


def _trend_svg(session: Session, review: Review, checks: list[EffectivenessCheck]) -> Any:
    """The actions area's trend chart of the review's own target, when it is there."""
    own = [c for c in checks if c.action_id is None]
    if not own:
        return None
    target = float(own[-1].target_percent)
    return render_trend(trend_points(own), target, "The review's improvement target over time")


def effectiveness(session: Session, review: Review, p: Pseudonymiser) -> dict[str, Any]:
    checks = session.scalars(
        select(EffectivenessCheck)
        .where(EffectivenessCheck.review_id == review.id)
        .order_by(EffectivenessCheck.period_end, EffectivenessCheck.id)
    ).all()
    action_text = dict(
        session.execute(select(Action.id, Action.text).where(Action.review_id == review.id)).all()
    )
    trend = _trend_svg(session, review, checks)
    return {
        "checks": [
            {
                "what": excerpt(p.text(action_text.get(c.action_id, ""), "Effectiveness"), 90)
                if c.action_id
                else "The review's improvement target",
                "period": f"{uk_date(c.period_start)} to {uk_date(c.period_end)}",
                "result": f"{c.numerator} of {c.denominator} ({_percent(c.result_percent)})",
                "target": _percent(c.target_percent),
                "met": c.target_met,
                "verdict": c.verdict_label,
                "source": p.text(c.source, "Effectiveness source"),
            }
            for c in checks
        ],
        "trend_svg": p.svg(trend, "Trend chart") if isinstance(trend, str) else None,
    }
