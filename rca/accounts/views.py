"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from rca.accounts.login import sign_in
from rca.db import db

bp = Blueprint("accounts", __name__, template_folder="templates")

GENERIC_FAILURE = "The email address or password is not right."


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to bounce users elsewhere."""
    if not target:
        return url_for("reviews.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("reviews.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = FlaskForm()
    error = None
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        result = sign_in(
            db.session,
            request.form.get("email", ""),
            request.form.get("password", ""),
            request.remote_addr,
            free_failures=current_app.config["SIGNIN_FREE_FAILURES"],
            window_minutes=current_app.config["SIGNIN_WINDOW_MINUTES"],
        )
        if result.user is not None:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.retry_after:
            error = (
                "Too many failed attempts for this address. "
                f"Wait {result.retry_after} seconds, then try again."
            )
            status = 429
        else:
            error = GENERIC_FAILURE
            status = 401
    return (
        render_template(
            "accounts/login.html", form=form, error=error, email=request.form.get("email", "")
        ),
        status,
    )


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("accounts.login"))
