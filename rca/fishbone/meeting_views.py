"""Meeting mode: the big-screen review meeting, the live poll, presence, the meeting record, undo.

Views parse, call ``rca.fishbone.meeting`` / ``live`` / ``undo`` and render. Every fragment a
live region reloads is a named block of ``fishbone/meeting.html``, so page and fragment cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from rca import access
from rca.db import db
from rca.fishbone import causes, live, meeting, undo
from rca.fishbone.meeting_models import ATTENDANCE, MEETING_KINDS
from rca.fishbone.models import CAUSE_STATUSES, CONCLUSIONS
from rca.fishbone.settings import framework_for, problem_statement
from rca.fishbone.svg import render_fishbone
from rca.fishbone.tree import cause_tree, flatten
from rca.reviews.models import Review
from rca.security import background
from rca.templating import render
from rca.timeline.views import pane_context
from rca.validation import FieldErrors

bp = Blueprint("meeting", __name__, template_folder="templates")

PAGE = "fishbone/meeting.html"


@bp.before_request
@login_required
def require_login() -> None:
    """Every meeting screen needs a signed-in user."""


@bp.app_template_global()
def live_token_for(review_id: int) -> str:
    """The review's change token, for ``fishbone/_live.html`` wherever it is included."""
    return live.page_token(db.session, review_id)


@bp.app_template_global()
def running_meeting_for(review: Review) -> Any:
    """The meeting running on the review, for ``fishbone/meeting_launch.html``."""
    return meeting.running_meeting(db.session, review.id)


# --- the page and its live fragments ------------------------------------------------------------


def _board(review: Review, *, picture: bool = True) -> dict[str, Any]:
    """The outline's tree, the fishbone picture (when asked) and what the viewer may do."""

    framework = framework_for(db.session, review)
    tree = cause_tree(db.session, review, framework)
    problem = problem_statement(db.session, review)
    flat = flatten(tree)
    return {
        "framework": framework,
        "tree": tree,
        "flat": flat,
        "cause_texts": {n.id: n.text for n in flat},
        "statuses": CAUSE_STATUSES,
        "conclusions": CONCLUSIONS,
        "causes_url": _causes_url(review),
        "problem": problem,
        "fishbone_svg": _fishbone_svg(problem, framework, tree) if picture else None,
        "can_edit": access.can(current_user, "edit", review.service_id),
    }


def _causes_url(review: Review) -> str:
    """Where the fishbone's add-cause form posts (row URLs add ``/<id>``, ``/<id>/move``)."""
    return url_for("meeting.page", review_id=review.id).rsplit("/", 1)[0] + "/causes"


def _fishbone_svg(problem: str, framework: Any, tree: Any) -> Markup:
    # render_fishbone escapes every string from people itself (see its tests).
    # The compact layout: the picture shares the projector with the timeline (~900 px each).
    return Markup(render_fishbone(problem, framework, tree, layout="compact"))  # noqa: S704


def _timeline_svg(review: Review) -> Markup | None:
    """The timeline pane's own picture, in its default view (the whole period)."""

    try:
        return pane_context(review, MultiDict())["svg"]
    except Exception:  # noqa: BLE001 - a timeline that cannot be drawn must not stop the meeting
        return None


def _record(review: Review) -> dict[str, Any]:
    running = meeting.current_meeting(db.session, review)
    return {
        "running": running,
        "meetings": meeting.meetings_for(db.session, review),
        "decisions": meeting.decisions_for(db.session, review),
        "meeting_kinds": MEETING_KINDS,
        "attendance_choices": ATTENDANCE,
    }


#: What each part of the page needs, so a live region's reload builds only its own part.
EVERYTHING = frozenset({"board", "picture", "record", "presence"})
_FRAGMENTS: dict[str, frozenset[str]] = {
    "outline": frozenset({"board"}),
    "fishbone": frozenset({"board", "picture"}),
    "decisions": frozenset({"board", "record"}),
    "record": frozenset({"record"}),
    "presence": frozenset({"presence"}),
}


def _context(review: Review, parts: frozenset[str] = EVERYTHING, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "review": review,
        "errors": {},
        "values": {},
        "can_edit": access.can(current_user, "edit", review.service_id),
    }
    if "presence" in parts:
        context["present"] = live.present_users(db.session, review.id)
    if "board" in parts:
        context.update(_board(review, picture="picture" in parts))
    if "record" in parts:
        context.update(_record(review))
    return {**context, **extra}


@bp.get("/reviews/<int:review_id>/meeting")
def page(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    live.touch_presence(db.session, review.id, current_user.id)
    db.session.commit()
    return render(PAGE, "content", timeline_svg=_timeline_svg(review), **_context(review))


@bp.get("/reviews/<int:review_id>/meeting/<fragment>")
def fragment(review_id: int, fragment: str):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    if not g.htmx:  # a fragment's address typed or bookmarked: the page it belongs to
        return redirect(url_for("meeting.page", review_id=review.id))
    if fragment not in _FRAGMENTS:
        abort(404)
    return render(PAGE, fragment, **_context(review, _FRAGMENTS[fragment]))


@bp.get("/reviews/<int:review_id>/live")
@background
def poll(review_id: int):  # type: ignore[no-untyped-def]
    """204 while nothing changed; otherwise the poller with the new token and ``rca:changed``."""
    review = access.review_for(current_user, review_id)
    if not g.htmx:
        return redirect(url_for("meeting.page", review_id=review.id))
    if live.touch_presence(db.session, review.id, current_user.id):
        db.session.commit()
    token = live.change_token(db.session, review.id)
    if request.args.get("since") == token:
        return "", 204
    body = render("fishbone/_live.html", "live", review=review, live_token=token)
    # X-Live-Token lets meeting.js skip reloading a part that already shows this state.
    return body, 200, {"HX-Trigger": "rca:changed", "X-Live-Token": token}


# --- the meeting record ---------------------------------------------------------------------------


def _answer(review: Review, block: str = "record", status: int = 200, **extra: Any) -> Any:
    """After a change: the fragment for htmx, else back to the meeting page."""
    if g.htmx:
        body = render(PAGE, block, **_context(review, _FRAGMENTS[block], **extra))
        # Starting or ending a meeting changes the decisions box too; other people's screens
        # follow through the live poll either way.
        changed = status < 400 and block == "record"
        return body, status, ({"HX-Trigger": "rca:changed"} if changed else {})
    if status >= 400:
        return render(
            PAGE, "content", timeline_svg=_timeline_svg(review), **_context(review, **extra)
        ), status
    return redirect(url_for("meeting.page", review_id=review.id), 303)


def _refused(review: Review, exc: FieldErrors, block: str = "record") -> Any:
    db.session.rollback()
    return _answer(review, block, 422, errors=exc.errors, values=request.form)


def _meeting_or_404(review: Review, meeting_id: int) -> Any:
    try:
        return meeting.meeting_of(db.session, review, meeting_id)
    except meeting.MeetingNotFound:
        abort(404)


def _change(review: Review, change: Callable[[], object], block: str = "record") -> Any:
    """Apply one change to the meeting record and answer its fragment: 422 with the messages on
    bad input, 404 for a row that is not this meeting's, nothing half-written either way."""
    try:
        change()
        db.session.commit()
    except meeting.MeetingNotFound:
        db.session.rollback()
        abort(404)
    except FieldErrors as exc:
        return _refused(review, exc, block)
    except StaleDataError:
        # Nothing here carries a version (the last save stands), but two saves can still meet
        # in the database; the one that lost says so instead of failing.
        db.session.rollback()
        message = (
            "Someone else saved the meeting record at the same moment, so your change was not "
            "saved. The record now shows theirs; make your change again."
        )
        field = "text" if block == "decisions" else "meeting"
        return _answer(review, block, 409, errors={field: message}, values=request.form)
    return _answer(review, block)


@bp.post("/reviews/<int:review_id>/meetings")
def start(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    return _change(
        review, lambda: meeting.start_meeting(db.session, review, current_user, request.form)
    )


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/end")
def end(review_id: int, meeting_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    return _change(
        review, lambda: meeting.end_meeting(db.session, record, request.form.get("notes"))
    )


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/notes")
def notes(review_id: int, meeting_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    return _change(
        review, lambda: meeting.update_notes(db.session, record, request.form.get("notes"))
    )


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/attendees")
def add_attendee(review_id: int, meeting_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    return _change(review, lambda: meeting.add_attendee(db.session, record, request.form))


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/attendees/<int:attendee_id>")
def set_attendance(review_id: int, meeting_id: int, attendee_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    attendance = request.form.get("attendance")
    return _change(
        review, lambda: meeting.set_attendance(db.session, record, attendee_id, attendance)
    )


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/decisions")
def add_decision(review_id: int, meeting_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    return _change(
        review,
        lambda: meeting.add_decision(db.session, record, current_user, request.form),
        "decisions",
    )


@bp.post("/reviews/<int:review_id>/meetings/<int:meeting_id>/decisions/<int:decision_id>/delete")
def remove_decision(review_id: int, meeting_id: int, decision_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    record = _meeting_or_404(review, meeting_id)
    return _change(
        review, lambda: meeting.remove_decision(db.session, record, decision_id), "decisions"
    )


# --- undo -----------------------------------------------------------------------------------------


@bp.post("/reviews/<int:review_id>/causes/undo")
def undo_cause(review_id: int):  # type: ignore[no-untyped-def]
    """Undo the user's last cause change; htmx gets a message for the live announcer."""
    review = access.review_for(current_user, review_id, "edit")
    try:
        result = undo.undo_last(db.session, review, current_user)
        db.session.commit()
    except (undo.NothingToUndo, undo.UndoRefused) as exc:
        db.session.rollback()
        status, message, focus = 409, str(exc), None
    except causes.CauseConflict:
        db.session.rollback()
        status, focus = 409, None
        message = "Someone else changed this cause at the same moment; nothing was undone."
    else:
        status, message, focus = 200, f"Undone: {result.label}", result.cause_id
    if not g.htmx:
        flash(message)
        return redirect(url_for("meeting.page", review_id=review.id), 303)
    body = render(PAGE, "undo_message", message=message, refused=status != 200)
    headers = {"HX-Trigger": "rca:changed"} if status == 200 else {}
    if focus is not None:
        headers["X-Cause-Id"] = str(focus)
    return body, status, headers
