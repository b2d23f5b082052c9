"""The one place that decides who may see and change what.

Every query for review data starts here: ``visible_reviews`` for lists, ``review_for`` for one
review. A review at a service the user holds no role for answers 404 (its existence does not leak);
a review the user may see but not change answers 403 to a change.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from rca.accounts.models import ROLES, User
from rca.db import db
from rca.provider.models import Service
from rca.reviews.models import Review

Permission = Literal["view", "contribute", "edit", "create", "export", "admin"]

#: Which roles grant each permission at a service.
GRANTS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "contribute": frozenset({"admin", "investigator", "facilitator", "contributor"}),
    "edit": frozenset({"admin", "investigator", "facilitator"}),
    "create": frozenset({"admin", "investigator", "facilitator"}),
    # A review bundle carries people's names and care references and every staff name: only
    # the roles that see the report's originals may take one away (rca.portability).
    "export": frozenset({"admin", "investigator", "facilitator"}),
    "admin": frozenset({"admin"}),
}
_RANK = {role: i for i, role in enumerate(ROLES)}


def role_at(user: User, service_id: int) -> str | None:
    """The strongest role the user holds at this service (an all-services role counts)."""
    if not user.is_authenticated or not user.active:
        return None
    roles = [m.role for m in user.memberships if m.service_id in (None, service_id)]
    return min(roles, key=_RANK.__getitem__) if roles else None


def can(user: User, permission: Permission, service_id: int) -> bool:
    role = role_at(user, service_id)
    return role is not None and role in GRANTS[permission]


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.active and user.is_admin)


def can_create_anywhere(user: User) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    return any(m.role in GRANTS["create"] for m in user.memberships)


def visible_service_ids(user: User) -> set[int] | None:
    """None means every service; otherwise the ids the user holds any role at."""
    if not user.is_authenticated or not user.active:
        return set()
    if any(m.service_id is None for m in user.memberships):
        return None
    return {m.service_id for m in user.memberships if m.service_id is not None}


def services_for(user: User, permission: Permission = "view") -> list[Service]:
    """The services where ``can(user, permission, ...)``, by name; the roles are gathered once
    (a provider group's admin would otherwise scan their memberships for each of 200)."""
    services = db.session.scalars(select(Service).order_by(Service.name)).all()
    if not user.is_authenticated or not user.active:
        return []
    everywhere = [m.role for m in user.memberships if m.service_id is None]
    at: dict[int, list[str]] = {}
    for m in user.memberships:
        if m.service_id is not None:
            at.setdefault(m.service_id, []).append(m.role)

    def granted(roles: list[str]) -> bool:
        return bool(roles) and min(roles, key=_RANK.__getitem__) in GRANTS[permission]

    anywhere = granted(everywhere)
    return [s for s in services if (granted(everywhere + at[s.id]) if s.id in at else anywhere)]


def restrict_to_visible(stmt: Select, user: User, service_column: Any) -> Select:
    """Limit any statement over review data to the services the user may see."""
    ids = visible_service_ids(user)
    if ids is None:
        return stmt
    return stmt.where(service_column.in_(ids or [-1]))


def visible_reviews(user: User) -> Select:
    return restrict_to_visible(select(Review), user, Review.service_id)


#: Every workspace pane names the review's lead: joined in (name only), and without the lead's
#: roles, which a lazy load would fetch with a second and third query.
_WITH_LEAD = [
    joinedload(Review.lead).load_only(User.id, User.name).lazyload(User.memberships),
]


def review_for(user: User, review_id: int, need: Permission = "view") -> Review:
    """The review if the user may see it (else 404) and holds ``need`` there (else 403)."""
    review = db.session.get(Review, review_id, options=_WITH_LEAD)
    if review is None or not can(user, "view", review.service_id):
        abort(404)
    if need != "view" and not can(user, need, review.service_id):
        abort(403)
    return review
