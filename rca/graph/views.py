"""The Learning page (figures across reviews, filters in the URL), its drill-downs, and the
similar-reviews panel of the analysis pane and meeting mode.

Views parse, call ``rca.graph`` and render. Every figure is built from a ``LearningScope`` made
by ``scope.scope_for`` from the signed-in user, so it counts only reviews they may open.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from rca import access
from rca.actions.models import ACTION_KINDS, ACTION_TYPES
from rca.db import db, today_london
from rca.graph import drill, freshness, jobs, snapshot
from rca.graph.pairs import MIN_REVIEWS
from rca.graph.recurrence import MAX_WINDOW_DAYS, STRENGTHS, UNSPECIFIED, WINDOW_DAYS
from rca.graph.recurring import factor_labels
from rca.graph.scope import LearningScope, check_factor, everything_for, scope_for
from rca.graph.similar import SimilarPanel, similar_panel
from rca.graph.svg import render_quarters
from rca.graph.themes import picture
from rca.provider.models import SERVICE_KINDS
from rca.reviews.models import Review
from rca.security import background
from rca.templating import render
from rca.validation import Collector, FieldErrors, parse_int

bp = Blueprint("learning", __name__, template_folder="templates")

PAGE = "graph/learning.html"


@bp.before_request
@login_required
def require_login() -> None:
    """Every learning screen needs a signed-in user."""


@bp.app_template_global()
def similar_panel_for(review: Review) -> SimilarPanel:
    """What the similar-reviews panel shows: the review's similar reviews among those the viewer
    may open, and whether the review cites any factor yet (the empty panel says which)."""
    return similar_panel(db.session, review, everything_for(current_user))


def _settings(args: MultiDict[str, str]) -> tuple[LearningScope, int, int]:
    """The scope, window and minimum support the URL asks for; FieldErrors on bad input."""
    c = Collector()
    window = c.check(
        "window",
        parse_int,
        args.get("window") or WINDOW_DAYS,
        label="Window (days)",
        minimum=1,
        maximum=MAX_WINDOW_DAYS,
    )
    minimum = c.check(
        "min", parse_int, args.get("min") or MIN_REVIEWS, label="Minimum reviews", minimum=1
    )
    try:
        scope = scope_for(db.session, current_user, args)
    except FieldErrors as exc:
        c.errors.update(exc.errors)
    c.raise_if_any()
    return scope, window, minimum


def _query(scope: LearningScope, window: int, minimum: int, **extra: str) -> str:

    args = scope.args()
    if window != WINDOW_DAYS:
        args["window"] = str(window)
    if minimum != MIN_REVIEWS:
        args["min"] = str(minimum)
    args.update({k: v for k, v in extra.items() if v})
    return urlencode(args)


def _figures(scope: LearningScope, window: int, minimum: int) -> dict[str, Any]:
    """The snapshot to show and, for a big scope being worked out, its progress."""
    session, today = db.session, today_london()
    if snapshot.reviews_count(session, scope) <= snapshot.INLINE_LIMIT:
        snap = freshness.remembered(
            session,
            ("snapshot", scope.key(), window, minimum, today),
            lambda: snapshot.build(session, scope, today, window_days=window, min_reviews=minimum),
        )
        return {"snap": snap, "progress": None}
    key = jobs.key_for(str(session.get_bind().url), scope, window, minimum)
    generation = freshness.generation(session)
    snap = jobs.stored(current_app, key)
    if snap is not None and snap.generation == generation:
        return {"snap": snap, "progress": None}
    state = jobs.start(current_app, scope, today, window, minimum, key, generation)
    return {"snap": snap, "progress": state}


def _context(scope: LearningScope, window: int, minimum: int) -> dict[str, Any]:
    figures = _figures(scope, window, minimum)
    snap = figures["snap"]
    labels = factor_labels(db.session)
    query = _query(scope, window, minimum)
    reviews_url = url_for("learning.reviews")

    def factor_href(code: str) -> str:
        return f"{reviews_url}?{_query(scope, window, minimum, factor=code)}"

    network = None
    if snap is not None:
        network = Markup(  # noqa: S704 - render_network escapes every string itself
            picture(
                snap.themes,
                labels,
                title=f"Factors that travel together, {scope.label}",
                href=factor_href,
            )
        )
    return {
        **figures,
        "scope": scope,
        "window": window,
        "minimum": minimum,
        "query": query,
        "labels": labels,
        "network": network,
        "trend": lambda f: Markup(render_quarters(f.by_quarter, f.label)),  # noqa: S704
        "factor_href": factor_href,
        "reviews_url": reviews_url,
        "actions_url": url_for("learning.actions"),
        "progress_url": f"{url_for('learning.progress')}?{query}",
        "_query": lambda **extra: _query(scope, window, minimum, **extra),
        "strengths": STRENGTHS,
        "types": {**{k: v[1] for k, v in ACTION_TYPES.items()}, UNSPECIFIED: "Type not said"},
    }


def _form_context(errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "services": access.services_for(current_user),
        "kinds": SERVICE_KINDS,
        "values": request.args,
        "errors": errors or {},
        "default_window": WINDOW_DAYS,
        "default_min": MIN_REVIEWS,
    }


@bp.get("/learning")
def page():  # type: ignore[no-untyped-def]
    try:
        scope, window, minimum = _settings(request.args)
    except FieldErrors as exc:
        return render(PAGE, "figures", snap=None, progress=None, **_form_context(exc.errors)), 422
    return render(PAGE, "figures", **_form_context(), **_context(scope, window, minimum))


@bp.get("/learning/progress")
@background
def progress():  # type: ignore[no-untyped-def]
    """The figures block while a big scope is being worked out (polled every 2 s)."""
    if not g.htmx:
        return redirect(url_for("learning.page", **request.args))
    scope, window, minimum = _settings(request.args)
    return render(PAGE, "figures", **_form_context(), **_context(scope, window, minimum))


def _codes(raw: str, labels: dict[str, str], field: str) -> list[str]:
    return [check_factor(labels, code, field) for code in raw.split(",") if code.strip()]


@bp.get("/learning/reviews")
def reviews():  # type: ignore[no-untyped-def]
    """The reviews behind a factor, a pair or a theme."""
    labels = factor_labels(db.session)
    try:
        scope, window, minimum = _settings(request.args)
        if request.args.get("factor"):
            codes, at_least, what = _codes(request.args["factor"], labels, "factor"), 1, "factor"
        elif request.args.get("pair"):
            codes, at_least, what = _codes(request.args["pair"], labels, "pair"), 2, "pair"
        elif request.args.get("theme"):
            codes, at_least, what = _codes(request.args["theme"], labels, "theme"), 2, "theme"
        else:
            raise FieldErrors({"factor": "Say which factor, pair or theme to list reviews for."})
        if what == "pair" and len(codes) != 2:
            raise FieldErrors({"pair": "A pair is two factor codes separated by a comma."})
    except FieldErrors as exc:
        return render(
            "graph/drill_reviews.html", "content", errors=exc.errors, rows=[], total=0
        ), 422
    total, rows = drill.reviews_citing(db.session, scope, codes, min(at_least, len(codes)))
    return render(
        "graph/drill_reviews.html",
        "content",
        errors={},
        rows=rows,
        total=total,
        shown=drill.SHOWN,
        codes=codes,
        what=what,
        labels=labels,
        scope=scope,
        back=f"{url_for('learning.page')}?{_query(scope, window, minimum)}",
    )


@bp.get("/learning/actions")
def actions():  # type: ignore[no-untyped-def]
    """The done actions behind a recurrence figure."""
    args = request.args
    try:
        scope, window, minimum = _settings(args)
        strength = args.get("strength") or None
        action_type = args.get("type") or None
        if strength is not None and strength not in ACTION_KINDS:
            raise FieldErrors({"strength": "Strength must be system or individual."})
        if action_type is not None and action_type not in {*ACTION_TYPES, UNSPECIFIED}:
            raise FieldErrors({"type": f"Type must be one of: {', '.join(ACTION_TYPES)}."})
    except FieldErrors as exc:
        return render(
            "graph/drill_actions.html", "content", errors=exc.errors, rows=[], total=0
        ), 422
    followed = {"1": True, "0": False}.get(args.get("followed", ""))
    total, rows = drill.actions_behind(
        db.session,
        scope,
        today_london(),
        window,
        strength=strength,
        action_type=action_type,
        followed=followed,
    )
    return render(
        "graph/drill_actions.html",
        "content",
        errors={},
        rows=rows,
        total=total,
        shown=drill.SHOWN,
        scope=scope,
        window=window,
        strength=STRENGTHS.get(strength or ""),
        type_label=ACTION_TYPES[action_type][1] if action_type in ACTION_TYPES else None,
        followed=followed,
        labels=factor_labels(db.session),
        back=f"{url_for('learning.page')}?{_query(scope, window, minimum)}",
    )


@bp.get("/reviews/<int:review_id>/similar")
def similar(review_id: int):  # type: ignore[no-untyped-def]
    """The similar-reviews panel's fragment (it reloads on every change to the review)."""
    review = access.review_for(current_user, review_id)
    if not g.htmx:  # the fragment's address typed or bookmarked: the pane it belongs to
        return redirect(url_for("reviews.pane", review_id=review.id, pane="analysis"))
    return render("graph/_similar.html", "similar", review=review, panel=similar_panel_for(review))
