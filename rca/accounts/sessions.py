"""Sign-in sessions kept on the server, so that signing out ends a session for good.

Flask's session cookie is signed, not stored: before this, a copy of the cookie taken before
``POST /logout`` went on working. Now each sign-in writes a ``UserSession`` row and puts a random
secret beside Flask-Login's user id in the cookie (``SESSION_KEY``); the user loader opens the
request only while that row is live. Signing out ends that row only (the user's other browsers
carry on); a password change ends the user's other sessions, deactivation ends all of them.
API tokens are separate credentials and are not touched.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from rca.accounts.models import Membership, User, UserSession
from rca.db import utcnow

#: Where the secret sits in Flask's session.
SESSION_KEY = "sid"
#: Why a session ended, as recorded in ``UserSession.ended_why``.
ENDINGS = {
    "signed-out": "Signed out",
    "password-changed": "Password changed in another session",
    "deactivated": "Account deactivated",
    "idle": "Signed out after inactivity",
}

#: Built once: the loader runs on every request. Access checks read each membership's role and
#: service id only, so its service (joined by default) is not loaded here.
_WITH_MEMBERSHIPS = joinedload(User.memberships).lazyload(Membership.service)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def begin(session: Session, user: User) -> str:
    """Record a new sign-in of ``user``; answers the secret for the cookie (shown nowhere else)."""
    secret = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, secret_hash=_digest(secret)))
    return secret


#: Built once, bound per request: the loader runs on every request.
_USER_FOR = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        User.active,
        UserSession.secret_hash == bindparam("secret_hash"),
        UserSession.ended_at.is_(None),
    )
    .options(_WITH_MEMBERSHIPS)
)


def user_for(session: Session, user_id: int, secret: object) -> User | None:
    """The active user whose live session this is, with their roles (one query), or None."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        return None
    found = session.scalars(_USER_FOR, {"user_id": user_id, "secret_hash": _digest(secret)})
    return found.unique().first()


def end(session: Session, secret: object, why: str) -> None:
    """End the one session holding ``secret`` (nothing when it is unknown or already ended)."""
    if isinstance(secret, str) and secret:
        _end(session, why, UserSession.secret_hash == _digest(secret))


def end_all(session: Session, user: User, why: str, *, keep: object = None) -> None:
    """End every live session of ``user``, except the one holding ``keep``."""
    where = [UserSession.user_id == user.id]
    if isinstance(keep, str) and keep:
        where.append(UserSession.secret_hash != _digest(keep))
    _end(session, why, *where)


def _end(session: Session, why: str, *where: object) -> None:
    assert why in ENDINGS, why
    session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None), *where)  # type: ignore[arg-type]
        .values(ended_at=utcnow(), ended_why=why)
    )
