"""A review's analysis settings: the problem statement at the head and the framework chosen.

Switching framework moves every cause to a bone of the new framework through
``frameworks.map_category``; a cause it cannot place is returned so the screen asks the user
where it goes, and nothing changes until every cause has a bone.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from rca.db import conflict_if_stale
from rca.fishbone.frameworks import DEFAULT_FRAMEWORK, FRAMEWORKS, Framework, map_category
from rca.fishbone.models import Cause, FishboneSettings
from rca.reviews.models import Review
from rca.validation import FieldErrors, parse_text


class StaleSettings(Exception):
    """The analysis settings (framework, problem statement) changed since the form was read."""


_SETTINGS = select(FishboneSettings).where(FishboneSettings.review_id == bindparam("review_id"))


def settings_for(
    session: Session, review: Review, *, create: bool = True
) -> FishboneSettings | None:
    settings = session.scalar(_SETTINGS, {"review_id": review.id})
    if settings is None and create:
        settings = FishboneSettings(review_id=review.id, framework=DEFAULT_FRAMEWORK)
        session.add(settings)
        session.flush()
    return settings


def framework_for(session: Session, review: Review) -> Framework:
    """The framework the review chose (the default until someone chooses)."""
    settings = settings_for(session, review, create=False)
    key = settings.framework if settings else DEFAULT_FRAMEWORK
    return FRAMEWORKS.get(key, FRAMEWORKS[DEFAULT_FRAMEWORK])


def default_problem(review: Review) -> str:
    return (review.question or "").strip() or review.title


def problem_statement(session: Session, review: Review) -> str:
    """The head of the fishbone: the one typed here, else the terms of reference question."""
    settings = settings_for(session, review, create=False)
    if settings and settings.problem_statement:
        return settings.problem_statement
    return default_problem(review)


def set_problem_statement(session: Session, review: Review, raw: Mapping[str, object]) -> None:
    """Save the problem statement; an empty one goes back to the terms of reference question."""
    settings = settings_for(session, review)
    assert settings is not None
    _check_version(settings, raw.get("version"))
    try:
        text = parse_text(
            raw.get("problem_statement"), label="Problem statement", max_len=500, required=False
        )
    except ValueError as exc:
        raise FieldErrors({"problem_statement": str(exc)}) from None
    settings.problem_statement = None if text == default_problem(review) else text
    with _stale_is_conflict(session):
        session.flush()


def plan_switch(session: Session, review: Review, key: str) -> tuple[dict[int, str], list[Cause]]:
    """Where each cause would go under framework ``key``, and the causes it cannot place."""
    placed, unplaced, _ = _plan(session, review, key)
    return placed, unplaced


def _plan(
    session: Session, review: Review, key: str
) -> tuple[dict[int, str], list[Cause], list[Cause]]:
    if key not in FRAMEWORKS:
        raise FieldErrors({"framework": f"Framework must be one of: {', '.join(FRAMEWORKS)}."})
    source, target = framework_for(session, review), FRAMEWORKS[key]
    causes = session.scalars(
        select(Cause).where(Cause.review_id == review.id).order_by(Cause.id)
    ).all()
    # Only causes on a bone are mapped: their whys always share their bone.
    by_id = {c.id: c for c in causes}
    placed: dict[int, str] = {}
    unplaced: list[Cause] = []
    for cause in causes:
        if cause.parent_id is None:
            category = map_category(cause.category, source, target)
            if category is None:
                unplaced.append(cause)
            else:
                placed[cause.id] = category
    for cause in causes:
        root = _root(cause, by_id)
        if root.id in placed:
            placed[cause.id] = placed[root.id]
    return placed, unplaced, list(causes)


def _root(cause: Cause, by_id: Mapping[int, Cause]) -> Cause:
    while cause.parent_id is not None and cause.parent_id in by_id:
        cause = by_id[cause.parent_id]
    return cause


def set_framework(
    session: Session,
    review: Review,
    key: str,
    placements: Mapping[int, str] | None = None,
    version: object = None,
) -> list[Cause]:
    """Switch the review to framework ``key``; answers the causes it could not place.

    ``placements`` ({cause id: category key of the new framework}) answers the question for
    the causes the mapping could not place, and may override any other. When a cause is still
    without a bone, nothing changes and those causes are returned: ask, never guess.
    """
    settings = settings_for(session, review)
    assert settings is not None
    if version is not None:
        _check_version(settings, version)
    placed, unplaced, causes = _plan(session, review, key)
    waiting = {c.id for c in unplaced}
    target = FRAMEWORKS[key]
    chosen = {int(k): v for k, v in (placements or {}).items() if v}
    bad = [v for v in chosen.values() if target.category(v) is None]
    if bad:
        raise FieldErrors({"placements": f"{bad[0]} is not a bone of {target.label}."})
    placed.update({cid: cat for cid, cat in chosen.items() if cid in placed or cid in waiting})
    still = [c for c in unplaced if c.id not in chosen]
    if still:
        return still
    by_id = {c.id: c for c in causes}
    for cause in causes:
        category = placed[_root(cause, by_id).id]
        if cause.category != category:
            cause.category = category
    settings.framework = key
    with _stale_is_conflict(session):  # the settings, or a cause moved to its new bone
        session.flush()
    return []


def _stale_is_conflict(session: Session) -> AbstractContextManager[None]:
    return conflict_if_stale(session, StaleSettings)


def _check_version(settings: FishboneSettings, raw: object) -> None:
    if raw in (None, ""):
        return
    try:
        version = int(str(raw))
    except ValueError:
        raise FieldErrors({"version": "Version must be a whole number."}) from None
    if version != settings.version:
        raise StaleSettings()
