"""Review screens: the list, starting a review, and the workspace with one URL per pane."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from rca import access
from rca.audit import present
from rca.db import db, today_london
from rca.reviews import lifecycle, panes, queries, scope
from rca.reviews.models import DEPTHS, SEVERITIES, STAGES, TRIGGERS, Review
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("reviews", __name__, template_folder="templates")

#: Workspace panes in stepper order; "history" sits beside the stages, and "timeline" (a pane,
#: never a stage) sits after the evidence it draws.
PANES = [s for s in STAGES if s != "closed"] + ["history"]
PANES.insert(PANES.index("evidence") + 1, "timeline")


@bp.before_request
@login_required
def require_login() -> None:
    """Every review screen needs a signed-in user."""


def _choices() -> dict[str, Any]:
    return {
        "triggers": list(TRIGGERS.items()),
        "severities": list(SEVERITIES.items()),
        "stages": list(STAGES.items()),
        "depths": list(DEPTHS.items()),
    }


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    filters = queries.ReviewFilters.from_args(request.args)
    page = queries.list_reviews(
        db.session, current_user, filters, current_app.config["REVIEWS_PER_PAGE"]
    )
    return render(
        "reviews/index.html",
        "review_list",
        page=page,
        filters=filters,
        services=access.services_for(current_user),
        **_choices(),
    )


@bp.route("/reviews/new", methods=["GET", "POST"])
def new():  # type: ignore[no-untyped-def]
    services = access.services_for(current_user, "create")
    if not services:
        abort(403)
    errors: dict[str, str] = {}
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {}
    if request.method == "POST":
        try:
            review = lifecycle.create_review(db.session, current_user, request.form, today_london())
            db.session.commit()
            return redirect(url_for("reviews.pane", review_id=review.id, pane="triage"), 303)
        except FieldErrors as exc:
            db.session.rollback()
            errors = exc.errors
    elif len(services) == 1:
        values["service"] = services[0].code
    return render(
        "reviews/new.html",
        "content",
        services=services,
        errors=errors,
        values=values,
        **_choices(),
    ), (422 if errors else 200)


@bp.get("/reviews/<int:review_id>")
def show(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    pane = review.stage if review.stage in PANES else "monitoring"
    return redirect(url_for("reviews.pane", review_id=review.id, pane=pane))


def render_workspace(
    review: Review, pane: str, errors: dict[str, str] | None = None, **extra: Any
) -> str:
    """The review workspace on ``pane``: the whole page, or its block for htmx. Every area
    that re-renders its pane (with messages, or after a conflict) comes through here."""
    context: dict[str, Any] = {
        "review": review,
        "pane": pane,
        "panes": PANES,
        "stage_labels": {**STAGES, "history": "History", "timeline": "Timeline"},
        "errors": errors or {},
        "can_edit": access.can(current_user, "edit", review.service_id),
        "next_stage": _next_stage(review),
        "scope_counts": queries.scope_counts(db.session, review),
        **_choices(),
        **extra,
    }
    context.update(panes.context_for(pane, review, request.args))
    context["pane_template"] = panes.template_for(pane)
    if context["next_stage"]:
        context["blockers"] = lifecycle.stage_blockers(review, context["next_stage"])
    return render("reviews/workspace.html", "workspace", **context)


def _scope_context(review: Review, args: Any) -> dict[str, Any]:
    users = scope.eligible_users(db.session, review)
    return {
        "users": users,
        "user_choices": [(u.id, u.name) for u in users],
        "staff_register": scope.staff_register(db.session, review),
        "members": scope.members(db.session, review),
        "missing": scope.terms_missing(review),
    }


def _history_context(review: Review, args: Any) -> dict[str, Any]:
    entries = queries.review_history(db.session, review)
    names = queries.user_names(db.session, present.user_ids_in(entries))
    return {"rows": present.history_rows(entries, names)}


panes.register("triage", "reviews/panes/triage.html")
panes.register("scope", "reviews/panes/scope.html", _scope_context)
panes.register("history", "reviews/panes/history.html", _history_context)


def _next_stage(review: Review) -> str | None:
    order = list(STAGES)
    i = order.index(review.stage)
    return order[i + 1] if i + 1 < len(order) else None


@bp.get("/reviews/<int:review_id>/<pane>")
def pane(review_id: int, pane: str):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    if pane not in PANES:
        abort(404)
    return render_workspace(review, pane)


def refused_page(
    review: Review, pane: str, errors: dict[str, str], **extra: Any
) -> tuple[str, int]:
    """After a refused save: nothing written, the review reloaded, the pane with the messages."""
    db.session.rollback()
    db.session.refresh(review)
    return render_workspace(review, pane, errors, **extra), 422


def stale_page(review: Review, pane: str, thing: str = "review") -> tuple[str, int]:
    """After a save from a stale form: nothing overwritten, the pane shows the saved version."""
    db.session.rollback()
    db.session.refresh(review)
    message = (
        f"Someone else changed this {thing} while you were editing, so your change was not "
        "saved. The page now shows their version; make your change again."
    )
    return render_workspace(review, pane, {"version": message}), 409


def _save(review: Review, pane: str, change: Any, *, follow_stage: bool = False) -> Any:
    """Apply a change; on bad input or a stale form, re-render the pane with the messages.

    With ``follow_stage`` the user lands on the pane of the review's (new) stage afterwards.
    """
    try:
        change()
        db.session.commit()
    except FieldErrors as exc:
        return refused_page(review, pane, exc.errors, values=request.form)
    except (lifecycle.StaleVersion, StaleDataError):
        # StaleDataError: the version matched when read, but another save won the write.
        return stale_page(review, pane)
    if follow_stage:
        pane = review.stage if review.stage in PANES else "history"
    url = url_for("reviews.pane", review_id=review.id, pane=pane)
    if g.htmx:
        resp = current_app.make_response(render_workspace(review, pane, saved=True))
        resp.headers["HX-Push-Url"] = url
        return resp
    return redirect(url, 303)


@bp.post("/reviews/<int:review_id>/triage")
def update_triage(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    return _save(
        review,
        "triage",
        lambda: lifecycle.update_triage(db.session, review, request.form, today_london()),
    )


@bp.post("/reviews/<int:review_id>/depth")
def choose_depth(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")

    def change() -> None:
        lifecycle.check_version(review, request.form.get("version"))
        lifecycle.choose_depth(
            review, request.form.get("depth"), request.form.get("depth_override_reason")
        )

    return _save(review, "triage", change)


@bp.post("/reviews/<int:review_id>/scope")
def update_scope(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")

    def change() -> None:
        lifecycle.check_version(review, request.form.get("version"))
        scope.update_terms(
            db.session,
            review,
            request.form,
            today_london(),
            panel_ids=request.form.getlist("panel"),
            staff_ids=request.form.getlist("staff"),
        )

    return _save(review, "scope", change)


@bp.post("/reviews/<int:review_id>/stage")
def move_stage(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    return _save(
        review,
        review.stage if review.stage in PANES else "history",
        lambda: lifecycle.move_to_stage(
            review,
            request.form.get("stage"),
            request.form.get("version"),
            # A reason per failing guidance rule, in fields named override-<rule>.
            overrides={k: v for k, v in request.form.items() if k.startswith("override-")},
            today=today_london(),
        ),
        follow_stage=True,
    )
