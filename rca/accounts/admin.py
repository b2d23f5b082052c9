"""Admin screens: services, users and their roles per service, and the sign-in log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from rca import access
from rca.accounts import directory
from rca.accounts.models import ROLES, SignInEvent, User
from rca.db import db
from rca.provider.models import NATIONS, SERVICE_KINDS, Service
from rca.validation import FieldErrors

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@login_required
def require_admin() -> None:
    if not access.is_admin(current_user):
        abort(404)


def _page(errors: dict[str, str] | None = None, values: Any = None, status: int = 200) -> Any:
    services = db.session.scalars(select(Service).order_by(Service.name)).all()
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template(
        "accounts/admin.html",
        services=services,
        users=users,
        roles=list(ROLES.items()),
        kinds=list(SERVICE_KINDS.items()),
        nations=list(NATIONS.items()),
        errors=errors or {},
        values=values or {},
    ), status


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    return _page()


def _apply(change: Any) -> Any:
    try:
        change()
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return _page(exc.errors, request.form, 422)
    return redirect(url_for("admin.index"), 303)


@bp.post("/services")
def add_service():  # type: ignore[no-untyped-def]
    return _apply(lambda: directory.add_service(db.session, request.form))


@bp.post("/users")
def add_user():  # type: ignore[no-untyped-def]
    return _apply(
        lambda: directory.add_user(db.session, request.form, request.form.getlist("services"))
    )


@bp.post("/users/<int:user_id>/roles")
def set_roles(user_id: int):  # type: ignore[no-untyped-def]
    user = db.session.get(User, user_id) or abort(404)
    return _apply(
        lambda: directory.set_roles(
            user, request.form.get("role"), request.form.getlist("services"), current_user
        )
    )


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):  # type: ignore[no-untyped-def]
    user = db.session.get(User, user_id) or abort(404)
    return _apply(
        lambda: directory.set_active(user, request.form.get("active") == "1", current_user)
    )


@bp.get("/sign-ins")
def sign_ins():  # type: ignore[no-untyped-def]
    events = db.session.scalars(
        select(SignInEvent).order_by(SignInEvent.at.desc()).limit(300)
    ).all()
    return render_template("accounts/sign_ins.html", events=events)
