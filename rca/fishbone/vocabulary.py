"""The controlled contributory-factor vocabulary each cause is coded to.

Seeded from the domain reading (agency staff unfamiliar with MAR, unclear escalation thresholds,
unclear ownership of care-plan updates, ...), filed under the default framework's categories,
and extended by admins. Codes never change, so factors can be linked across reviews (networkx,
later). The migration 0004_analysis seeds the list; ``ensure_seeded`` adds the same list to an
empty table on first use (the tests empty every table between tests), idempotent and race-safe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rca.fishbone.frameworks import DEFAULT_FRAMEWORK, FRAMEWORKS, Framework, to_default
from rca.fishbone.models import ContributoryFactor
from rca.validation import FieldErrors, parse_choice, parse_text

__all__ = [
    "ContributoryFactor",
    "Factor",
    "SEED",
    "ensure_seeded",
    "factors",
    "choices_for",
    "add_factor",
]

#: (code, default-framework category, label), from the domain reading's examples.
SEED: tuple[tuple[str, str, str], ...] = (
    ("staffing.agency-reliance", "staffing", "Reliance on agency staff"),
    ("staffing.workload-pressure", "staffing", "Workload pressure"),
    ("staffing.short-staffed", "staffing", "Fewer staff on shift than planned"),
    ("staffing.skill-mix", "staffing", "Skill mix on shift not matched to needs"),
    ("staffing.high-risk-shift", "staffing", "High-risk shift without additional oversight"),
    ("training.agency-mar", "training", "Agency staff unfamiliar with MAR"),
    ("training.agency-induction-missing", "training", "Induction missing for agency staff"),
    ("training.routines-unknown", "training", "Staff not knowing people's routines"),
    ("training.expired", "training", "Training out of date"),
    ("training.escalation-route", "training", "Escalation route not known by staff"),
    ("supervision.overdue", "supervision", "Supervision overdue"),
    ("supervision.no-follow-up", "supervision", "Supervision actions not followed up"),
    ("supervision.practice-not-observed", "supervision", "Practice not observed or checked"),
    ("guidance.escalation-thresholds", "guidance", "Unclear escalation thresholds"),
    ("guidance.care-plan-ownership", "guidance", "Unclear ownership of care-plan updates"),
    ("guidance.procedure-unclear", "guidance", "Procedure unclear or out of date"),
    ("guidance.person-specific-missing", "guidance", "No person-specific guidance"),
    ("communication.handover-not-recorded", "communication", "Handover not recorded"),
    ("communication.handover-insufficient", "communication", "Handover support insufficient"),
    ("communication.family-feedback", "communication", "Family feedback not acted on"),
    ("communication.change-not-shared", "communication", "Change in risk not passed on"),
    ("environment.poor-lighting", "environment", "Poor lighting"),
    ("environment.layout-hazard", "environment", "Layout or trip hazard"),
    ("environment.maintenance", "environment", "Maintenance not done or reported"),
    ("equipment.alert-prompts", "equipment", "Alert prompts unclear in the recording system"),
    ("equipment.concern-not-flagged", "equipment", "Recording system does not flag concerns"),
    ("equipment.mar-gaps", "equipment", "Gaps in MAR records"),
    ("equipment.equipment-unavailable", "equipment", "Equipment unavailable or faulty"),
    ("governance.audit-not-followed-up", "governance", "Audit findings not followed up"),
    ("governance.management-review-late", "governance", "Management review late"),
    ("governance.learning-not-embedded", "governance", "Learning not embedded or shared"),
    ("governance.provider-oversight", "governance", "Provider oversight weak"),
    ("person.change-in-need", "person", "Change in the person's needs or risk"),
    ("person.communication-needs", "person", "Person's communication needs"),
    ("person.refused-care", "person", "Person declined care or medication"),
)


def ensure_seeded(session: Session) -> None:
    """Add the seed factors once (an empty table); safe when two processes race."""
    if session.scalar(select(ContributoryFactor.id).limit(1)) is not None:
        return
    try:
        with session.begin_nested():
            session.add_all(
                ContributoryFactor(code=code, category=category, label=label)
                for code, category, label in SEED
            )
    except IntegrityError:
        pass  # another process seeded it first


class Factor(NamedTuple):
    """One factor as screens and the learning layer read it: plain values, not an ORM row
    (the Analysis pane reads the whole list on every load)."""

    id: int
    code: str
    category: str
    label: str
    active: bool


_ALL_FACTORS = select(
    ContributoryFactor.id,
    ContributoryFactor.code,
    ContributoryFactor.category,
    ContributoryFactor.label,
    ContributoryFactor.active,
).order_by(ContributoryFactor.category, ContributoryFactor.label)
_ACTIVE_FACTORS = _ALL_FACTORS.where(ContributoryFactor.active.is_(True))


def factors(session: Session, *, include_retired: bool = False) -> list[Factor]:
    """The vocabulary (seeded on first use; the Analysis pane asks on every load, so the seed
    check runs only when the list comes back empty)."""
    stmt = _ALL_FACTORS if include_retired else _ACTIVE_FACTORS
    found = [Factor(*row) for row in session.execute(stmt)]
    if found:
        return found
    ensure_seeded(session)
    return [Factor(*row) for row in session.execute(stmt)]


def choices_for(
    all_factors: list[Factor], framework: Framework
) -> dict[str, list[tuple[str, str]]]:
    """Per category of ``framework``: the (code, label) factors filed under it.

    Factors are filed under the default framework; a category of another framework offers the
    factors of the default categories that map to it.
    """
    default = FRAMEWORKS[DEFAULT_FRAMEWORK]
    out: dict[str, list[tuple[str, str]]] = {c.key: [] for c in framework.categories}
    for category in framework.categories:
        if framework.key == DEFAULT_FRAMEWORK:
            wanted = {category.key}
        else:
            wanted = {d.key for d in default.categories if d.links & category.links} or {
                to_default(category.key, framework) or ""
            }
        out[category.key] = [(f.code, f.label) for f in all_factors if f.category in wanted]
    return out


def labels(all_factors: list[Factor]) -> dict[str, str]:
    return {f.code: f.label for f in all_factors}


def check_code(session: Session, code: str | None) -> str | None:
    """A factor code a cause may carry (known, active or already used), else FieldErrors."""
    if not code:
        return None
    ensure_seeded(session)
    found = session.scalar(select(ContributoryFactor).where(ContributoryFactor.code == code))
    if found is None:
        raise FieldErrors({"factor_code": f"{code} is not in the contributory-factor list."})
    return code


def add_factor(
    session: Session, raw: Mapping[str, object], user_id: int | None
) -> ContributoryFactor:
    """An admin adds a factor: a label under a default-framework category; the code is derived."""
    ensure_seeded(session)
    errors: dict[str, str] = {}
    category = label = None
    try:
        category = parse_choice(
            raw.get("category"), FRAMEWORKS[DEFAULT_FRAMEWORK].labels, label="Category"
        )
    except ValueError as exc:
        errors["category"] = str(exc)
    try:
        label = parse_text(raw.get("label"), label="Factor", max_len=200)
    except ValueError as exc:
        errors["label"] = str(exc)
    if errors:
        raise FieldErrors(errors)
    assert category and label
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "factor"
    code = f"{category}.{slug}"
    if session.scalar(select(ContributoryFactor.id).where(ContributoryFactor.code == code)):
        raise FieldErrors({"label": f"A factor with the code {code} already exists."})
    factor = ContributoryFactor(code=code, category=category, label=label, added_by_id=user_id)
    session.add(factor)
    session.flush()
    return factor


def set_active(session: Session, factor_id: int, active: bool) -> ContributoryFactor:
    factor = session.get(ContributoryFactor, factor_id)
    if factor is None:
        raise FieldErrors({"factor": "No such factor."})
    factor.active = active
    session.flush()
    return factor
