"""Actions as iCalendar (``icalendar``): one action's file, and each user's private feed.

Each action gives an all-day event on its due date and one on every review point, with a
reminder (VALARM) the day before at 09:00 local time of the calendar app. UIDs are stable
(``action-12-due@rca-workbench``, ``review-point-40@rca-workbench``) so a subscribed calendar
updates events rather than duplicating them; DTSTAMP is the action's last change. Summaries carry
the review reference and the action's words with the names of in-scope people supported replaced
by their pseudonyms, and never anything else about them. Nothing is sent: calendar apps fetch.

The feed URL holds a random token stored only as SHA-256 (like API tokens); rotating it revokes
the old one; a revoked or unknown token answers 404.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.actions.models import Action, CalendarFeed
from rca.db import utcnow
from rca.provider.models import Service
from rca.reviews.models import Review
from rca.wording import excerpt

PREFIX = "cal_"
DOMAIN = "rca-workbench"
SUMMARY_WORDS = 80


def _scrub(text: str, review: Review) -> str:
    """The text with in-scope people supported named only by pseudonym."""
    for link in review.people:
        person = link.person
        for known in (getattr(person, "name", None), getattr(person, "reference", None)):
            if known and len(known) > 2:
                text = re.sub(re.escape(known), link.pseudonym, text, flags=re.IGNORECASE)
    return text


def _alarm(description: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    # The day before, at 09:00 of the all-day event's day minus 15 hours.
    alarm.add("trigger", timedelta(hours=-15))
    return alarm


def _event(uid: str, on, summary: str, description: str, stamp) -> Event:  # type: ignore[no-untyped-def]
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(summary))
    return event


def action_events(action: Action, review: Review) -> list[Event]:
    what = excerpt(_scrub(action.text, review), SUMMARY_WORDS)
    stamp = action.updated_at or utcnow()
    detail = f"{review.reference} action #{action.id}. Owner: {action.owner_label or 'not named'}."
    if action.measure:
        detail += f" Measure: {_scrub(action.measure, review)}."
    if action.target:
        detail += f" Target: {_scrub(action.target, review)}."
    events = []
    if action.due is not None:
        events.append(
            _event(
                f"action-{action.id}-due@{DOMAIN}",
                action.due,
                f"Due: {what} ({review.reference})",
                detail,
                stamp,
            )
        )
    for point in action.review_points:
        events.append(
            _event(
                f"review-point-{point.id}@{DOMAIN}",
                point.on,
                f"Review point: {what} ({review.reference})",
                detail,
                stamp,
            )
        )
    return events


def calendar(name: str, pairs: Iterable[tuple[Action, Review]]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//RCA Workbench//Actions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for action, review in pairs:
        for event in action_events(action, review):
            cal.add_component(event)
    return cal.to_ical()


def action_calendar(action: Action, review: Review) -> bytes:
    return calendar(f"{review.reference} action #{action.id}", [(action, review)])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed(session: Session, user: User) -> CalendarFeed | None:
    return session.scalars(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
    ).first()


def revoke_feed(session: Session, user: User) -> bool:
    rows = session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
    session.flush()
    return bool(rows)


def issue_feed(session: Session, user: User) -> str:
    """A new feed token for the user (shown once); any earlier one stops working."""
    revoke_feed(session, user)
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(CalendarFeed(user_id=user.id, token_hash=_digest(token), prefix=token[:12]))
    session.flush()
    return token


def user_for_feed(session: Session, token: str) -> User | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalars(
        select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


def feed_calendar(session: Session, user: User) -> bytes:
    """The user's own actions (not cancelled) at services they can still see."""
    stmt = (
        select(Action, Review)
        .join(Review, Review.id == Action.review_id)
        .join(Service, Service.id == Review.service_id)
        .where(Action.owner_user_id == user.id, Action.status != "cancelled")
        .order_by(Action.id)
    )
    stmt = access.restrict_to_visible(stmt, user, Review.service_id)
    pairs = [(a, r) for a, r in session.execute(stmt)]
    return calendar(f"RCA actions: {user.name}", pairs)
