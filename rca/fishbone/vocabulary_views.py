"""The contributory-factor vocabulary's admin screen: list, add, retire and restore factors.

Admins only (anyone else gets 404, as with the other admin screens). Routes hang off the
fishbone blueprint; ``rca.fishbone.views`` imports this module (a cycle on purpose, as in
``rca.actions.views``: importing the blueprint brings every route).
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from rca import access
from rca.db import db
from rca.fishbone import vocabulary
from rca.fishbone.frameworks import DEFAULT_FRAMEWORK, FRAMEWORKS
from rca.fishbone.views import bp
from rca.validation import FieldErrors


def _admin_only() -> None:
    if not access.is_admin(current_user):
        abort(404)


def _page(errors: dict[str, str] | None = None, values: Any = None, status: int = 200) -> Any:
    framework = FRAMEWORKS[DEFAULT_FRAMEWORK]
    factors = vocabulary.factors(db.session, include_retired=True)
    grouped = [(c, [f for f in factors if f.category == c.key]) for c in framework.categories]
    return render_template(
        "fishbone/factors.html",
        grouped=grouped,
        categories=[(c.key, c.label) for c in framework.categories],
        errors=errors or {},
        values=values or {},
    ), status


@bp.get("/admin/contributory-factors")
def factors() -> Any:
    _admin_only()
    return _page()


@bp.post("/admin/contributory-factors")
def add_factor() -> Any:
    _admin_only()
    try:
        vocabulary.add_factor(db.session, request.form, current_user.id)
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return _page(exc.errors, request.form, 422)
    return redirect(url_for("fishbone.factors"), 303)


@bp.post("/admin/contributory-factors/<int:factor_id>/active")
def set_factor_active(factor_id: int) -> Any:
    _admin_only()
    try:
        vocabulary.set_active(db.session, factor_id, request.form.get("active") == "1")
        db.session.commit()
    except FieldErrors:
        db.session.rollback()
        abort(404)
    return redirect(url_for("fishbone.factors") + f"#factor-{factor_id}", 303)
