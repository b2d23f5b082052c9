"""Which quality statements a finding or an action evidences by default, and the admins' edits.

The default for a contributory factor is its category's statements plus any the code adds (a MAR
code is medicines optimisation as well as staffing); for an action, its type's. An admin's row
(``StatementMapping``) replaces the default for that one code or type, including with nothing.
Factors an admin added to the vocabulary start from their category's default, so a new code is
tagged from the day it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.actions.models import ACTION_TYPES
from rca.fishbone import vocabulary
from rca.governance.quality_statements import check_keys, in_order
from rca.governance.statement_models import SOURCES, StatementMapping
from rca.validation import FieldErrors

SAFE_STAFFING = "safe.safe-effective-staffing"
SAFE_SYSTEMS = "safe.safe-systems-pathways-transitions"
SAFE_ENVIRONMENTS = "safe.safe-environments"
LEARNING_CULTURE = "safe.learning-culture"
GOVERNANCE = "well-led.governance-management-sustainability"
IMPROVEMENT = "well-led.learning-improvement-innovation"

#: A factor category's statements (the categories of ``rca.fishbone.vocabulary.SEED``).
CATEGORY_DEFAULTS: dict[str, tuple[str, ...]] = {
    # CQC's staffing statement covers numbers, skill mix, training, supervision and induction.
    "staffing": (SAFE_STAFFING,),
    "training": (SAFE_STAFFING,),
    "supervision": (SAFE_STAFFING,),
    "guidance": (SAFE_SYSTEMS, GOVERNANCE),
    # Handover and passing on change is care moving between people: systems and transitions.
    "communication": (SAFE_SYSTEMS, "effective.staff-teams-services-work-together"),
    # CQC puts equipment, facilities and technology in the safe environments statement.
    "environment": (SAFE_ENVIRONMENTS,),
    "equipment": (SAFE_ENVIRONMENTS,),
    "governance": (GOVERNANCE,),
    "person": ("safe.involving-people-to-manage-risks", "effective.assessing-needs"),
}
#: What a seed code adds to its category's statements.
FACTOR_EXTRAS: dict[str, tuple[str, ...]] = {
    "training.agency-mar": ("safe.medicines-optimisation",),
    "equipment.mar-gaps": ("safe.medicines-optimisation",),
    "person.refused-care": ("effective.consent-to-care", "safe.medicines-optimisation"),
    "training.escalation-route": ("safe.safeguarding",),
    "guidance.escalation-thresholds": ("safe.safeguarding",),
    "training.routines-unknown": ("caring.treating-people-as-individuals",),
    "guidance.person-specific-missing": ("responsive.person-centred-care",),
    "guidance.care-plan-ownership": ("effective.assessing-needs",),
    "communication.family-feedback": ("responsive.listening-involving-people",),
    "person.communication-needs": ("responsive.providing-information",),
    "equipment.alert-prompts": (SAFE_SYSTEMS,),
    "equipment.concern-not-flagged": (SAFE_SYSTEMS,),
    "governance.audit-not-followed-up": (IMPROVEMENT,),
    "governance.learning-not-embedded": (LEARNING_CULTURE, IMPROVEMENT),
}
#: An action type's statements (the keys of ``rca.actions.models.ACTION_TYPES``).
ACTION_TYPE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "process": (SAFE_SYSTEMS,),
    "ownership": (GOVERNANCE,),
    "tool": (SAFE_ENVIRONMENTS, SAFE_SYSTEMS),
    "staffing": (SAFE_STAFFING,),
    "environment": (SAFE_ENVIRONMENTS,),
    "training": (SAFE_STAFFING,),
    # Telling staff what a review found is the learning culture statement in action.
    "briefing": (LEARNING_CULTURE,),
    "reminder": (LEARNING_CULTURE,),
}


def factor_default(code: str, category: str | None = None) -> list[str]:
    """A factor code's default statements (category from the code when not given)."""
    category = category or code.split(".", 1)[0]
    return in_order([*CATEGORY_DEFAULTS.get(category, ()), *FACTOR_EXTRAS.get(code, ())])


def action_type_default(action_type: str) -> list[str]:
    return in_order(ACTION_TYPE_DEFAULTS.get(action_type, ()))


@dataclass(frozen=True)
class MappingRow:
    """One line of the mapping as the admin screen shows it."""

    source: str
    code: str
    label: str
    statements: tuple[str, ...]
    default: tuple[str, ...]

    @property
    def edited(self) -> bool:
        return self.statements != self.default


@dataclass(frozen=True)
class StatementMap:
    """The mapping in force: defaults with the admins' rows over them (read once per request)."""

    factors: dict[str, tuple[str, ...]]
    action_types: dict[str, tuple[str, ...]]

    def for_factor(self, code: str | None) -> tuple[str, ...]:
        if not code:
            return ()
        found = self.factors.get(code)
        return found if found is not None else tuple(factor_default(code))

    def for_action_type(self, action_type: str | None) -> tuple[str, ...]:
        return self.action_types.get(action_type or "", ())


_STORED = select(StatementMapping.source, StatementMapping.code, StatementMapping.statements)


def mapping_rows(session: Session) -> list[MappingRow]:
    """Every factor of the vocabulary (retired ones too) and every action type, with the
    statements in force and the default."""
    stored = {(s, c): tuple(in_order(k or [])) for s, c, k in session.execute(_STORED)}
    rows = []
    for f in vocabulary.factors(session, include_retired=True):
        default = tuple(factor_default(f.code, f.category))
        now = stored.get(("factor", f.code), default)
        rows.append(MappingRow("factor", f.code, f.label, now, default))
    for key, (_kind, type_label) in ACTION_TYPES.items():
        default = tuple(action_type_default(key))
        now = stored.get(("action-type", key), default)
        rows.append(MappingRow("action-type", key, type_label, now, default))
    return rows


def statement_map(session: Session) -> StatementMap:
    rows = mapping_rows(session)
    return StatementMap(
        factors={r.code: r.statements for r in rows if r.source == "factor"},
        action_types={r.code: r.statements for r in rows if r.source == "action-type"},
    )


def _check_code(session: Session, source: str, code: str) -> str:
    if source not in SOURCES:
        raise FieldErrors(
            {"source": "Say whether this maps a contributory factor or an action type."}
        )
    known = (
        {f.code for f in vocabulary.factors(session, include_retired=True)}
        if source == "factor"
        else set(ACTION_TYPES)
    )
    code = (code or "").strip()
    if code not in known:
        what = "contributory-factor list" if source == "factor" else "list of action types"
        raise FieldErrors({"code": f"{code[:64] or 'That'} is not in the {what}."})
    return code


def set_mapping(
    session: Session, source: str, code: str, statements: list[str], user_id: int | None
) -> MappingRow:
    """Map one factor code or action type to these statements (replacing the default).

    Every key is checked before anything changes: an unknown statement is a FieldErrors naming
    it. Setting exactly the default removes the admin's row, so the code follows later default
    changes again.
    """
    code = _check_code(session, source, code)
    keys = check_keys(statements)
    row = session.scalar(
        select(StatementMapping).where(
            StatementMapping.source == source, StatementMapping.code == code
        )
    )
    default = find_row(session, source, code).default  # type: ignore[union-attr]
    if tuple(keys) == default:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            StatementMapping(source=source, code=code, statements=keys, updated_by_id=user_id)
        )
    else:
        row.statements, row.updated_by_id = keys, user_id
    session.flush()
    return find_row(session, source, code)  # type: ignore[return-value]


def reset_mapping(session: Session, source: str, code: str, user_id: int | None) -> MappingRow:
    """Put a code back on its default (FieldErrors for an unknown code)."""
    code = _check_code(session, source, code)
    default = find_row(session, source, code).default  # type: ignore[union-attr]
    return set_mapping(session, source, code, list(default), user_id)


def find_row(session: Session, source: str | None, code: str | None) -> MappingRow | None:
    return next((r for r in mapping_rows(session) if (r.source, r.code) == (source, code)), None)
