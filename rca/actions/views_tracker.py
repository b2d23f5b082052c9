"""The action tracker, My actions, their exports, the Calendar screen and the calendar feed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, current_app, g, request, url_for
from flask_login import current_user

from rca import access
from rca.actions import exports, ics
from rca.actions import tracker as tracking
from rca.actions.models import Action
from rca.actions.views import CHANGED, bp
from rca.db import db, today_london
from rca.templating import render


def _filters(mine: bool) -> tracking.TrackerFilters:
    f = tracking.TrackerFilters.from_args(request.args)
    return replace(f, mine=current_user.id) if mine else f


def _page(mine: bool) -> Any:
    f = _filters(mine)
    today = today_london()
    page = tracking.tracker_page(db.session, current_user, f, today)
    endpoint = "actions.mine" if mine else "actions.tracker"
    return render(
        "actions/tracker.html",
        "tracker",
        page=page,
        filters=f,
        mine=mine,
        base=url_for(endpoint),
        exports={fmt: _export_url(fmt, f, mine) for fmt in ("csv", "xlsx")},
        views=tracking.VIEWS,
        groups=tracking.GROUPS,
        services=access.services_for(current_user),
        today=today,
        # Built once: url_for per row costs more than the rows' own rendering.
        pane_base=url_for("reviews.pane", review_id=0, pane="actions").replace("/0/", "/{}/"),
    )


def _export_url(fmt: str, f: tracking.TrackerFilters, mine: bool) -> str:
    query = "&".join(q for q in (f.query(page=1), "mine=1" if mine else "") if q)
    url = url_for("actions.export", fmt=fmt)
    return f"{url}?{query}" if query else url


@bp.get("/actions")
def tracker():  # type: ignore[no-untyped-def]
    return _page(mine=False)


@bp.get("/actions/mine")
def mine():  # type: ignore[no-untyped-def]
    return _page(mine=True)


@bp.get("/actions/export.<fmt>")
def export(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in ("csv", "xlsx"):
        abort(404)
    f = _filters(mine=request.args.get("mine") == "1")
    cells = tracking.export_cells(db.session, current_user, f, today_london())
    stamp = today_london().isoformat()
    if fmt == "csv":
        body: Any = exports.csv_text(tracking.EXPORT_COLUMNS, cells)
        mimetype = "text/csv"
    else:
        body = exports.xlsx_bytes(tracking.EXPORT_COLUMNS, cells)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = current_app.response_class(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="actions-{stamp}.{fmt}"'
    return resp


def _feed_url(token: str) -> str:
    return url_for("actions.feed", token=token, _external=True)


@bp.get("/actions/calendar")
def calendar_screen():  # type: ignore[no-untyped-def]
    feed = ics.live_feed(db.session, current_user)
    return render("actions/calendar.html", "calendar", feed=feed, new_url=None)


@bp.post("/actions/calendar")
def calendar_change():  # type: ignore[no-untyped-def]
    what = request.form.get("do")
    new_url = None
    if what == "rotate":
        new_url = _feed_url(ics.issue_feed(db.session, current_user))
    elif what == "revoke":
        ics.revoke_feed(db.session, current_user)
    else:
        abort(400)
    db.session.commit()
    feed = ics.live_feed(db.session, current_user)
    body = render("actions/calendar.html", "calendar", feed=feed, new_url=new_url)
    # The new URL is shown once, on this answer only; never cached.
    return body, 200, {"Cache-Control": "no-store", **(CHANGED if g.htmx else {})}


@bp.get("/calendar/<token>.ics")
def feed(token: str):  # type: ignore[no-untyped-def]
    user = ics.user_for_feed(db.session, token)
    if user is None:
        abort(404)
    body = ics.feed_calendar(db.session, user)
    db.session.commit()  # last_used_at
    resp = current_app.response_class(body, mimetype="text/calendar")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/actions/<int:action_id>/calendar.ics")
def action_ics(action_id: int):  # type: ignore[no-untyped-def]

    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    review = access.review_for(current_user, action.review_id)
    resp = current_app.response_class(ics.action_calendar(action, review), mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'attachment; filename="action-{action.id}.ics"'
    return resp
