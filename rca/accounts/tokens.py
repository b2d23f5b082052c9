"""API bearer tokens: created once, shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.accounts.models import ApiToken, User
from rca.db import utcnow

PREFIX = "rca_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), prefix=token[:12]))
    session.flush()
    return token


#: last_used_at is only rewritten when older than this, so a busy script does not turn every
#: read into a write.
TOUCH_EVERY = timedelta(minutes=1)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a live token belongs to (None when unknown, revoked or deactivated).

    Also records when the token was last used, for admins spotting stale tokens.
    """
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    return row.user


def revoke_token(session: Session, token_id: int) -> bool:
    row = session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True
