"""The actions pane and its forms. Views parse, call the actions' domain functions and render.

Every change answers with the workspace again (htmx) or a 303 to the pane (plain forms), and sets
``HX-Trigger: rca:changed`` so the guidance panel refreshes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from rca import access
from rca.actions import plan, planning, progress
from rca.actions.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ACTION_TYPES,
    OPEN_STATUSES,
    Action,
    CompletionEvidence,
)
from rca.db import db, today_london
from rca.evidence import uploads
from rca.evidence.models import EvidenceRow
from rca.fishbone.models import CONCLUSIONS
from rca.reviews import panes
from rca.reviews.models import Review
from rca.reviews.views import refused_page, stale_page
from rca.validation import FieldErrors, parse_id

bp = Blueprint("actions", __name__, template_folder="templates")

#: Screens reachable without a session: the calendar feed authenticates by its own token.
PUBLIC_ENDPOINTS = {"actions.feed"}
CHANGED = {"HX-Trigger": "rca:changed"}
STRIP_MONTHS = 6


@bp.before_request
def require_login() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return login_required(lambda: None)()


def _calendar_strip(rows: list[plan.PlanRow], today: date) -> list[dict[str, Any]]:
    """The months holding the plan's dates still of interest (from this month on, and the
    earlier ones of actions still open: overdue, or a review point not yet acted on), at most
    six, each with its dates in order."""
    marks: dict[tuple[int, int], list[tuple[date, str, plan.PlanRow]]] = defaultdict(list)
    for row in rows:
        if row.due and (row.overdue or row.due >= today):
            marks[(row.due.year, row.due.month)].append((row.due, "due", row))
        for on in row.review_points:
            if on >= today.replace(day=1) or row.status in OPEN_STATUSES:
                marks[(on.year, on.month)].append((on, "review", row))
    return [
        {"month": date(y, m, 1), "items": sorted(marks[(y, m)], key=lambda t: (t[0], t[1]))}
        for y, m in sorted(marks)[:STRIP_MONTHS]
    ]


def _evidence_choices(review: Review) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(EvidenceRow.id, EvidenceRow.occurred_on, EvidenceRow.kind, EvidenceRow.text)
        .where(EvidenceRow.review_id == review.id)
        .order_by(EvidenceRow.occurred_on.desc(), EvidenceRow.id.desc())
        .limit(300)
    )
    return [
        (
            i,
            f"{on:%d/%m/%Y} · {kind} · {(text or '')[:60]}"
            if on
            else f"{kind} · {(text or '')[:60]}",
        )
        for i, on, kind, text in rows
    ]


def pane_context(review: Review, args: Any) -> dict[str, Any]:
    today = today_london()
    rows = plan.action_plan(db.session, review, today)
    causes = plan.review_causes(db.session, review)
    agreed = [c for c in causes if c.conclusion in ("root", "contributory")]
    others = [c for c in causes if c.conclusion not in ("root", "contributory")]
    plan_cause = str(args.get("plan") or "")
    edit_id = str(args.get("edit") or "")
    open_id = parse_id(args.get("action"))
    editing = next((r for r in rows if str(r.id) == edit_id), None)
    opened = None
    if open_id is not None:
        action = db.session.get(Action, open_id)
        if action is not None and action.review_id == review.id:
            opened = action
    return {
        "rows": rows,
        "groups": plan.plan_groups(causes, rows),
        "cause_choices": [*agreed, *others],
        "conclusions": CONCLUSIONS,
        "plan_cause": parse_id(plan_cause),
        "editing": editing,
        "opened": opened,
        "owner_choices": planning.owner_choices(db.session, review),
        "evidence_choices": _evidence_choices(review) if opened else [],
        "action_types": ACTION_TYPES,
        "action_kinds": ACTION_KINDS,
        "action_statuses": ACTION_STATUSES,
        "strip": _calendar_strip(rows, today),
        "today": today,
        "can_contribute": access.can(current_user, "contribute", review.service_id),
        "may_progress": opened is not None
        and progress.may_record_progress(current_user, opened, review.service_id),
        "upload_mb": uploads.max_upload_mb(current_app),
    }


panes.register("actions", "actions/pane.html", pane_context)


def pane_url(review: Review, pane: str = "actions", **args: Any) -> str:
    return url_for("reviews.pane", review_id=review.id, pane=pane, **args)


def changed(review: Review, pane: str = "actions", **args: Any) -> Any:
    """After a change: htmx fetches the pane at its new address (``HX-Location``: the pane's
    state, such as the action opened, lives in the URL), plain forms get a 303."""
    url = pane_url(review, pane, **args)
    if g.htmx:
        location = json.dumps({"path": url, "target": "#workspace", "swap": "outerHTML"})
        return "", 200, {"HX-Location": location, **CHANGED}
    return _redirect(url)


def _redirect(url: str) -> Any:
    resp = redirect(url, 303)
    resp.headers.update(CHANGED)
    return resp


def refused(review: Review, pane: str, exc: FieldErrors, form_id: str) -> Any:
    values = {**request.form.to_dict(), "form_id": form_id}
    return refused_page(review, pane, exc.errors, values=values, form_id=form_id)


def stale(review: Review, pane: str) -> Any:
    return stale_page(review, pane, "action")


def _action(review: Review, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.review_id != review.id:
        abort(404)
    return action


def _parsed(review: Review) -> planning.ActionInput:
    return planning.parse_action(
        db.session,
        review,
        request.form,
        request.form.getlist("cause_ids"),
        [request.form.get("review_points", "")],
    )


@bp.post("/reviews/<int:review_id>/actions")
def create(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    try:
        action = planning.create_action(db.session, review, _parsed(review), current_user.id)
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "actions", exc, "action-form")
    return changed(review, action=action.id)


@bp.post("/reviews/<int:review_id>/actions/<int:action_id>")
def update(review_id: int, action_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    action = _action(review, action_id)
    try:
        planning.update_action(
            db.session, review, action, _parsed(review), request.form.get("version")
        )
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "actions", exc, "action-form")
    except (planning.StaleAction, StaleDataError):
        return stale(review, "actions")
    return changed(review, action=action.id)


@bp.post("/reviews/<int:review_id>/actions/<int:action_id>/delete")
def delete(review_id: int, action_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    action = _action(review, action_id)
    try:
        planning.delete_action(db.session, review, action, request.form.get("version"))
        db.session.commit()
    except (planning.StaleAction, StaleDataError):
        return stale(review, "actions")
    return changed(review)


def _progress_allowed(review_id: int, action_id: int) -> tuple[Review, Action]:
    review = access.review_for(current_user, review_id)
    action = _action(review, action_id)
    if not progress.may_record_progress(current_user, action, review.service_id):
        abort(403)
    return review, action


@bp.post("/reviews/<int:review_id>/actions/<int:action_id>/progress")
def record_progress(review_id: int, action_id: int):  # type: ignore[no-untyped-def]
    review, action = _progress_allowed(review_id, action_id)
    try:
        planning.check_version(action, request.form.get("version"))
        progress.record_progress(
            db.session,
            action,
            request.form.get("note"),
            request.form.get("status"),
            current_user.id,
            today_london(),
        )
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "actions", exc, "progress-form")
    except (planning.StaleAction, StaleDataError):
        return stale(review, "actions")
    return changed(review, action=action.id)


@bp.post("/reviews/<int:review_id>/actions/<int:action_id>/evidence")
def add_evidence(review_id: int, action_id: int):  # type: ignore[no-untyped-def]
    review, action = _progress_allowed(review_id, action_id)
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            progress.add_completion_file(
                db.session,
                uploads.upload_dir(current_app),
                uploads.max_upload_bytes(current_app),
                action,
                upload.filename,
                upload.read(uploads.max_upload_bytes(current_app) + 1),
                request.form.get("note"),
                current_user.id,
            )
        elif request.form.get("evidence_id"):
            progress.add_completion_link(
                db.session,
                action,
                request.form.get("evidence_id"),
                request.form.get("note"),
                current_user.id,
            )
        else:
            raise FieldErrors({"file": "Choose a file to upload or an evidence row to link."})
        db.session.commit()
    except FieldErrors as exc:
        return refused(review, "actions", exc, "completion-form")
    return changed(review, action=action.id)


@bp.get("/actions/files/<int:file_id>")
def download_file(file_id: int):  # type: ignore[no-untyped-def]

    item = db.session.get(CompletionEvidence, file_id)
    if item is None or not item.file_sha256:
        abort(404)
    access.review_for(current_user, item.review_id)
    try:
        data = progress.read_completion_file(uploads.upload_dir(current_app), item)
    except uploads.UploadMissing:
        abort(404)
    resp = current_app.response_class(data, mimetype=item.content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(item.file_name)}"'
    return resp


def _safe_name(name: str | None) -> str:
    return "".join(ch for ch in (name or "evidence") if ch.isalnum() or ch in "._- ")[:120]


# The other screens of this blueprint register their routes on import. A cycle on purpose (the
# pattern Flask's docs give for a large blueprint): each screen's file imports ``bp`` and the
# shared helpers, and importing the blueprint brings every route with it. One file would be 700
# lines.
from rca.actions import views_monitoring, views_tracker  # noqa: E402, F401
