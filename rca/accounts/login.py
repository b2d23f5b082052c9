"""Flask-Login wiring and sign-in: the password check, the locks after failures
(``rca.accounts.limits``), the sign-in log, and opening and closing the server-side session
(``rca.accounts.sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from flask import session as cookie_session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.accounts import sessions
from rca.accounts.limits import Scope, SignInLimits, current_lock
from rca.accounts.models import SignInEvent, User
from rca.accounts.passwords import hash_password, needs_rehash, verify_password
from rca.db import db, utcnow

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie's user while its server-side session is live. A "remember me" cookie (never
    set here) brings no session secret, so it opens nothing either."""
    if not user_id.isdigit():
        return None
    return sessions.user_for(db.session, int(user_id), cookie_session.get(sessions.SESSION_KEY))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def open_session(user: User) -> None:
    """Sign ``user`` in on this browser: a new server-side session, its secret in the cookie."""
    secret = sessions.begin(db.session, user)
    db.session.commit()
    login_user(user)
    cookie_session[sessions.SESSION_KEY] = secret


def close_session(why: str) -> None:
    """End this browser's session on the server too, so no copy of its cookie works again."""
    sessions.end(db.session, cookie_session.get(sessions.SESSION_KEY), why)
    db.session.commit()
    logout_user()
    cookie_session.pop(sessions.SESSION_KEY, None)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    #: Seconds the caller must wait before another attempt is considered (0 when none).
    retry_after: int = 0
    #: What the lock is on when ``retry_after``: "account" or "client".
    scope: Scope | None = None


def sign_in(
    session: Session,
    email: str,
    password: str,
    remote_addr: str | None,
    *,
    limits: SignInLimits | None = None,
    now: datetime | None = None,
) -> SignInResult:
    """Check a password, unless a lock (``rca.accounts.limits``) refuses the attempt first; a
    refused attempt is not logged, so it does not lengthen the lock."""
    limits = limits or SignInLimits()
    now = now or utcnow()
    email = (email or "").strip().lower()[:254]
    client = (remote_addr or "")[:64] or None
    lock = current_lock(session, email, client, limits, now)
    if lock is not None:
        return SignInResult(None, lock.retry_after, lock.scope)
    user = session.scalars(select(User).where(func.lower(User.email) == email)).first()
    ok = verify_password(user.password_hash if user else None, password or "")
    ok = ok and user is not None and user.active
    session.add(
        SignInEvent(
            at=now,
            email=email,
            user_id=user.id if user else None,
            succeeded=bool(ok),
            remote_addr=client,
        )
    )
    if ok and user is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    return SignInResult(user if ok else None)
