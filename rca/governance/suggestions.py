"""Look here too: a finding at one service suggested to the other services of the same kind.

The rules, as the Learning page and the API apply them:

- **A finding** is a cause concluded a root cause or a contributory factor (not ruled out)
  and coded to a contributory factor. A supported cause not yet concluded is not a finding:
  the suggestion tells other services to spend time on it, so it waits for the review's
  conclusion.
- **Findings that travel** are those whose cause is a property of the place or the provider's
  systems rather than of one shift: every factor filed under ``environment`` (premises,
  lighting, layout, maintenance), ``equipment`` (equipment and recording systems) and
  ``guidance`` (policy, procedures and thresholds), and the agency-induction codes
  (``TRAVELLING_CODES``), because agency staff are booked the same way for every service.
  Categories, not a list of codes, so a factor an admin adds under those bones travels too.
- **Suggested to** each other service of the same kind (``Service.kind``) where no review has
  *examined* the factor: no cause of any review there carries the code, whatever its status.
  A hypothesis ruled out there still counts as examined: someone looked.
- **Only what the reader may see**: the source finding's review and the target service are both
  at services the reader holds a role at (``rca.access.visible_service_ids``), so neither the
  list nor the reason names a service or review they could not open. The learning scope's
  service or kind narrows the targets; its period narrows the source findings' incident dates.
- **The source** of a suggestion is the latest finding of that factor (by incident date, then
  review and cause id, highest first) at a service of the target's kind.
- **Identity**: a suggestion is the pair (factor code, target service), its id
  ``"{service id}:{factor code}"``. Decided once (accepted or dismissed) it never comes back,
  even when another review finds the same factor again. Keyed by the pair, not by the source
  cause: the question put to the lead is "should Elm Court look at its lighting?", and a
  second fall elsewhere asks the same question again; keying by cause would re-ask it every
  time, and a dismissal would mean nothing. A lead who wants a second look plans an action by
  hand.

Worked out on read, never stored: four queries whatever the size (the services, the findings,
the factors examined per service, the decisions), then grouping in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from rca import access
from rca.accounts.models import User
from rca.fishbone.models import Cause, ContributoryFactor
from rca.governance.suggestion_models import SuggestionDecision
from rca.graph.scope import COUNTED_CONCLUSIONS, LearningScope
from rca.provider.models import SERVICE_KINDS, Service
from rca.reviews.models import Review

#: Default-framework categories whose factors live in every service of a kind.
TRAVELLING_CATEGORIES = frozenset({"environment", "equipment", "guidance"})
#: Further codes that travel: agency induction is arranged once for every service.
TRAVELLING_CODES = frozenset({"training.agency-induction-missing", "training.agency-mar"})
STATUSES = ("open", "accepted", "dismissed")
#: How a kind reads in the reason: (one, many).
KIND_WORDS = {
    "care-home": ("a care home", "care homes"),
    "supported-living": ("a supported living service", "supported living services"),
    "homecare": ("a homecare branch", "homecare branches"),
}


@dataclass(frozen=True)
class Place:
    """A service as a suggestion names it."""

    id: int
    code: str
    name: str
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class Source:
    """The finding that prompted the suggestion (review and cause are None once deleted)."""

    review_id: int | None
    reference: str
    service: Place | None
    cause_id: int | None
    occurred_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "reference": self.reference,
            "service": self.service.name if self.service else None,
            "cause_id": self.cause_id,
        }


@dataclass(frozen=True)
class Decided:
    decision: str
    reason: str | None
    by: str
    at: datetime
    action_id: int | None


@dataclass(frozen=True)
class Suggestion:
    factor_code: str
    factor_label: str
    source: Source
    target: Place
    #: The reason sentence (for a decided one, as it read when decided).
    reason: str
    #: Every visible service of the target's kind that has not examined the factor, by name.
    unexamined: tuple[str, ...]
    decided: Decided | None = None

    @property
    def key(self) -> str:
        return suggestion_key(self.target.id, self.factor_code)

    @property
    def status(self) -> str:
        return self.decided.decision if self.decided else "open"

    def to_json(self) -> dict[str, Any]:
        d = self.decided
        return {
            "id": self.key,
            "factor_code": self.factor_code,
            "factor_label": self.factor_label,
            "source": self.source.to_json(),
            "target_service": self.target.to_json(),
            "reason": self.reason,
            "status": self.status,
            "decided_by": d.by if d else None,
            "decided_at": d.at.isoformat() if d else None,
            "dismissed_because": d.reason if d else None,
            "action_id": d.action_id if d else None,
        }


def suggestion_key(service_id: int, factor_code: str) -> str:
    return f"{service_id}:{factor_code}"


def parse_key(key: str) -> tuple[int, str] | None:
    """(service id, factor code) from a suggestion id, or None when it cannot be one."""
    number, sep, code = str(key or "").partition(":")
    if not sep or not code or not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return int(number), code


def _names(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def reason_text(
    code: str, label: str, source: Source, kind: str, unexamined: tuple[str, ...]
) -> str:
    """The sentence that says why: the finding, where, and that nobody there has looked."""
    one, many = KIND_WORDS.get(kind, (f"a {SERVICE_KINDS.get(kind, kind).lower()}", kind))
    where = source.service.name if source.service else "a service"
    are = f"is {one}" if len(unexamined) == 1 else f"are {many}"
    there = "there" if len(unexamined) == 1 else "at any of them"
    return (
        f"Coded {code} in {where} review {source.reference}; {_names(unexamined)} {are} too, "
        f"and no review {there} has examined “{label}”."
    )


def travels() -> Any:
    """The SQL condition on a factor row for its findings to be suggested elsewhere."""
    return or_(
        ContributoryFactor.category.in_(sorted(TRAVELLING_CATEGORIES)),
        ContributoryFactor.code.in_(sorted(TRAVELLING_CODES)),
    )


def suggestions(
    session: Session, user: User, scope: LearningScope | None = None, status: str | None = None
) -> list[Suggestion]:
    """Open suggestions (latest finding first), then decided ones (latest decision first)."""
    visible = access.visible_service_ids(user)
    stmt = select(Service.id, Service.code, Service.name, Service.kind)
    if visible is not None:
        stmt = stmt.where(Service.id.in_(sorted(visible) or [-1]))
    places = {r.id: Place(r.id, r.code, r.name, r.kind) for r in session.execute(stmt)}
    targets = {
        i for i in places if scope is None or scope.service_ids is None or i in scope.service_ids
    }
    found = [] if status in ("accepted", "dismissed") else _open(session, places, targets, scope)
    if status == "open":
        return found
    return found + _decided(session, places, targets, status)


def _open(
    session: Session, places: dict[int, Place], targets: set[int], scope: LearningScope | None
) -> list[Suggestion]:
    kinds = [p.kind for p in places.values()]
    if not targets or len(set(kinds)) == len(kinds):
        return []  # nobody to tell: no service in sight has another of its kind
    period = []
    if scope is not None and scope.since is not None:
        period.append(Review.occurred_on >= scope.since)
    if scope is not None and scope.until is not None:
        period.append(Review.occurred_on <= scope.until)
    findings = session.execute(
        select(
            Cause.id,
            Cause.factor_code,
            ContributoryFactor.label,
            Review.id.label("review_id"),
            Review.reference,
            Review.service_id,
            Review.occurred_on,
        )  # fmt: skip
        .join(Review, Review.id == Cause.review_id)
        .join(ContributoryFactor, ContributoryFactor.code == Cause.factor_code)
        .where(
            Cause.conclusion.in_(COUNTED_CONCLUSIONS),
            Cause.status != "ruled-out",
            travels(),
            Review.service_id.in_(sorted(places) or [-1]),
            *period,
        )
        .order_by(Review.occurred_on.desc(), Review.id.desc(), Cause.id.desc())
    ).all()
    if not findings:
        return []
    codes = sorted({f.factor_code for f in findings})
    examined: set[tuple[str, int]] = set(
        session.execute(
            select(Cause.factor_code, Review.service_id)
            .join(Review, Review.id == Cause.review_id)
            .where(Cause.factor_code.in_(codes), Review.service_id.in_(sorted(places)))
            .distinct()
        ).all()
    )
    decided: set[tuple[str, int]] = set(
        session.execute(
            select(SuggestionDecision.factor_code, SuggestionDecision.target_service_id).where(
                SuggestionDecision.factor_code.in_(codes)
            )
        ).all()
    )
    latest: dict[tuple[str, str], Any] = {}
    for f in findings:  # newest first, so the first per (code, kind) is the source
        latest.setdefault((f.factor_code, places[f.service_id].kind), f)
    out: list[Suggestion] = []
    for (code, kind), f in latest.items():
        source = Source(f.review_id, f.reference, places[f.service_id], f.id, f.occurred_on)
        unexamined = tuple(
            sorted(
                (p for p in places.values() if p.kind == kind and (code, p.id) not in examined),
                key=lambda p: (p.name, p.id),
            )
        )
        names = tuple(p.name for p in unexamined)
        for place in unexamined:
            if place.id in targets and (code, place.id) not in decided:
                reason = reason_text(code, f.label, source, kind, names)
                out.append(Suggestion(code, f.label, source, place, reason, names))
    out.sort(
        key=lambda s: (-(s.source.occurred_on or date.min).toordinal(), s.factor_label,
                       s.target.name, s.target.id)
    )  # fmt: skip
    return out


def _decided(
    session: Session, places: dict[int, Place], targets: set[int], status: str | None
) -> list[Suggestion]:
    source_review = aliased(Review)
    rows = session.execute(
        select(SuggestionDecision, source_review.service_id, ContributoryFactor.label, User.name)
        .outerjoin(User, User.id == SuggestionDecision.decided_by_id)
        .outerjoin(source_review, source_review.id == SuggestionDecision.source_review_id)
        .outerjoin(ContributoryFactor, ContributoryFactor.code == SuggestionDecision.factor_code)
        .where(
            SuggestionDecision.target_service_id.in_(sorted(targets) or [-1]),
            # A decision about a finding the reader may not open stays out of their list.
            or_(
                SuggestionDecision.source_review_id.is_(None),
                source_review.service_id.in_(sorted(places) or [-1]),
            ),
            *([SuggestionDecision.decision == status] if status else []),
        )
        .order_by(SuggestionDecision.decided_at.desc(), SuggestionDecision.id.desc())
    ).all()
    out = []
    for d, service_id, label, by_name in rows:
        source = Source(
            d.source_review_id, d.source_reference, places.get(service_id), d.source_cause_id
        )
        by = by_name or "a former user"
        decided = Decided(d.decision, d.reason, by, d.decided_at, d.action_id)
        place = places[d.target_service_id]
        out.append(
            Suggestion(d.factor_code, label or d.factor_code, source, place, d.because, (), decided)
        )
    return out
