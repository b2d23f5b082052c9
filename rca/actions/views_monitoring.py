"""The monitoring pane: effectiveness checks with their trend charts, learning points and the
dissemination log."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from rca import access
from rca.actions import effectiveness, learning, plan
from rca.actions.models import Action
from rca.actions.monitoring_models import DISSEMINATION_METHODS, VERDICTS
from rca.actions.views import bp, changed, refused
from rca.db import db, today_london
from rca.provider.models import StaffMember
from rca.reviews import panes
from rca.reviews.models import STAGES, Review
from rca.validation import FieldErrors, parse_id


def pane_context(review: Review, args: Any) -> dict[str, Any]:
    results = plan.effectiveness_results(db.session, review)
    shared = plan.learning_shared(db.session, review)
    staff = db.session.scalars(
        select(StaffMember)
        .where(StaffMember.service_id == review.service_id)
        .order_by(StaffMember.name)
    ).all()
    in_scope = {link.staff_id for link in review.staff}
    return {
        # render_trend escapes every string itself (see tests/actions/test_trend_svg.py).
        "results": [(r, Markup(r.svg)) for r in results],  # noqa: S704
        "shared": shared,
        "learning_rows": learning.learning_points(db.session, review),
        "follow_ups": effectiveness.follow_ups(db.session, review),
        "stage_labels_all": STAGES,
        "verdicts": VERDICTS,
        "methods": DISSEMINATION_METHODS,
        "staff_choices": sorted(staff, key=lambda s: (s.id not in in_scope, s.name)),
        "in_scope_ids": in_scope,
        "check_for": str(args.get("check") or ""),
        "today": today_london(),
        "can_contribute": access.can(current_user, "contribute", review.service_id),
    }


panes.register("monitoring", "actions/monitoring.html", pane_context)


@bp.post("/reviews/<int:review_id>/monitoring/checks")
def record_check(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    raw_action = request.form.get("action_id", "")
    action = None
    if raw_action:
        action_id = parse_id(raw_action)
        action = db.session.get(Action, action_id) if action_id is not None else None
        if action is None or action.review_id != review.id:
            abort(404)
    try:
        effectiveness.record_check(
            db.session, review, action, request.form, current_user.id, today_london()
        )
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "monitoring", exc, f"check-form-{raw_action or 'review'}")
    return changed(review, "monitoring")


@bp.post("/reviews/<int:review_id>/monitoring/learning")
def add_learning(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    try:
        learning.add_learning_point(db.session, review, request.form.get("learning"))
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "monitoring", exc, "learning-form")
    return changed(review, "monitoring")


@bp.post("/reviews/<int:review_id>/monitoring/learning/<int:point_id>/delete")
def remove_learning(review_id: int, point_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    try:
        learning.remove_learning_point(db.session, review, point_id)
        db.session.commit()
    except FieldErrors:
        db.session.rollback()
        abort(404)
    return changed(review, "monitoring")


@bp.post("/reviews/<int:review_id>/monitoring/dissemination")
def add_dissemination(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        learning.add_dissemination(
            db.session,
            review,
            request.form,
            request.form.getlist("staff"),
            current_user.id,
            today_london(),
        )
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "monitoring", exc, "dissemination-form")
    return changed(review, "monitoring")
