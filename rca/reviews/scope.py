"""Terms of reference: the question, the period, who and what is in scope, and the target."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, bindparam, cast, literal, or_, select, union_all
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import Membership, User
from rca.provider.models import PersonSupported, StaffMember, employment_label
from rca.reviews.models import Review, ReviewPanelMember, ReviewPerson, ReviewStaff
from rca.validation import (
    Collector,
    not_in_future,
    parse_date,
    parse_id,
    parse_int,
    parse_percent,
    parse_text,
)

MAX_PEOPLE = 26 * 4


def terms_missing(review: Review) -> list[str]:
    """What the terms of reference still lack before evidence gathering can start."""
    missing = []
    if not review.question:
        missing.append("the question the review answers")
    if not (review.period_start and review.period_end):
        missing.append("the period under review")
    if not review.baseline_issue:
        missing.append("the baseline issue")
    if not review.lead_id:
        missing.append("a review lead")
    if not (review.target_measure and review.target_threshold and review.target_period_weeks):
        missing.append("a measurable improvement target (measure, threshold and period)")
    return missing


def pseudonym_for(index: int) -> str:
    """Person A ... Person Z, then Person AA, AB ... so pseudonyms never run out or repeat."""
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = letters[rem] + label
    return f"Person {label}"


def split_references(text: Any) -> list[str]:
    refs = [r.strip() for r in re.split(r"[,\n;]+", str(text or "")) if r.strip()]
    return list(dict.fromkeys(refs))


def _check_period(start: date | None, end: date | None, today: date) -> None:
    if start and end and end < start:
        raise ValueError("The period must end on or after the day it starts.")
    if end:
        not_in_future(end, today, label="The end of the period under review")


def _ids(values: Iterable[Any]) -> set[int]:
    return {i for v in values if (i := parse_id(v)) is not None}


# The Terms pane is the review's front page, opened most: its reads are built once, with the
# review's ids bound per request, and fetch only the columns the pane prints.
_ELIGIBLE = (
    select(User.id, User.name)
    .where(
        User.active,
        User.id.in_(
            select(Membership.user_id)
            .where(
                or_(
                    Membership.service_id == bindparam("service_id"),
                    Membership.service_id.is_(None),
                )
            )
            .where(Membership.role.in_(access.GRANTS["view"]))
        ),
    )
    .order_by(User.name)
)


def eligible_users(session: Session, review: Review) -> list[Any]:
    """Active users who may see the review (id and name): a role at its service or at every
    service (any role grants "view"), chosen in SQL rather than by loading every user's roles."""
    return list(session.execute(_ELIGIBLE, {"service_id": review.service_id}).all())


@dataclass(frozen=True)
class ScopeMembers:
    """Who is in the review's scope, as the Terms pane shows them: plain rows, read with only
    the columns it prints (the pane is the review's front page, opened most)."""

    panel: list[tuple[int, str]]  # user id, name
    staff: list[tuple[int, str]]  # staff id, name
    people: list[tuple[str, str]]  # pseudonym, care-system reference


def _member_rows(kind: str, link: Any, key: Any, label: Any) -> Any:
    return select(
        literal(kind).label("kind"), link.label("link"), key.label("key"), label.label("label")
    )


_MEMBERS = union_all(
    _member_rows("panel", ReviewPanelMember.id, cast(User.id, String), User.name)
    .join(User, User.id == ReviewPanelMember.user_id)
    .where(ReviewPanelMember.review_id == bindparam("review_id")),
    _member_rows("staff", ReviewStaff.id, cast(StaffMember.id, String), StaffMember.name)
    .join(StaffMember, StaffMember.id == ReviewStaff.staff_id)
    .where(ReviewStaff.review_id == bindparam("review_id")),
    _member_rows("people", ReviewPerson.id, ReviewPerson.pseudonym, PersonSupported.reference)
    .join(PersonSupported, PersonSupported.id == ReviewPerson.person_id)
    .where(ReviewPerson.review_id == bindparam("review_id")),
).subquery()
_MEMBERS_IN_ORDER = select(
    _MEMBERS.c.kind, _MEMBERS.c.link, _MEMBERS.c.key, _MEMBERS.c.label
).order_by(_MEMBERS.c.kind, _MEMBERS.c.link)


def members(session: Session, review: Review) -> ScopeMembers:
    """The panel, staff and people in scope, each in the order they were added (one query)."""
    found: dict[str, list[tuple[Any, str]]] = {"panel": [], "staff": [], "people": []}
    for kind, _, key, label in session.execute(_MEMBERS_IN_ORDER, {"review_id": review.id}):
        found[kind].append((key if kind == "people" else int(key), label))
    return ScopeMembers(found["panel"], found["staff"], found["people"])  # type: ignore[arg-type]


_STAFF_REGISTER = (
    select(StaffMember.id, StaffMember.name, StaffMember.role, StaffMember.employment)
    .where(StaffMember.service_id == bindparam("service_id"))
    .order_by(StaffMember.name)
)


def staff_register(session: Session, review: Review) -> list[Any]:
    """The service's staff for the scope's picker: id, name, role and employment label."""
    rows = session.execute(_STAFF_REGISTER, {"service_id": review.service_id}).all()
    return [StaffChoice(i, name, role, employment_label(kind)) for i, name, role, kind in rows]


@dataclass(frozen=True)
class StaffChoice:
    id: int
    name: str
    role: str | None
    employment_label: str


def update_terms(
    session: Session,
    review: Review,
    raw: Mapping[str, Any],
    today: date,
    *,
    panel_ids: Iterable[Any] = (),
    staff_ids: Iterable[Any] = (),
) -> Review:
    c = Collector()
    question = c.check(
        "question", parse_text, raw.get("question"), label="The question", max_len=2000
    )
    start = c.check(
        "period_start", parse_date, raw.get("period_start"), label="Start of the period"
    )
    end = c.check("period_end", parse_date, raw.get("period_end"), label="End of the period")
    c.check("period_end", _check_period, start, end, today)
    baseline = c.check(
        "baseline_issue",
        parse_text,
        raw.get("baseline_issue"),
        label="The baseline issue",
        max_len=4000,
    )
    measure = c.check(
        "target_measure",
        parse_text,
        raw.get("target_measure"),
        label="The measure",
        max_len=500,
    )
    threshold = c.check(
        "target_threshold", parse_percent, raw.get("target_threshold"), label="The threshold"
    )
    weeks = c.check(
        "target_period_weeks",
        parse_int,
        raw.get("target_period_weeks"),
        label="The period in weeks",
        minimum=1,
        maximum=260,
    )
    users = {u.id: u for u in eligible_users(session, review)}
    lead_id = parse_id(raw.get("lead_id"))
    if lead_id not in users:
        c.errors["lead_id"] = "Choose a review lead who can see this service."
    panel = _ids(panel_ids)
    if panel - set(users):
        c.errors["panel"] = "Every panel member must be a user who can see this service."
    refs = split_references(raw.get("people"))
    if len(refs) > MAX_PEOPLE:
        c.errors["people"] = f"At most {MAX_PEOPLE} people can be in one review's scope."
    if any(len(r) > 64 for r in refs):
        c.errors["people"] = "A reference is at most 64 characters."
    staff_wanted = _ids(staff_ids)
    staff = session.scalars(
        select(StaffMember).where(
            StaffMember.id.in_(staff_wanted or [-1]),
            StaffMember.service_id == review.service_id,
        )
    ).all()
    if len(staff) != len(staff_wanted):
        c.errors["staff"] = "Staff in scope must come from this service's staff register."
    c.raise_if_any()

    review.question, review.period_start, review.period_end = question, start, end
    review.baseline_issue, review.lead_id = baseline, lead_id
    review.target_measure, review.target_threshold = measure, threshold
    review.target_period_weeks = weeks
    _sync_links(review.panel, "user_id", panel, lambda i: ReviewPanelMember(user_id=i))
    _sync_people(session, review, refs)
    _sync_links(review.staff, "staff_id", {s.id for s in staff}, lambda i: ReviewStaff(staff_id=i))
    session.flush()
    return review


def _sync_links(links: list[Any], key: str, wanted: set[int], make: Any) -> None:
    """Make a review's link collection hold exactly ``wanted`` ids (removed ones are deleted)."""
    for link in list(links):
        if getattr(link, key) not in wanted:
            links.remove(link)
    have = {getattr(link, key) for link in links}
    links.extend(make(i) for i in sorted(wanted - have))


def _sync_people(session: Session, review: Review, refs: list[str]) -> None:
    existing = {
        p.reference: p
        for p in session.scalars(
            select(PersonSupported).where(
                PersonSupported.service_id == review.service_id,
                PersonSupported.reference.in_(refs),
            )
        )
    }
    for ref in refs:
        if ref not in existing:
            existing[ref] = PersonSupported(service_id=review.service_id, reference=ref)
            session.add(existing[ref])
    session.flush()
    wanted = {existing[r].id for r in refs}
    for link in list(review.people):
        if link.person_id not in wanted:
            review.people.remove(link)
    # Pseudonyms of people still in scope stay fixed; new people take the first free letters.
    used = {link.pseudonym for link in review.people}
    have = {link.person_id for link in review.people}
    index = 0
    for ref in refs:
        person = existing[ref]
        if person.id in have:
            continue
        while pseudonym_for(index) in used:
            index += 1
        used.add(pseudonym_for(index))
        review.people.append(ReviewPerson(person_id=person.id, pseudonym=pseudonym_for(index)))
