"""The timeline pane and its forms. Views parse, call the timeline's functions and render."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from rca import access
from rca.db import db
from rca.evidence.models import ALL_KINDS
from rca.provider.models import PersonSupported, StaffMember
from rca.reviews import panes
from rca.reviews.models import Review, ReviewPerson
from rca.templating import render
from rca.timeline import assembly, standards
from rca.timeline.chronology import LANES, Event, UnknownPerson
from rca.timeline.models import (
    ANNOTATION_KINDS,
    BASES,
    EVENT_TYPES,
    MARKABLE_TYPES,
    Annotation,
)
from rca.timeline.staff_status import DEFAULT_SUPERVISION_WEEKS, status_at
from rca.timeline.svg import Marker, Picture, render_svg
from rca.timeline.viewstate import TABLE_PAGE, WINDOWS, View, visible_events
from rca.timeline.working_days import LONDON
from rca.validation import FieldErrors

#: Shifts listed in the "who was on shift" table (the picture's band shows every one; a week
#: or a day lists them all).
SHIFT_TABLE_LIMIT = 60
#: Drawings kept per built timeline (views someone zoomed or filtered to).
MAX_DRAWINGS = 32

bp = Blueprint(
    "timeline",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/timeline-assets",
)


@bp.before_request
@login_required
def require_login() -> None:
    """Every timeline screen needs a signed-in user."""


def _weeks() -> int:
    return int(current_app.config.get("SUPERVISION_INTERVAL_WEEKS", DEFAULT_SUPERVISION_WEEKS))


def _pane_url(review_id: int, query: str = "") -> str:
    url = url_for("reviews.pane", review_id=review_id, pane="timeline")
    return f"{url}?{query}" if query else url


def _choices() -> dict[str, Any]:
    return {
        "lanes": LANES,
        "windows": WINDOWS,
        "event_types": EVENT_TYPES,
        "markable_types": MARKABLE_TYPES,
        "annotation_kinds": ANNOTATION_KINDS,
        "bases": BASES,
        "kind_labels": ALL_KINDS,
    }


def pane_context(review: Review, args: Any) -> dict[str, Any]:
    view = View.from_args(args)
    person_error = None
    try:
        tl = assembly.build(db.session, review, view.person, _weeks())
    except UnknownPerson:
        person_error = f"No person with reference {view.person} at this service."
        view = View(**{**view.__dict__, "person": None})
        tl = assembly.build(db.session, review, None, _weeks())
    chronology = tl.chronology
    start, end = view.span(chronology)
    events = visible_events(chronology.events, view, start, end, tl.haystacks)
    by_id = {e.id: e for e in chronology.events}
    notes = db.session.scalars(
        select(Annotation).where(Annotation.review_id == review.id).order_by(Annotation.id)
    ).all()
    markers = [
        Marker(by_id[n.evidence_id].at, n.kind, n.text[:80])
        for n in notes
        if n.kind != "note" and n.evidence_id in by_id
    ]
    base = url_for("reviews.pane", review_id=review.id, pane="timeline")
    detail_base = url_for("timeline.event_detail", review_id=review.id, event_id=0)[:-1]
    state = view.query(event=None)
    picture = Picture(
        start=start,
        end=end,
        lanes=[(k, LANES[k]) for k in view.lanes],
        events=events,
        shifts=[s for s in chronology.shifts if s.start < end and s.end > start],
        uninducted=tl.uninducted_agency,
        delays=tl.delays,
        markers=markers,
        selected=view.event,
        event_href=lambda i: f"{base}?{view.event_query(i)}",
        detail_href=lambda i: f"{detail_base}{i}?{state}",
        zoom_href=lambda d: f"{base}?{_day_zoom(view, d)}",
        title=f"Timeline of {review.reference}, {_window_words(view, start, end)}",
    )
    context = {
        "tl": tl,
        "view": view,
        "state": state,
        # render_svg escapes every string from people and files itself (see its tests).
        "svg": Markup(_picture_svg(tl, view, markers, picture)),  # noqa: S704
        "events": view.table_rows(events),
        "event_count": len(events),
        "table_page": view.table_page(events),
        "table_pages": max(1, -(-len(events) // TABLE_PAGE)),
        "table_first": (view.table_page(events) - 1) * TABLE_PAGE + 1,
        "window_words": _window_words(view, start, end),
        "pane_base": base,
        "staff_choices": tl.staff_choices,
        "person_choices": _person_choices(review),
        "detail_base": detail_base,
        "person_error": person_error,
        "shift_windows": _shift_windows(tl, start, end),
        "shift_limit": SHIFT_TABLE_LIMIT,
        "notes": notes,
        "assumptions": [n for n in notes if n.basis == "assumption"],
        "by_id": by_id,
        "can_admin": access.can(current_user, "admin", review.service_id),
        "can_contribute": access.can(current_user, "contribute", review.service_id),
        "zoom_day": view.anchor(chronology) if view.window != "all" else chronology.start,
        **_choices(),
    }
    if view.event:
        context["detail"] = _detail(review, tl, view.event, notes)
    return context


def _picture_svg(tl: assembly.Timeline, view: View, markers: list[Marker], picture: Picture) -> str:
    """The picture, drawn once per view of a built timeline: the SVG is a pure function of
    the timeline (cached while its change token stands), the view and the markers (read fresh
    from the annotations), so the same three give the same drawing."""
    key = (view, tuple(markers))
    drawn = tl.drawings.get(key)
    if drawn is None:
        drawn = render_svg(picture)
        if len(tl.drawings) >= MAX_DRAWINGS:
            tl.drawings.clear()
        tl.drawings[key] = drawn
    return drawn


def _person_choices(review: Review) -> list[tuple[str, str]]:
    """(reference, pseudonym) of the people in scope: one query, not one per person."""
    rows = db.session.execute(
        select(PersonSupported.reference, ReviewPerson.pseudonym)
        .join(PersonSupported, PersonSupported.id == ReviewPerson.person_id)
        .where(ReviewPerson.review_id == review.id)
        .order_by(ReviewPerson.id)
    )
    return [(reference, pseudonym) for reference, pseudonym in rows]


@functools.lru_cache(maxsize=4096)
def _day_zoom(view: View, day: date) -> str:
    """The query zooming ``view`` to one day (every cluster in the picture links one)."""
    return view.zoom("day", day)


def _window_words(view: View, start: datetime, end: datetime) -> str:
    first = start.astimezone(LONDON)
    last = end.astimezone(LONDON)
    if view.window == "day":
        return f"{first:%A %d %B %Y}"
    return f"{first:%d/%m/%Y} to {last.date().fromordinal(last.date().toordinal() - 1):%d/%m/%Y}"


def _shift_windows(tl: assembly.Timeline, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Shifts grouped by their start and end: who worked, how many were agency or bank."""
    groups: dict[tuple[datetime, datetime], list[Any]] = defaultdict(list)
    for s in tl.chronology.shifts:
        if s.start < end and s.end > start:
            groups[(s.start, s.end)].append(s)
    out = []
    for (s_start, s_end), shifts in sorted(groups.items()):
        agency = [s for s in shifts if s.employment == "agency"]
        out.append(
            {
                "start": s_start,
                "end": s_end,
                "shifts": sorted(shifts, key=lambda s: (s.employment != "agency", s.staff)),
                "agency": len(agency),
                "bank": sum(1 for s in shifts if s.employment == "bank"),
                "share": len(agency) / len(shifts),
                "uninducted": [s for s in agency if s.staff_id in tl.uninducted_agency],
            }
        )
    return out


def _detail(
    review: Review, tl: assembly.Timeline, event_id: int, notes: Any
) -> dict[str, Any] | None:
    event: Event | None = next((e for e in tl.chronology.events if e.id == event_id), None)
    if event is None:
        return None
    status = None
    if event.staff_id is not None:
        member = db.session.get(StaffMember, event.staff_id)
        status = status_at(
            member,
            event.staff_id,
            event.staff or "",
            event.at,
            event.id,
            tl.chronology.records.get(event.staff_id, []),
            _weeks(),
        )
    return {
        "event": event,
        "status": status,
        "notes": [n for n in notes if n.evidence_id == event.id],
        "delays": [d for d in tl.delays if event.id in (d.start.id, d.answer and d.answer.id)],
    }


panes.register("timeline", "timeline/pane.html", pane_context)


@bp.get("/reviews/<int:review_id>/timeline/events/<int:event_id>")
def event_detail(review_id: int, event_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    view = View.from_args(request.args)
    if not g.htmx:
        return redirect(_pane_url(review.id, view.query(event=event_id)))
    try:
        tl = assembly.build(db.session, review, view.person, _weeks())
    except UnknownPerson:
        tl = assembly.build(db.session, review, None, _weeks())
    notes = db.session.scalars(
        select(Annotation).where(Annotation.review_id == review.id).order_by(Annotation.id)
    ).all()
    detail = _detail(review, tl, event_id, notes)
    if detail is None:
        abort(404)
    return render(
        "timeline/_detail.html",
        "detail",
        review=review,
        detail=detail,
        state=view.query(event=None),
        can_contribute=access.can(current_user, "contribute", review.service_id),
        errors={},
        values={},
        **_choices(),
    )


def _done(review: Review) -> Any:
    """After a change: the pane again, in the view the form was sent from."""
    return redirect(_pane_url(review.id, request.form.get("state", "")), 303)


def _refused(
    review: Review, exc: FieldErrors, partial: str, block: str, target: str, **extra: Any
) -> Any:
    """A form with its messages: into its own box for htmx, else on a page of its own."""
    db.session.rollback()
    context = {
        "review": review,
        "errors": exc.errors,
        "values": request.form,
        "state": request.form.get("state", ""),
        "can_contribute": True,
        **_choices(),
        **extra,
    }
    if g.htmx:
        body = render(partial, block, **context)
        return body, 422, {"HX-Retarget": target, "HX-Reswap": "outerHTML"}
    return render("timeline/form_page.html", "content", partial=partial, **context), 422


@bp.post("/reviews/<int:review_id>/timeline/annotations")
def add_annotation(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        standards.add_annotation(db.session, review, request.form, current_user.id)
        db.session.commit()
    except FieldErrors as exc:
        form_id = request.form.get("form_id", "tl-assume")
        if form_id not in ("tl-assume", "tl-annotate"):
            form_id = "tl-assume"
        return _refused(
            review,
            exc,
            "timeline/_annotation_form.html",
            "annotation_form",
            f"#{form_id}",
            form_id=form_id,
            event_id=request.form.get("evidence_id", ""),
        )
    return _done(review)


@bp.post("/reviews/<int:review_id>/timeline/annotations/<int:annotation_id>/delete")
def remove_annotation(review_id: int, annotation_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        standards.remove_annotation(db.session, review, annotation_id)
        db.session.commit()
    except FieldErrors:
        db.session.rollback()
        abort(404)
    return _done(review)


@bp.post("/reviews/<int:review_id>/timeline/marks")
def toggle_mark(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        standards.toggle_mark(
            db.session,
            review,
            request.form.get("evidence_id"),
            request.form.get("event_type", ""),
            current_user.id,
        )
        db.session.commit()
    except FieldErrors:
        db.session.rollback()
        abort(422)
    return _done(review)


@bp.post("/reviews/<int:review_id>/timeline/events")
def add_manual_event(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        row = standards.add_manual_event(db.session, review, request.form, current_user.id)
        db.session.commit()
    except FieldErrors as exc:
        return _refused(review, exc, "timeline/_manual_form.html", "manual_form", "#tl-manual")
    view = View.from_args(_state_args())
    return redirect(_pane_url(review.id, view.query(event=row.id)), 303)


def _state_args() -> MultiDict[str, str]:
    return MultiDict(parse_qsl(request.form.get("state", "")))


@bp.post("/reviews/<int:review_id>/timeline/standards")
def add_standard(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "admin")
    try:
        standards.add_standard(db.session, review.service_id, request.form)
        db.session.commit()
    except FieldErrors as exc:
        return _refused(
            review, exc, "timeline/_standard_form.html", "standard_form", "#tl-standard-form"
        )
    return _done(review)


@bp.post("/reviews/<int:review_id>/timeline/standards/<int:standard_id>/delete")
def remove_standard(review_id: int, standard_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "admin")
    try:
        standards.remove_standard(db.session, review.service_id, standard_id)
        db.session.commit()
    except FieldErrors:
        db.session.rollback()
        abort(404)
    return _done(review)
