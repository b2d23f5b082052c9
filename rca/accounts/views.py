"""Sign in and sign out."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from rca.accounts import directory
from rca.accounts.limits import SignInLimits
from rca.accounts.login import close_session, open_session, sign_in
from rca.accounts.sessions import SESSION_KEY
from rca.db import db, utcnow
from rca.validation import FieldErrors

bp = Blueprint("accounts", __name__, template_folder="templates")

GENERIC_FAILURE = "The email address or password is not right."
LOCKED = {
    "account": "Too many failed attempts for this account. Wait {wait}, then try again.",
    "client": "Too many failed attempts from this network address. Wait {wait}, then try again.",
}


def _wait_words(seconds: int) -> str:
    """How long to wait, as people say it: seconds under two minutes, else whole minutes."""
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{-(-seconds // 60)} minutes"


def _clock() -> datetime:
    """Now, or the test's clock (``SIGNIN_CLOCK``, a callable) so lock expiry can be tested."""
    clock = current_app.config.get("SIGNIN_CLOCK")
    return clock() if clock else utcnow()


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
    result = None
    if request.method == "POST" and form.validate_on_submit():
        result = sign_in(
            db.session,
            request.form.get("email", ""),
            request.form.get("password", ""),
            request.remote_addr,
            limits=SignInLimits.from_config(current_app.config),
            now=_clock(),
        )
        if result.user is not None:
            open_session(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.retry_after:
            error = LOCKED[result.scope or "account"].format(wait=_wait_words(result.retry_after))
            status = 429
        else:
            error = GENERIC_FAILURE
            status = 401
    page = render_template(
        "accounts/login.html", form=form, error=error, email=request.form.get("email", "")
    )
    headers = {"Retry-After": str(result.retry_after)} if result and result.retry_after else {}
    return page, status, headers


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
