"""Live sync without a second service: the audit trail is the change feed.

The change feed is the review's change token (``rca.audit.changes``): the newest History entry
of the review and their count, one indexed query, the same in every app process. Shared records
(users, services) are left out: a meeting redraws nothing for them.

Presence is an upsert of ``(review, user, last_seen)``, skipped while the row is fresh, so a room
of eight browsers polling every second writes about once per person every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.audit.changes import REVIEW_TOKEN, ChangeToken
from rca.db import utcnow
from rca.fishbone.meeting_models import MeetingPresence

#: A presence row younger than this is not rewritten.
PRESENCE_REFRESH = timedelta(seconds=5)
#: Someone seen within this window is "here".
PRESENCE_WINDOW = timedelta(seconds=10)


#: The poll's own token: the review's History alone. Shared records (services, users) change
#: rarely and are not worth a count over all of them on every poll of every browser.
_OWN = ChangeToken(shared=False)


def _said(newest: int | None, count: int) -> str:
    return f"{newest or 0}.{count}"


def change_token(session: Session, review_id: int) -> str:
    """A short string that changes whenever anything about the review changes (what the poll
    compares with the token its page was drawn with)."""
    newest, count = _OWN.read(session, review_id)
    return _said(newest, count)


def page_token(session: Session, review_id: int) -> str:
    """The same token for a page being drawn: taken from ``REVIEW_TOKEN``, whose first terms
    are the review's own, because the guidance panel on the same page reads that one anyway
    (one query for both)."""
    newest, count = REVIEW_TOKEN.read(session, review_id)[:2]
    return _said(newest, count)


def touch_presence(
    session: Session, review_id: int, user_id: int, now: datetime | None = None
) -> bool:
    """Record that the user has the review open; returns whether a row was written.

    Portable upsert: update the row if it is stale; insert when there is none; a concurrent
    insert from another process (the unique constraint) just means someone else did it.
    """
    now = now or utcnow()
    stale_before = now - PRESENCE_REFRESH
    row = session.scalar(
        select(MeetingPresence).where(
            MeetingPresence.review_id == review_id, MeetingPresence.user_id == user_id
        )
    )
    if row is not None:
        if row.last_seen >= stale_before:
            return False
        session.execute(
            update(MeetingPresence)
            .where(MeetingPresence.id == row.id, MeetingPresence.last_seen < stale_before)
            .values(last_seen=now)
        )
        return True
    try:
        with session.begin_nested():
            session.add(MeetingPresence(review_id=review_id, user_id=user_id, last_seen=now))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Present:
    user_id: int
    name: str
    last_seen: datetime


def present_users(session: Session, review_id: int, now: datetime | None = None) -> list[Present]:
    """Who had the review open in the last few seconds, by name."""
    since = (now or utcnow()) - PRESENCE_WINDOW
    rows = session.execute(
        select(MeetingPresence.user_id, User.name, MeetingPresence.last_seen)
        .join(User, User.id == MeetingPresence.user_id)
        .where(MeetingPresence.review_id == review_id, MeetingPresence.last_seen >= since)
        .order_by(User.name)
    ).all()
    return [Present(uid, name, seen) for uid, name, seen in rows]
