"""Tree surgery for causes: siblings, descendants, and placing a cause somewhere new.

Position among siblings is layout, not content: siblings are renumbered through Core so that
moving one cause never bumps (and so never conflicts) another's version.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from rca.fishbone.models import Cause
from rca.reviews.models import Review
from rca.validation import FieldErrors


def _all(session: Session, review: Review) -> list[Cause]:
    return list(
        session.scalars(
            select(Cause).where(Cause.review_id == review.id).order_by(Cause.position, Cause.id)
        )
    )


def _descendants(cause_id: int, everything: list[Cause]) -> list[Cause]:
    children: dict[int | None, list[Cause]] = {}
    for c in everything:
        children.setdefault(c.parent_id, []).append(c)
    out, stack = [], list(children.get(cause_id, []))
    while stack:
        c = stack.pop(0)
        out.append(c)
        stack.extend(children.get(c.id, []))
    return out


def _siblings(everything: list[Cause], parent_id: int | None, category: str) -> list[Cause]:
    return [
        c
        for c in everything
        if c.parent_id == parent_id and (parent_id is not None or c.category == category)
    ]


def _place(
    session: Session,
    review: Review,
    cause: Cause,
    parent_id: int | None,
    position: int | None,
    category: str | None,
) -> None:
    everything = _all(session, review)
    by_id = {c.id: c for c in everything}
    below = _descendants(cause.id, everything)
    if parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None:
            raise FieldErrors(
                {"parent_id": f"Cause #{parent_id} is not on this review's fishbone."}
            )
        if parent_id == cause.id or parent in below:
            raise FieldErrors(
                {"parent_id": "A cause cannot move under itself or one of its own whys."}
            )
        category = parent.category
    category = category or cause.category
    same_row = (cause.parent_id, cause.category) == (parent_id, category)
    old = [c for c in _siblings(everything, cause.parent_id, cause.category) if c.id != cause.id]
    new = [c for c in _siblings(everything, parent_id, category) if c.id != cause.id]
    at = len(new) if position is None else min(position, len(new))
    new.insert(at, cause)
    cause.parent_id = parent_id
    if cause.category != category:
        cause.category = category
        for c in below:  # the whys go with their cause to the new bone
            c.category = category
    if cause.position != at:
        cause.position = at
    _renumber(session, [c for c in new if c.id != cause.id], skip=cause, order=new)
    if not same_row:
        _renumber(session, old)


def _renumber(
    session: Session,
    causes: list[Cause],
    *,
    skip: Cause | None = None,
    order: list[Cause] | None = None,
) -> None:
    """Close gaps in sibling positions without bumping the siblings' versions.

    Position among siblings is layout, not content: renumbering through Core keeps someone
    editing a sibling's text from getting a conflict because another cause moved.
    """
    sequence = order if order is not None else causes
    rows = [
        {"cid": c.id, "pos": i} for i, c in enumerate(sequence) if c is not skip and c.position != i
    ]
    if not rows:
        return
    table = Cause.__table__
    # No autoflush: the moved cause's own changes flush once, with one version bump, later.
    with session.no_autoflush:
        session.execute(
            update(table).where(table.c.id == bindparam("cid")).values(position=bindparam("pos")),
            rows,
        )
    for row in rows:
        obj = next(c for c in sequence if c.id == row["cid"])
        session.expire(obj, ["position"])
