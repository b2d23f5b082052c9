"""The quality-statement tags of findings and actions, and their overrides.

A **finding** is a cause the review concluded was a root cause or a contributory factor (and did
not rule out): only findings evidence anything, so a hypothesis or an incidental cause carries
no tag. A finding's tags come from its factor code through the mapping in force; an action's from
its type, plus the tags of the findings it addresses (an action against a medicines finding
evidences medicines optimisation whatever its type). On top, an override adds or removes one
statement on one cause or action, always with a reason, and is audited, so the History shows
who changed a tag, when and why.

Tags are worked out on read by the pure ``derive``; the screens read a review's tags with
``review_tags`` (causes through ``cause_tree``, the one cause reader), the inspection view reads
many reviews at once in ``rca.governance.inspection``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.actions.models import Action, ActionCause
from rca.fishbone.tree import cause_tree, flatten
from rca.governance.quality_statements import STATEMENTS, check_keys, in_order
from rca.governance.statement_mapping import StatementMap, statement_map
from rca.governance.statement_models import EFFECTS, StatementOverride
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_choice, parse_text

FINDING_CONCLUSIONS = ("root", "contributory")
REASON_MAX = 2000


def is_finding(status: str, conclusion: str | None) -> bool:
    return conclusion in FINDING_CONCLUSIONS and status != "ruled-out"


@dataclass(frozen=True)
class Override:
    statement: str
    effect: str
    reason: str


@dataclass(frozen=True)
class Tagging:
    """A cause's or an action's tags: the statements in force, what the mapping gave, and the
    overrides behind the difference."""

    statements: tuple[str, ...]
    derived: tuple[str, ...]
    overrides: tuple[Override, ...] = ()

    def how(self, key: str) -> str:
        """``mapping`` or ``override``: why a statement in force is there."""
        return "mapping" if key in self.derived else "override"

    @property
    def removed(self) -> tuple[Override, ...]:
        return tuple(
            o for o in self.overrides if o.effect == "remove" and o.statement in self.derived
        )


def derive(derived: Iterable[str], overrides: Iterable[Override] = ()) -> Tagging:
    """The mapping's statements with the overrides applied (pure)."""
    base = set(derived)
    now = set(base)
    kept = tuple(overrides)
    for o in kept:
        (now.add if o.effect == "add" else now.discard)(o.statement)
    return Tagging(tuple(in_order(now)), tuple(in_order(base)), kept)


def cause_tagging(
    smap: StatementMap, code: str | None, status: str, conclusion: str | None,
    overrides: Iterable[Override] = (),
) -> Tagging | None:  # fmt: skip
    """None for a cause that is not a finding: it carries no tags, and none may be set."""
    if not is_finding(status, conclusion):
        return None
    return derive(smap.for_factor(code), overrides)


def action_tagging(
    smap: StatementMap, action_type: str | None, finding_tags: Iterable[Tagging],
    overrides: Iterable[Override] = (),
) -> Tagging:  # fmt: skip
    derived = set(smap.for_action_type(action_type))
    for t in finding_tags:
        derived.update(t.statements)
    return derive(derived, overrides)


@dataclass
class ReviewTags:
    """One review's tags: by cause id (findings only) and by action id."""

    causes: dict[int, Tagging] = field(default_factory=dict)
    actions: dict[int, Tagging] = field(default_factory=dict)


ByTarget = dict[int, list[Override]]


def _by_target(rows: Iterable[StatementOverride]) -> tuple[ByTarget, ByTarget]:
    """Overrides by cause id and by action id."""
    by_cause: ByTarget = {}
    by_action: ByTarget = {}
    for r in rows:
        if r.cause_id is not None:
            by_cause.setdefault(r.cause_id, []).append(Override(r.statement, r.effect, r.reason))
        elif r.action_id is not None:
            by_action.setdefault(r.action_id, []).append(Override(r.statement, r.effect, r.reason))
    return by_cause, by_action


def tag_review(
    smap: StatementMap,
    causes: Iterable[tuple[int, str | None, str, str | None]],
    actions: Iterable[tuple[int, str | None]],
    links: Iterable[tuple[int, int]],
    overrides: Iterable[StatementOverride],
) -> ReviewTags:
    """Tags from plain rows: causes (id, code, status, conclusion), actions (id, type), links
    (action id, cause id). Shared by one review's screens and the inspection view."""
    by_cause, by_action = _by_target(overrides)
    out = ReviewTags()
    for cid, code, status, conclusion in causes:
        tagging = cause_tagging(smap, code, status, conclusion, by_cause.get(cid, ()))
        if tagging is not None:
            out.causes[cid] = tagging
    addressed: dict[int, list[Tagging]] = {}
    for action_id, cause_id in links:
        if cause_id in out.causes:
            addressed.setdefault(action_id, []).append(out.causes[cause_id])
    for aid, action_type in actions:
        out.actions[aid] = action_tagging(
            smap, action_type, addressed.get(aid, ()), by_action.get(aid, ())
        )
    return out


def review_tags(session: Session, review: Review) -> ReviewTags:
    """Every finding's and action's tags on one review (causes through ``cause_tree``)."""
    nodes = flatten(cause_tree(session, review, with_evidence=False))
    actions = session.execute(
        select(Action.id, Action.action_type).where(Action.review_id == review.id)
    ).all()
    links = session.execute(
        select(ActionCause.action_id, ActionCause.cause_id).where(
            ActionCause.review_id == review.id
        )
    ).all()
    overrides = session.scalars(
        select(StatementOverride).where(StatementOverride.review_id == review.id)
    ).all()
    return tag_review(
        statement_map(session),
        [(n.id, n.factor_code, n.status, n.conclusion) for n in nodes],
        [(a.id, a.action_type) for a in actions],
        [(link.action_id, link.cause_id) for link in links],
        overrides,
    )


def _parse(raw: Mapping[str, object]) -> tuple[str, str, str]:
    c = Collector()
    statement = str(raw.get("statement") or "").strip()
    try:
        statement = check_keys([statement], "statement")[0] if statement else ""
    except FieldErrors as exc:
        c.errors.update(exc.errors)
    if not statement and "statement" not in c.errors:
        c.errors["statement"] = "Choose the quality statement to add or remove."
    effect = c.check("effect", parse_choice, raw.get("effect"), EFFECTS, label="Add or remove")
    reason = c.check("reason", parse_text, raw.get("reason"), label="Reason", max_len=REASON_MAX)
    c.raise_if_any()
    return statement, effect, reason


def set_override(
    session: Session,
    review: Review,
    raw: Mapping[str, object],
    user_id: int | None,
    *,
    cause_id: int | None = None,
    action_id: int | None = None,
) -> StatementOverride:
    """Add or remove one statement on a finding or an action of ``review``, with a reason.

    FieldErrors (nothing changed) for an unknown statement, a missing reason, or a cause that is
    not a finding; LookupError for a cause or action that is not on this review.
    """
    statement, effect, reason = _parse(raw)
    tags = review_tags(session, review)
    if cause_id is not None:
        known = {n.id for n in flatten(cause_tree(session, review, with_evidence=False))}
        if cause_id not in known:
            raise LookupError(cause_id)
        if cause_id not in tags.causes:
            raise FieldErrors(
                {
                    "statement": "Only findings carry quality statements: conclude this cause a "
                    "root cause or a contributory factor first."
                }
            )
        where = StatementOverride.cause_id == cause_id
    else:
        if action_id not in tags.actions:
            raise LookupError(action_id)
        where = StatementOverride.action_id == action_id
    row = session.scalar(
        select(StatementOverride).where(where, StatementOverride.statement == statement)
    )
    if row is None:
        row = StatementOverride(
            review_id=review.id, cause_id=cause_id, action_id=action_id, statement=statement
        )
        session.add(row)
    row.effect, row.reason, row.user_id = effect, reason, user_id
    session.flush()
    return row


def statement_choices() -> list[tuple[str, str]]:
    """(key, "Safe: Learning culture") for a form's list."""
    return [(k, f"{s.key_question_label}: {s.label}") for k, s in STATEMENTS.items()]
