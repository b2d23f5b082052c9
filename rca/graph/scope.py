"""Which reviews a learning figure reads, and what counts as a review citing a factor.

A **scope** is the services the figure covers (never more than the user may see: it is built
from ``rca.access.visible_service_ids``), optionally one service or one kind of service, and a
period of incident dates. Everything in ``rca.graph`` reads reviews through ``reviews_in`` or
``citations``, so a figure cannot count a review its reader may not open.

A **citation** is a review citing a contributory factor: a cause of the review carrying the
factor's code whose status is supported, or that the review concluded was a root cause or a
contributory factor, and that is not ruled out. A hypothesis not yet tested, or one ruled out,
says nothing about what recurs. A review citing a factor twice cites it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.fishbone.models import Cause
from rca.provider.models import SERVICE_KINDS, Service
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_date

#: The statuses and conclusions under which a coded cause counts (see the module docstring).
COUNTED_STATUS = "supported"
COUNTED_CONCLUSIONS = ("root", "contributory")


def counted(cause: Any = Cause) -> ColumnElement[bool]:
    """The SQL condition for a cause to count as its review citing its factor."""
    return and_(
        cause.factor_code.is_not(None),
        cause.status != "ruled-out",
        or_(cause.status == COUNTED_STATUS, cause.conclusion.in_(COUNTED_CONCLUSIONS)),
    )


@dataclass(frozen=True)
class LearningScope:
    """The reviews a figure reads. ``service_ids`` None: every service (the reader sees all)."""

    service_ids: frozenset[int] | None
    since: date | None = None
    until: date | None = None
    #: For people: "All services", "Oakfield House", "Care homes".
    label: str = "All services"
    #: The filters as given (service code, kind), for links that keep them.
    service: str | None = None
    kind: str | None = None

    def key(self) -> tuple[Any, ...]:
        ids = None if self.service_ids is None else tuple(sorted(self.service_ids))
        return (ids, self.since, self.until)

    def args(self) -> dict[str, str]:
        """The scope as query-string arguments (for links and the API)."""
        out = {"service": self.service or "", "kind": self.kind or ""}
        out["since"] = self.since.isoformat() if self.since else ""
        out["until"] = self.until.isoformat() if self.until else ""
        return {k: v for k, v in out.items() if v}

    def where(self, review: Any = Review) -> list[ColumnElement[bool]]:
        """Conditions on a review row for it to be in scope."""
        out: list[ColumnElement[bool]] = []
        if self.service_ids is not None:
            out.append(review.service_id.in_(sorted(self.service_ids) or [-1]))
        if self.since is not None:
            out.append(review.occurred_on >= self.since)
        if self.until is not None:
            out.append(review.occurred_on <= self.until)
        return out


def everything_for(user: User) -> LearningScope:
    """Every review the user may open."""
    ids = access.visible_service_ids(user)
    return LearningScope(None if ids is None else frozenset(ids))


def scope_for(session: Session, user: User, raw: Mapping[str, Any]) -> LearningScope:
    """The scope the filters ask for, within what the user may see; FieldErrors on bad input.

    ``service`` is one or more service codes (``service_codes``), ``kind`` a service kind,
    ``since``/``until`` dates (ISO or UK). A service the user holds no role at is refused with
    the same words as one that does not exist, so the answer says nothing about which exist.
    """
    c = Collector()
    codes = service_codes(raw)
    kind = str(raw.get("kind") or "").strip() or None
    since = c.check("since", parse_date, raw.get("since"), label="From", required=False)
    until = c.check("until", parse_date, raw.get("until"), label="To", required=False)
    if since and until and since > until:
        c.errors["until"] = f"“To” ({until:%d/%m/%Y}) is before “From” ({since:%d/%m/%Y})."
    if kind is not None and kind not in SERVICE_KINDS:
        c.errors["kind"] = f"Service kind must be one of: {', '.join(SERVICE_KINDS)}."
    visible = access.visible_service_ids(user)
    ids: set[int] | None = None if visible is None else set(visible)
    label = "All services" if visible is None else "Your services"
    if codes:
        found = {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(codes)))}
        chosen = [found.get(code) for code in codes]
        missing = [
            code
            for code, service in zip(codes, chosen, strict=True)
            if service is None or (visible is not None and service.id not in visible)
        ]
        if missing:
            c.errors["service"] = f"There is no service {missing[0][:32]} that you may see."
        else:
            names = [s.name for s in chosen if s is not None]
            ids = {s.id for s in chosen if s is not None}
            label = ", ".join(names) if len(names) <= 3 else f"{len(names)} services"
    code = ",".join(codes) or None
    if kind is not None and not c.errors:
        of_kind = set(session.scalars(select(Service.id).where(Service.kind == kind)))
        ids = of_kind if ids is None else ids & of_kind
        if code is None:
            label = f"{SERVICE_KINDS[kind]}s"
    c.raise_if_any()
    return LearningScope(None if ids is None else frozenset(ids), since, until, label, code, kind)


def service_codes(raw: Mapping[str, Any]) -> list[str]:
    """The ``service`` filter's codes: repeated (``service=A&service=B``), comma-separated, or
    one; blanks dropped, each once, in the order given."""
    values = raw.getlist("service") if hasattr(raw, "getlist") else raw.get("service")
    if not isinstance(values, list | tuple):
        values = [values]
    codes = [c.strip() for v in values for c in str(v or "").split(",")]
    return list(dict.fromkeys(c for c in codes if c))


def reviews_in(scope: LearningScope) -> Select[Any]:
    """The reviews in scope (ids), for counting and drilling down."""
    return select(Review.id).where(*scope.where())


def citations(scope: LearningScope) -> Select[Any]:
    """One row per review citing a factor, in scope: (review_id, factor_code, service_id,
    occurred_on)."""
    return (
        select(Cause.review_id, Cause.factor_code, Review.service_id, Review.occurred_on)
        .join(Review, Review.id == Cause.review_id)
        .where(counted(), *scope.where())
        .distinct()
    )


def check_factor(known: Mapping[str, str], code: Any, field: str = "factor") -> str:
    """A factor code of the vocabulary, else FieldErrors naming the field."""
    text = str(code or "").strip()
    if text not in known:
        raise FieldErrors({field: f"{text[:64] or 'That'} is not in the contributory-factor list."})
    return text
