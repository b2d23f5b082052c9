"""Request-wide protections: CSRF, refusing unstorable text (``text_guard``), security headers,
idle session expiry and error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from rca import text_guard
from rca.accounts.login import close_session
from rca.db import db, utcnow

csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def background(view: F) -> F:
    """Mark a view as a background poll (live changes, progress bars): it is checked for idle
    expiry like any request, but does not count as activity, so a screen left open and polling
    still signs out after the idle limit."""
    view.background_poll = True  # type: ignore[attr-defined]
    return view


def _is_background(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "background_poll", False))


def _page_path(url: str) -> str | None:
    """The path (and query) of the page htmx was on, to return to after signing in again."""
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def init_app(app: Flask) -> None:

    csrf.init_app(app)
    text_guard.init_app(app)  # after the CSRF check: a forged request learns nothing
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])

    @app.before_request
    def expire_idle_session() -> Response | None:
        if wants_json() or request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            return None
        now = utcnow().timestamp()
        last = session.get("last_seen", now)
        idle = now - float(last)
        if idle > app.config["SESSION_IDLE_MINUTES"] * 60:
            close_session("idle")  # on the server too: a fresher copy of the cookie dies with it
            session.clear()
            flash("You were signed out after a period of inactivity. Please sign in again.")
            if request.headers.get("HX-Request"):
                resp = Response(status=204)
                back = _page_path(request.headers.get("HX-Current-URL", ""))
                resp.headers["HX-Redirect"] = url_for("accounts.login", next=back)
                return resp
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        session.permanent = True
        if not _is_background(app):
            session["last_seen"] = now
        return None

    @app.after_request
    def security_headers(resp: Response) -> Response:
        h = resp.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and resp.mimetype == "text/html":
            # Care data must not linger in shared browsers' caches.
            h.setdefault("Cache-Control", "no-store")
        # htmx swaps differ from full pages at the same URL; caches must keep them apart.
        h.add("Vary", "HX-Request")
        return resp

    def error_page(code: int, title: str, message: str) -> tuple[Response | str, int]:
        if wants_json():
            return jsonify({"error": message, "field": None}), code
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
        return error_page(
            400,
            "This form has expired",
            "The form was missing its security token or the token had expired, so nothing "
            "was saved. Go back, reload the page and try again.",
        )

    @app.errorhandler(404)
    def not_found(exc: Exception):  # type: ignore[no-untyped-def]
        return error_page(404, "Not found", "There is nothing here, or you do not have access.")

    @app.errorhandler(403)
    def forbidden(exc: Exception):  # type: ignore[no-untyped-def]
        return error_page(
            403, "Not allowed", "Your role at this service does not allow this change."
        )

    @app.errorhandler(413)
    def too_large(exc: Exception):  # type: ignore[no-untyped-def]
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return error_page(
            413, "Upload too large", f"The upload is over the {limit} MB limit; nothing was saved."
        )

    @app.errorhandler(StaleDataError)
    def lost_race(exc: StaleDataError):  # type: ignore[no-untyped-def]
        # A save that lost a race for a versioned row where no screen has its own conflict
        # answer: the session cannot be used until it is rolled back.
        db.session.rollback()
        return error_page(
            409,
            "Changed at the same moment",
            "Someone else saved this at the same moment, so your change was not saved. "
            "Reload the page and make your change again.",
        )

    @app.errorhandler(PoolTimeout)
    def pool_exhausted(exc: PoolTimeout):  # type: ignore[no-untyped-def]
        # Every pooled database connection stayed busy for DB_POOL_TIMEOUT seconds: the server is
        # overloaded, not broken, so say so and when to come back rather than answering 500.
        resp, code = error_page(
            503,
            "Busy",
            "The server is too busy to answer just now; nothing was saved. Try again in a moment.",
        )
        return resp, code, {"Retry-After": "5"}

    @app.errorhandler(405)
    def not_allowed(exc: Exception):  # type: ignore[no-untyped-def]
        return error_page(405, "Method not allowed", "This address does not accept that request.")

    @app.before_request
    def remember_htmx() -> None:
        # A history restore (back button after htmx pushed a URL) needs the whole page, not a
        # fragment: htmx keeps no local history cache here, so care data never sits in
        # localStorage (historyCacheSize is 0 in base.html).
        g.htmx = bool(request.headers.get("HX-Request")) and not request.headers.get(
            "HX-History-Restore-Request"
        )
