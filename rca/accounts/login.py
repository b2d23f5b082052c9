"""Flask-Login wiring and sign-in: password check, slowing repeated failures, the sign-in log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask_login import LoginManager
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from rca.accounts.models import SignInEvent, User
from rca.accounts.passwords import hash_password, needs_rehash, verify_password
from rca.db import db, utcnow

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"


#: Built once: constructing the loader option per request cost more than the join saved.
_WITH_MEMBERSHIPS = [joinedload(User.memberships)]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    uid, _, nonce = user_id.partition(":")
    if not uid.isdigit():
        return None
    # Memberships joined into the same query (one round trip, not the relationship's second
    # selectin query): every request checks roles (access.can) right after.
    user = db.session.get(User, int(uid), options=_WITH_MEMBERSHIPS)
    if user is None or str(user.session_nonce) != nonce or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    #: Seconds the caller must wait before another attempt is considered (0 when none).
    retry_after: int = 0


def _wait_seconds(session: Session, email: str, free: int, window_minutes: int) -> int:
    """Delay after repeated failures: doubles from 30 s per extra failure, at most 15 minutes.

    Counted from the database so every app process agrees.
    """
    since = utcnow() - timedelta(minutes=window_minutes)
    failures = session.scalars(
        select(SignInEvent.at)
        .where(SignInEvent.email == email, SignInEvent.at >= since, ~SignInEvent.succeeded)
        .order_by(SignInEvent.at.desc())
        .limit(64)
    ).all()
    last_success = session.scalar(
        select(func.max(SignInEvent.at)).where(SignInEvent.email == email, SignInEvent.succeeded)
    )
    if last_success:
        failures = [f for f in failures if f > last_success]
    if len(failures) < free:
        return 0
    delay = min(30 * 2 ** (len(failures) - free), 15 * 60)
    remaining = (failures[0] + timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0, int(remaining + 0.999))


def sign_in(
    session: Session,
    email: str,
    password: str,
    remote_addr: str | None,
    *,
    free_failures: int = 5,
    window_minutes: int = 15,
) -> SignInResult:
    email = (email or "").strip().lower()[:254]
    wait = _wait_seconds(session, email, free_failures, window_minutes)
    if wait:
        return SignInResult(None, wait)
    user = session.scalars(select(User).where(func.lower(User.email) == email)).first()
    ok = verify_password(user.password_hash if user else None, password or "")
    ok = ok and user is not None and user.active
    session.add(
        SignInEvent(
            email=email,
            user_id=user.id if user else None,
            succeeded=bool(ok),
            remote_addr=(remote_addr or "")[:64] or None,
        )
    )
    if ok and user is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    return SignInResult(user if ok else None)
