"""Quality-statement tags on the screens: overriding a finding's or an action's tags (with a
reason), the admins' mapping screen, and the template global the fishbone drawer and the action
detail read their tags from.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from rca import access
from rca.db import db
from rca.governance import statement_mapping, tagging
from rca.governance.quality_statements import KEY_QUESTIONS, STATEMENTS
from rca.governance.statement_models import SOURCES
from rca.reviews.models import Review
from rca.validation import FieldErrors

bp = Blueprint("quality_statements", __name__, template_folder="templates")


@bp.before_request
@login_required
def require_login() -> None:
    """Every tag screen needs a signed-in user."""


@bp.app_template_global()
def quality_tags(review: Review) -> tagging.ReviewTags:
    """The review's tags, worked out once per request however many causes a template shows."""
    cache = g.setdefault("quality_tags", {})
    if review.id not in cache:
        cache[review.id] = tagging.review_tags(db.session, review)
    return cache[review.id]


@bp.app_template_global()
def quality_statement_label(key: str) -> str:
    s = STATEMENTS.get(key)
    return f"{s.key_question_label}: {s.label}" if s else key


@bp.app_template_global()
def quality_statement_choices() -> list[tuple[str, str]]:
    return tagging.statement_choices()


def _back(review: Review, cause_id: int | None, action_id: int | None) -> str:
    if cause_id is not None:
        return url_for("reviews.pane", review_id=review.id, pane="analysis", drawer=cause_id)
    return url_for("reviews.pane", review_id=review.id, pane="actions", action=action_id)


def _override(review_id: int, *, cause_id: int | None = None, action_id: int | None = None) -> Any:
    review = access.review_for(current_user, review_id, "edit")
    back = _back(review, cause_id, action_id)
    try:
        tagging.set_override(
            db.session, review, request.form, current_user.id, cause_id=cause_id,
            action_id=action_id,
        )  # fmt: skip
        db.session.commit()
    except LookupError:
        db.session.rollback()
        abort(404)
    except FieldErrors as exc:
        db.session.rollback()
        return render_template(
            "governance/statement_override.html",
            review=review,
            errors=exc.errors,
            values=request.form,
            back=back,
            post=request.path,
            tags=quality_tags(review),
            cause_id=cause_id,
            action_id=action_id,
        ), 422
    response = redirect(back, 303)
    response.headers["HX-Trigger"] = "rca:changed"
    return response


@bp.post("/reviews/<int:review_id>/causes/<int:cause_id>/quality-statements")
def override_cause(review_id: int, cause_id: int) -> Any:
    return _override(review_id, cause_id=cause_id)


@bp.post("/reviews/<int:review_id>/actions/<int:action_id>/quality-statements")
def override_action(review_id: int, action_id: int) -> Any:
    return _override(review_id, action_id=action_id)


# --- the admins' mapping ------------------------------------------------------------------------


def _admin_only() -> None:
    if not access.is_admin(current_user):
        abort(404)


def _mapping_page(
    errors: dict[str, str] | None = None, editing: Any = None, status: int = 200
) -> Any:
    rows = statement_mapping.mapping_rows(db.session)
    return render_template(
        "governance/statement_mapping.html",
        rows=rows,
        sources=SOURCES,
        statements=STATEMENTS,
        key_questions=KEY_QUESTIONS,
        errors=errors or {},
        editing=editing,
    ), status


@bp.get("/admin/quality-statements")
def mapping() -> Any:
    _admin_only()
    source, code = request.args.get("source"), request.args.get("code")
    editing = statement_mapping.find_row(db.session, source, code)
    if (source or code) and editing is None:
        abort(404)
    return _mapping_page(editing=editing)


@bp.post("/admin/quality-statements")
def set_mapping() -> Any:
    """Map one code to the ticked statements, or put it back on its default; an unknown
    statement or code answers 422 with the message at the field, and nothing changes."""
    _admin_only()
    form = request.form
    source, code = form.get("source", ""), form.get("code", "")
    try:
        if form.get("reset"):
            statement_mapping.reset_mapping(db.session, source, code, current_user.id)
        else:
            keys = form.getlist("statement")
            statement_mapping.set_mapping(db.session, source, code, keys, current_user.id)
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        editing = statement_mapping.find_row(db.session, source, code)
        return _mapping_page(exc.errors, editing, 422)
    return redirect(url_for("quality_statements.mapping") + f"#map-{source}-{code}", 303)
