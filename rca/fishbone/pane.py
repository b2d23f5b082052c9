"""What the analysis pane and its fragments show: one context builder for page and fragments.

The views put per-request feedback (errors at a row, a conflict, causes to place after a
framework switch) in ``g.fishbone_feedback`` before rendering, because the reviews workspace
builds the pane's context itself through ``rca.reviews.panes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rca import access
from rca.db import db
from rca.evidence.models import ALL_KINDS, EvidenceRow
from rca.fishbone import settings as fb_settings
from rca.fishbone import vocabulary
from rca.fishbone.frameworks import DEFAULT_FRAMEWORK, FRAMEWORKS, Framework
from rca.fishbone.models import CAUSE_STATUSES, CONCLUSIONS
from rca.fishbone.svg import render_fishbone
from rca.fishbone.tree import CauseNode, by_category, cause_tree, excerpt, flatten
from rca.reviews.models import Review
from rca.templating import link

DRAWER_LIMIT = 60
STATUS_MARKS = {"hypothesis": "?", "supported": "✓", "ruled-out": "✗"}


class LazySvg:
    """The picture, drawn only if the template shows it (an outline-only answer skips it)."""

    def __init__(self, problem: str, framework: Any, tree: list[CauseNode], highlight: Any):
        self.args = (problem, framework, tree)
        self.highlight = highlight

    def __html__(self) -> str:
        # render_fishbone escapes every string from people itself (see its tests). Compact: the
        # whole picture fits a laptop's ~980 px column without scrolling sideways (the PDF and
        # "Open the picture full size" keep the wide default).
        return render_fishbone(*self.args, highlight=self.highlight, layout="compact")

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return True


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def vocabulary_context(session: Session, framework: Framework) -> dict[str, Any]:
    """The factor choices per bone of ``framework`` and every code's label, for the panel."""
    factors = vocabulary.factors(session, include_retired=True)
    active = [f for f in factors if f.active]
    return {
        "factor_choices": vocabulary.choices_for(active, framework),
        "factor_labels": vocabulary.labels(factors),
    }


def analysis_context(
    review: Review, args: Mapping[str, Any] | None = None, *, with_vocabulary: bool = False
) -> dict[str, Any]:
    """Everything ``fishbone/_region.html`` (figure, outline, drawer) needs; the vocabulary
    (``vocabulary_context``) only when a row's panel or a conflict shows, or when asked."""
    args = args or {}
    feedback: dict[str, Any] = getattr(g, "fishbone_feedback", None) or {}
    session = db.session
    # One read of the settings gives the framework and the problem statement.
    settings = fb_settings.settings_for(session, review, create=False)
    framework = FRAMEWORKS.get(
        settings.framework if settings else DEFAULT_FRAMEWORK, FRAMEWORKS[DEFAULT_FRAMEWORK]
    )
    tree = cause_tree(session, review, framework)
    nodes = flatten(tree)
    problem = (settings.problem_statement if settings else None) or fb_settings.default_problem(
        review
    )
    highlight = _int(args.get("cause")) or feedback.get("highlight")
    open_panel = feedback.get("error_cause") or _int(args.get("edit"))
    drawer_id = _int(args.get("drawer")) or feedback.get("drawer")
    context: dict[str, Any] = {
        "review": review,
        "framework": framework,
        "frameworks": FRAMEWORKS,
        "fb_settings": settings,
        "settings_version": settings.version if settings else 1,
        "problem": problem,
        "problem_is_default": not (settings and settings.problem_statement),
        "tree": tree,
        "bones": by_category(tree, framework),
        "cause_count": len(nodes),
        "nodes_by_id": {n.id: n for n in nodes},
        "fishbone_svg": LazySvg(problem, framework, tree, highlight),
        "statuses": CAUSE_STATUSES,
        "conclusions": CONCLUSIONS,
        "can_edit_causes": access.can(current_user, "edit", review.service_id),
        "fb_errors": feedback.get("errors", {}),
        "fb_error_cause": feedback.get("error_cause"),
        "fb_values": feedback.get("values", {}),
        "fb_conflict": feedback.get("conflict"),
        "fb_unplaced": feedback.get("unplaced"),
        "fb_target": feedback.get("target"),
        "fb_saved": feedback.get("saved"),
        "fb_focus": feedback.get("focus", ""),
        "highlight": highlight,
        "svg_url": link("fishbone.fishbone_svg", review_id=review.id),
        "pane_url": link("reviews.pane", review_id=review.id, pane="analysis"),
        # One URL per page, not per row: rows append the cause id (a 150-cause outline
        # otherwise spends most of its time building URLs).
        "cause_base": link("fishbone.add_cause", review_id=review.id) + "/",
        "add_url": link("fishbone.add_cause", review_id=review.id),
        "status_marks": STATUS_MARKS,
        "open_panel": open_panel,
        "panel_why": bool(args.get("why")) or feedback.get("why", False),
        "kind_labels": ALL_KINDS,
    }
    # The vocabulary only where it is shown: a row's open panel (the factor choice) and a
    # conflict (both versions' factors). Rows carry their own label (``CauseNode.factor_label``).
    if with_vocabulary or open_panel or context["fb_conflict"]:
        context.update(vocabulary_context(session, framework))
    if drawer_id and any(n.id == drawer_id for n in nodes):
        context["drawer"] = drawer_context(
            review, next(n for n in nodes if n.id == drawer_id), args
        )
    return context


def drawer_context(review: Review, node: CauseNode, args: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence drawer of one cause: its links, and this review's rows to pick from."""
    kind = str(args.get("kind") or "").strip()
    q = str(args.get("q") or "").strip()
    stmt = select(
        EvidenceRow.id,
        EvidenceRow.kind,
        EvidenceRow.occurred_on,
        EvidenceRow.text,
        EvidenceRow.file_name,
        EvidenceRow.row_number,
    ).where(EvidenceRow.review_id == review.id)
    if kind:
        stmt = stmt.where(EvidenceRow.kind == kind)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(func.lower(EvidenceRow.text).like(like), func.lower(EvidenceRow.author).like(like))
        )
    linked = {e.id for e in node.evidence}
    if linked:
        stmt = stmt.where(EvidenceRow.id.not_in(linked))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(
        stmt.order_by(EvidenceRow.occurred_on.desc(), EvidenceRow.id).limit(DRAWER_LIMIT)
    ).all()
    kinds_here = db.session.scalars(
        select(EvidenceRow.kind).where(EvidenceRow.review_id == review.id).distinct()
    ).all()
    return {
        "cause": node,
        "kind": kind,
        "q": q,
        "candidates": [
            {
                "id": r.id,
                "kind": r.kind,
                "on": r.occurred_on,
                "excerpt": excerpt(r.text),
                "source": f"{r.file_name} row {r.row_number}" if r.file_name else None,
            }
            for r in rows
        ],
        "candidate_total": total,
        "limit": DRAWER_LIMIT,
        "kinds_here": sorted(kinds_here),
    }


def panel_context(review: Review, cause_id: int, why: bool) -> dict[str, Any] | None:
    """A row's panel (edit, why, move, delete) with where the row sits, or None if unknown."""
    context = analysis_context(review, {}, with_vocabulary=True)
    found = _locate(context["tree"], cause_id)
    if found is None:
        return None
    node, siblings, index, parent = found
    context.update(node=node, siblings=siblings, index=index, parent=parent, panel_why=why)
    return context


def _locate(
    tree: list[CauseNode], cause_id: int
) -> tuple[CauseNode, list[CauseNode], int, CauseNode | None] | None:
    """The node, its siblings (on its bone, or under its parent), its index and its parent."""
    bones: dict[str, list[CauseNode]] = {}
    for root in tree:
        bones.setdefault(root.category, []).append(root)
    stack: list[tuple[CauseNode, list[CauseNode], int, CauseNode | None]] = [
        (n, bones[n.category], bones[n.category].index(n), None) for n in tree
    ]
    while stack:
        node, siblings, index, parent = stack.pop()
        if node.id == cause_id:
            return node, siblings, index, parent
        stack.extend((c, node.children, i, node) for i, c in enumerate(node.children))
    return None
