"""Load the demo provider through the same domain functions the screens use.

Reviews are built step by step with ``lifecycle`` and ``scope`` inside ``acting_as`` the demo user
who would have taken each step, so every History pane shows a believable trail. The audit hook
stamps entries with the time of the flush; the loader then moves each step's entries (and the
reviews' created/updated times) back to the day the step happened, so the trail reads like months
of work rather than one second of loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import Membership, User
from rca.accounts.passwords import hash_password
from rca.audit.models import AuditEntry
from rca.audit.recorder import acting_as
from rca.db import LONDON, db
from rca.demo import data, stories
from rca.demo.learning import load_history
from rca.demo.steps import HANDLERS, DemoContext, steps_for
from rca.guidance.models import GuidanceOverride
from rca.provider.models import PersonSupported, Service, StaffMember
from rca.reviews import lifecycle, scope
from rca.reviews.models import Review

#: When the provider's services, staff and accounts were set up in the workbench.
SETUP_AT = "2026-01-12 09:00"


class DemoError(Exception):
    """The demo cannot be loaded (or reset) as asked; the message says why."""


@dataclass(frozen=True)
class LoadedReview:
    reference: str
    service: str
    title: str
    stage: str
    depth: str
    overridden: bool


def _utc(text: str) -> datetime:
    """A UK wall-clock time from the demo data, as the aware UTC datetime the database keeps."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON).astimezone(UTC)


def existing_data(session: Session) -> dict[str, int]:
    """Row counts of the tables that mean "this database is in use" (all zero when empty)."""
    return {
        "services": session.scalar(select(func.count(Service.id))) or 0,
        "users": session.scalar(select(func.count(User.id))) or 0,
        "reviews": session.scalar(select(func.count(Review.id))) or 0,
    }


def is_demo_only(session: Session) -> bool:
    """Whether every service and user in the database is one the demo created."""
    codes = set(session.scalars(select(Service.code)))
    emails = set(session.scalars(select(User.email)))
    demo_codes = {s["code"] for s in data.SERVICES}
    return codes <= demo_codes and all(e.endswith("@" + data.EMAIL_DOMAIN) for e in emails)


def empty_database(session: Session) -> None:
    """Delete every row of every table (children first); the schema and its version stay."""
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()


class _Clock:
    """Moves the audit entries written since the last mark to a chosen time."""

    def __init__(self, session: Session):
        self.session = session
        self.mark = self._last_id()

    def _last_id(self) -> int:
        return self.session.scalar(select(func.max(AuditEntry.id))) or 0

    def stamp(self, at: datetime) -> None:
        self.session.flush()
        self.session.execute(
            update(AuditEntry.__table__).where(AuditEntry.id > self.mark).values(at=at)
        )
        self.mark = self._last_id()


def load(session: Session, today: date) -> list[LoadedReview]:
    """Create the demo provider in an empty database and commit; returns the reviews made."""
    if any(existing_data(session).values()):
        raise DemoError("The database already holds data.")
    clock = _Clock(session)
    setup_at = _utc(SETUP_AT)
    with acting_as(None, "cli"):
        services = _services(session, setup_at)
        staff = _staff(session, services, setup_at)
        _people(session, services, setup_at)
        users = _users(session, services, setup_at)
        clock.stamp(setup_at)
    loaded = [
        _review(session, clock, spec, services, staff, users, today) for spec in stories.REVIEWS
    ]
    # The two years of earlier reviews the learning figures read (rca.demo.learning).

    loaded += [_loaded(review) for review in load_history(session, clock, users, today)]
    session.commit()
    return loaded


def _services(session: Session, at: datetime) -> dict[str, Service]:
    services = {s["code"]: Service(nation="ENG", created_at=at, **s) for s in data.SERVICES}
    session.add_all(services.values())
    session.flush()
    return services


def _staff(session: Session, services: dict[str, Service], at: datetime) -> dict[str, int]:
    """Adds the staff register; returns staff ids by name (names are unique in the demo)."""
    members = [
        StaffMember(
            service_id=services[code].id,
            name=name,
            role=title,
            employment=employment,
            start_date=date.fromisoformat(start),
            managerial=managerial,
            created_at=at,
        )
        for code, name, title, employment, start, managerial in data.STAFF
    ]
    session.add_all(members)
    session.flush()
    return {m.name: m.id for m in members}


def _people(session: Session, services: dict[str, Service], at: datetime) -> None:
    session.add_all(
        PersonSupported(service_id=services[code].id, reference=ref, created_at=at)
        for code, refs in data.PEOPLE.items()
        for ref in refs
    )


def _users(session: Session, services: dict[str, Service], at: datetime) -> dict[str, User]:
    # One hash for the one shared demo password: argon2 is deliberately slow, and salting each
    # account separately would protect nothing when the password is printed on screen anyway.
    password_hash = hash_password(data.DEMO_PASSWORD)
    users: dict[str, User] = {}
    for spec in data.USERS:
        user = User(email=spec.email, name=spec.name, password_hash=password_hash, created_at=at)
        codes: tuple[str | None, ...] = spec.services if spec.services is not None else (None,)
        for code in codes:
            service_id = services[code].id if code else None
            user.memberships.append(Membership(role=spec.role, service_id=service_id))
        session.add(user)
        users[spec.key] = user
    session.flush()
    return users


def _review(
    session: Session,
    clock: _Clock,
    spec: dict[str, Any],
    services: dict[str, Service],
    staff: dict[str, int],
    users: dict[str, User],
    today: date,
) -> LoadedReview:
    triage = {"service": spec["service"], **spec["triage"]}
    review: Review | None = None
    context = DemoContext(staff=staff, users=users, today=today, memory={})
    steps = steps_for(spec)
    for step in steps:
        actor = users[step.actor]
        with acting_as(actor.id, "cli"):
            if step.action == "create":
                review = lifecycle.create_review(session, actor, triage, today)
            else:
                assert review is not None, "the first step must create the review"
                if not access.can(actor, "edit", review.service_id):
                    raise DemoError(f"{step.actor} cannot edit {review.reference}")
                _apply(session, review, step, triage, context)
            clock.stamp(_utc(step.at))
    assert review is not None
    first, last = _utc(steps[0].at), _utc(steps[-1].at)
    # Core UPDATE (not the ORM) so neither the audit hook nor the version counter sees it.
    session.execute(
        update(Review.__table__)
        .where(Review.id == review.id)
        .values(created_at=first, updated_at=last)
    )
    return _loaded(review)


def _loaded(review: Review) -> LoadedReview:
    return LoadedReview(
        review.reference,
        review.service.code,
        review.title,
        review.stage,
        review.depth,
        review.depth != review.recommended_depth,
    )


def _apply(
    session: Session,
    review: Review,
    step: stories.Step,
    triage: dict[str, Any],
    context: DemoContext,
) -> None:
    staff, users, today = context.staff, context.users, context.today
    if step.action == "triage":
        triage.update(step.data)
        lifecycle.update_triage(session, review, triage, today)
    elif step.action == "depth":
        lifecycle.choose_depth(review, step.data["depth"], step.data["reason"])
    elif step.action == "stage":
        # A stage step may carry {rule id: reason} for guidance it moved past; the overrides
        # it records are dated the day of the step, like the rest of the trail.
        lifecycle.move_to_stage(
            review, step.data["stage"], overrides=step.data.get("overrides"), today=today
        )
        for made in session.new:
            if isinstance(made, GuidanceOverride):
                made.created_at = _utc(step.at)
    elif step.action == "terms":
        terms = dict(step.data)
        terms["lead_id"] = users[terms.pop("lead")].id
        scope.update_terms(
            session,
            review,
            terms,
            today,
            panel_ids=[users[k].id for k in terms.pop("panel")],
            staff_ids=[staff[name] for name in terms.pop("staff")],
        )
    elif step.action in HANDLERS:
        HANDLERS[step.action](session, review, step, context)
    else:
        raise DemoError(f"unknown demo step {step.action!r}")
