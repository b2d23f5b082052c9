"""The governance dashboard and the quality-meeting pack.

``/learning/dashboard?service=A&service=B&kind=&since=&until=``: the filters live in the URL, so
back, refresh and bookmarks keep them, and mean what they mean on the Learning page (the scope is
``rca.graph.scope.scope_for``: only services the reader may see; a period ending before it starts
is refused at the field). ``POST /learning/dashboard/pack`` issues the pack for the same filters;
``/learning/packs/<id>.pdf`` hands an issued pack back, byte for byte, to a reader who may see
every service it covers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from rca import access
from rca.db import db, today_london
from rca.governance import dashboard_charts, meeting_pack
from rca.governance.dashboard import AGE_BANDS
from rca.governance.dashboard_charts import month_label
from rca.governance.pack_models import IssuedPack
from rca.graph.scope import scope_for, service_codes
from rca.provider.models import SERVICE_KINDS
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("dashboard", __name__, template_folder="templates")

PAGE = "governance/dashboard.html"


@bp.before_request
@login_required
def require_login() -> None:
    """Every dashboard screen needs a signed-in user."""


def _form(args: MultiDict[str, str], errors: dict[str, str] | None = None) -> dict[str, Any]:
    visible = access.visible_service_ids(current_user)
    return {
        "services": access.services_for(current_user),
        "kinds": SERVICE_KINDS,
        "values": args,
        "chosen": service_codes(args),
        "errors": errors or {},
        "packs": [p for p in meeting_pack.issued_packs(db.session) if p.may_open(visible)],
    }


def _page(errors: dict[str, str]) -> tuple[str, int]:
    return render(PAGE, "board", d=None, **_form(request.args, errors)), 422


@bp.get("/learning/dashboard")
def page():  # type: ignore[no-untyped-def]
    try:
        scope = scope_for(db.session, current_user, request.args)
    except FieldErrors as exc:
        return _page(exc.errors)
    d, svgs = dashboard_charts.drawn(db.session, scope, today_london())
    charts = dashboard_charts.marked_up(svgs)
    return render(
        PAGE,
        "board",
        d=d,
        charts=charts,
        keys=dashboard_charts.keys(d),
        bands=[name for name, _ in AGE_BANDS],
        month_label=month_label,
        **_form(request.args),
    )


@bp.post("/learning/dashboard/pack")
def issue_pack():  # type: ignore[no-untyped-def]
    """Issue the pack for the filters the form carries; then hand it over."""
    try:
        scope = scope_for(db.session, current_user, request.form)
    except FieldErrors as exc:
        return render(PAGE, "board", d=None, **_form(request.form, exc.errors)), 422
    record = meeting_pack.issue(
        db.session,
        scope,
        today=today_london(),
        user_id=current_user.id,
        provider=current_app.config.get("PROVIDER_NAME") or "",
    )
    db.session.commit()
    return redirect(url_for("dashboard.pack", pack_id=record.id), code=303)


@bp.get("/learning/packs/<int:pack_id>.pdf")
def pack(pack_id: int) -> Response:
    record = db.session.get(IssuedPack, pack_id)
    if record is None or not record.may_open(access.visible_service_ids(current_user)):
        abort(404)
    response = Response(record.pdf, mimetype="application/pdf")
    name = f"quality-meeting-pack-{record.since.isoformat()}-{record.until.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-SHA256"] = record.sha256
    response.headers["Cache-Control"] = "no-store"
    return response
