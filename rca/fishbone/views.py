"""The fishbone screens (blueprint): the analysis pane and its cause endpoints.

Each changing endpoint answers, for htmx, the re-rendered analysis region (fishbone, outline and
evidence drawer; only the outline or only the figure when ``HX-Target`` names ``fb-outline`` or
``fb-figure``) with ``HX-Trigger: rca:changed`` so the guidance panel refreshes; without htmx, a
303 back to the pane. Errors re-render with the message beside the field (422), a stale version
shows both versions (409), and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from rca import access
from rca.db import db
from rca.fishbone import causes as domain
from rca.fishbone import live
from rca.fishbone import settings as fb_settings
from rca.fishbone.pane import analysis_context, drawer_context, panel_context
from rca.fishbone.settings import framework_for
from rca.fishbone.svg import render_fishbone
from rca.fishbone.tree import cause_tree, flatten
from rca.reviews import panes
from rca.reviews.models import Review
from rca.reviews.views import render_workspace
from rca.validation import FieldErrors, parse_id

bp = Blueprint("fishbone", __name__, template_folder="templates")

FRAGMENTS = {"fb-outline": "fishbone/_outline.html", "fb-figure": "fishbone/_fishbone.html"}
#: The parts the analysis pane reloads when someone else changes the review (``rca:changed``).
LIVE_PARTS = {"outline": "fb-outline", "figure": "fb-figure"}

panes.register(
    "analysis", "fishbone/pane.html", lambda review, args: analysis_context(review, args)
)


@bp.before_request
@login_required
def require_login() -> None:
    """Every fishbone screen needs a signed-in user."""


def _pane_url(review: Review, cause_id: int | None = None, **args: Any) -> str:
    url = url_for("reviews.pane", review_id=review.id, pane="analysis", **args)
    return f"{url}#cause-{cause_id}" if cause_id else url


def _region(review: Review, status: int = 200, *, changed: bool = False, **feedback: Any) -> Any:
    """The analysis region (or the whole pane without htmx) with this request's feedback."""
    g.fishbone_feedback = feedback
    if not g.htmx:
        return render_workspace(review, "analysis"), status
    template = FRAGMENTS.get(request.headers.get("HX-Target", ""), "fishbone/_region.html")
    # The token is read before rendering, so the answer shows at least that state: the page's
    # poller then skips a reload for this change (meeting.js), and reloads for any later one.
    token = live.change_token(db.session, review.id) if changed else None
    resp = make_response((render_template(template, **analysis_context(review, _state())), status))
    if token is not None:
        resp.headers["HX-Trigger"] = "rca:changed"
        resp.headers["X-Live-Token"] = token
    return resp


def _state() -> dict[str, Any]:
    """The drawer and highlight the form came from, so the answer keeps them open."""
    out = {}
    for key in ("drawer", "cause", "kind", "q"):
        value = request.values.get(key)
        if value:
            out[key] = value
    return out


def _change(
    review: Review,
    change: Callable[[], Any],
    *,
    cause_id: int | None = None,
    focus: str = "",
    drawer: int | None = None,
    why: bool = False,
) -> Any:
    """Run a change: commit and answer the region, or roll back and explain.

    ``cause_id`` names the row whose panel shows the errors (``why``: in its "why?" box).
    """
    try:
        result = change()
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return _region(
            review,
            422,
            errors=exc.errors,
            error_cause=cause_id,
            values=request.form.to_dict(),
            focus=".field-error",
            drawer=drawer,
            why=why,
        )
    except domain.ConclusionRefused as exc:
        db.session.rollback()
        return _region(
            review,
            422,
            errors={"conclusion": exc.message},
            error_cause=cause_id,
            values=request.form.to_dict(),
            focus=".field-error",
        )
    except domain.CauseNotFound:
        db.session.rollback()
        abort(404)
    except domain.CauseConflict as exc:
        db.session.rollback()
        saved = exc.saved
        if saved is None:
            fresh = db.session.get(domain.Cause, exc.cause_id)
            saved = domain.snapshot(fresh) if fresh is not None else None
        conflict = {"cause_id": exc.cause_id, "saved": saved, "submitted": exc.submitted}
        return _region(review, 409, conflict=conflict, focus="#fb-conflict")
    except domain.StaleSettings:
        db.session.rollback()
        message = (
            "Someone else changed the analysis settings while you were editing; the "
            "page now shows theirs. Make your change again."
        )
        return _region(review, 409, errors={"settings": message}, focus=".field-error")
    new_id = getattr(result, "id", None) or cause_id
    if not g.htmx:
        return redirect(_pane_url(review, new_id, **_state()), 303)
    return _region(
        review,
        changed=True,
        highlight=new_id,
        saved=True,
        drawer=drawer,
        focus=focus or (f"#cause-{new_id}-text" if new_id else ""),
    )


@bp.post("/reviews/<int:review_id>/causes")
def add_cause(review_id: int) -> Any:
    review = access.review_for(current_user, review_id, "edit")
    quick = request.form.get("quick") == "1"
    parent = request.form.get("parent_id", "")
    # A "why?" that fails is explained in its parent's panel, beside the box it was typed in.
    return _change(
        review,
        lambda: domain.add_cause(db.session, review, current_user, request.form),
        focus="#fb-quick-text" if quick else "",
        cause_id=parse_id(parent),
        why=parse_id(parent) is not None,
    )


@bp.post("/reviews/<int:review_id>/causes/<int:cause_id>")
def update_cause(review_id: int, cause_id: int) -> Any:
    review = access.review_for(current_user, review_id, "edit")
    form = {k: v for k, v in request.form.items() if k not in ("csrf_token", "drawer", "cause")}
    if "conclusion" in form and form["conclusion"] == "":
        form["conclusion"] = None
    return _change(
        review, lambda: domain.update_cause(db.session, review, cause_id, form), cause_id=cause_id
    )


@bp.post("/reviews/<int:review_id>/causes/<int:cause_id>/move")
def move_cause(review_id: int, cause_id: int) -> Any:
    """Move to ``parent_id``/``position``/``category``, or one step by ``direction``
    (up, down, in, out: the outline's buttons)."""
    review = access.review_for(current_user, review_id, "edit")

    def change() -> Any:
        if request.form.get("direction"):
            return domain.move_direction(
                db.session, review, cause_id, request.form["direction"], request.form.get("version")
            )
        errors: dict[str, str] = {}
        parent = _opt_int(request.form.get("parent_id"), "parent_id", errors)
        position = _opt_int(request.form.get("position"), "position", errors)
        if errors:
            raise FieldErrors(errors)
        return domain.move_cause(
            db.session,
            review,
            cause_id,
            parent_id=parent,
            position=position,
            category=request.form.get("category") or None,
            version=request.form.get("version"),
        )

    return _change(review, change, cause_id=cause_id, focus=f"#cause-{cause_id}-text")


def _opt_int(raw: str | None, field: str, errors: dict[str, str]) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        errors[field] = f"{field.replace('_', ' ').capitalize()} must be a whole number."
        return None


@bp.post("/reviews/<int:review_id>/causes/<int:cause_id>/delete")
def delete_cause(review_id: int, cause_id: int) -> Any:
    review = access.review_for(current_user, review_id, "edit")
    return _change(
        review,
        lambda: domain.delete_cause(db.session, review, cause_id, request.form.get("version")),
        focus="#fb-quick-text",
    )


@bp.post("/reviews/<int:review_id>/causes/<int:cause_id>/evidence")
def cause_evidence(review_id: int, cause_id: int) -> Any:
    """Link (``action=link``) or unlink (``action=unlink``) the ``evidence_id`` values."""
    review = access.review_for(current_user, review_id, "edit")
    ids = request.form.getlist("evidence_id")
    action = request.form.get("action", "link")
    if action not in ("link", "unlink"):
        abort(400)
    fn = domain.link_evidence if action == "link" else domain.unlink_evidence
    return _change(
        review,
        lambda: fn(db.session, review, cause_id, ids),
        cause_id=cause_id,
        focus="#fb-drawer-title",
        drawer=cause_id,
    )


@bp.get("/reviews/<int:review_id>/causes/<int:cause_id>/evidence")
def evidence_drawer(review_id: int, cause_id: int) -> Any:
    """The evidence drawer alone (htmx), or the pane with it open."""
    review = access.review_for(current_user, review_id)
    if not g.htmx:  # the pane opens the drawer (and ignores a cause it does not have)
        return redirect(
            _pane_url(
                review,
                None,
                drawer=cause_id,
                **{k: v for k, v in request.args.items() if k in ("kind", "q")},
            )
            + "#fb-drawer"
        )
    node = next((n for n in flatten(cause_tree(db.session, review)) if n.id == cause_id), None)
    if node is None:
        abort(404)
    context = analysis_context(review, {})
    context["drawer"] = drawer_context(review, node, request.args)
    return render_template("fishbone/_drawer.html", **context)


@bp.get("/reviews/<int:review_id>/causes/<int:cause_id>/panel")
def cause_panel(review_id: int, cause_id: int) -> Any:
    """A row's tools (edit, why?, move, delete) for htmx; without htmx, the pane with it open."""
    review = access.review_for(current_user, review_id)
    why = request.args.get("why") == "1"
    if not g.htmx:
        extra = {"why": "1"} if why else {}
        return redirect(_pane_url(review, cause_id, edit=cause_id, **extra))
    if not access.can(current_user, "edit", review.service_id):
        abort(403)
    context = panel_context(review, cause_id, why)
    if context is None:
        abort(404)
    return render_template("fishbone/_panel.html", **context)


@bp.get("/reviews/<int:review_id>/analysis/<part>")
def live_part(review_id: int, part: str) -> Any:
    """The picture or the outline alone, fresh: what the pane reloads on ``rca:changed``."""
    review = access.review_for(current_user, review_id)
    if not g.htmx:  # a part's address typed or bookmarked: the pane it belongs to
        return redirect(_pane_url(review))
    if part not in LIVE_PARTS:
        abort(404)
    g.fishbone_feedback = {}
    return render_template(FRAGMENTS[LIVE_PARTS[part]], **analysis_context(review, {}))


@bp.get("/reviews/<int:review_id>/fishbone.svg")
def fishbone_svg(review_id: int) -> Any:
    review = access.review_for(current_user, review_id)
    framework = framework_for(db.session, review)
    tree = cause_tree(db.session, review, framework)
    highlight = request.args.get("cause", type=int)
    layout = "compact" if request.args.get("layout") == "compact" else "default"
    body = render_fishbone(
        fb_settings.problem_statement(db.session, review),
        framework,
        tree,
        highlight=highlight,
        layout=layout,
    )
    return Response(body, mimetype="image/svg+xml")


@bp.post("/reviews/<int:review_id>/framework")
def set_framework(review_id: int) -> Any:
    """Switch framework; causes the mapping cannot place come back as a question."""
    review = access.review_for(current_user, review_id, "edit")
    key = request.form.get("framework", "")
    placements = {
        cause_id: v
        for k, v in request.form.items()
        if k.startswith("place-") and (cause_id := parse_id(k.removeprefix("place-"))) is not None
    }
    try:
        unplaced = fb_settings.set_framework(
            db.session, review, key, placements, request.form.get("version")
        )
    except FieldErrors as exc:
        db.session.rollback()
        return _region(review, 422, errors=exc.errors, focus=".field-error")
    except domain.StaleSettings:
        db.session.rollback()
        return _region(
            review,
            409,
            errors={
                "settings": "Someone else changed the framework meanwhile; the page shows theirs."
            },
        )
    if unplaced:
        db.session.rollback()
        ids = [c.id for c in unplaced]
        return _region(review, 422, unplaced=ids, target=key, focus="#fb-place-title")
    db.session.commit()
    if not g.htmx:
        return redirect(_pane_url(review), 303)
    return _region(review, changed=True, saved=True, focus="#fb-settings-title")


@bp.post("/reviews/<int:review_id>/problem")
def set_problem(review_id: int) -> Any:
    review = access.review_for(current_user, review_id, "edit")
    return _change(
        review,
        lambda: fb_settings.set_problem_statement(db.session, review, request.form),
        focus="#fb-settings-title",
    )


from rca.fishbone import vocabulary_views  # noqa: E402, F401  (adds the admin routes to bp)
