"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from rca.accounts import directory
from rca.accounts.login import close_session, open_session, sign_in
from rca.accounts.sessions import SESSION_KEY
from rca.db import db
from rca.validation import FieldErrors

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
            open_session(result.user)
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
    close_session("signed-out")
    flash("You have signed out.")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            directory.change_password(
                current_user,
                request.form.get("current_password", ""),
                request.form.get("new_password", ""),
                request.form.get("confirm_password", ""),
                keep_session=cookie_session.get(SESSION_KEY),
            )
            db.session.commit()
        except FieldErrors as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            flash("Your password has been changed. Other sessions have been signed out.")
            return redirect(url_for("reviews.index"), 303)
    return render_template("accounts/password.html", errors=errors), (422 if errors else 200)
