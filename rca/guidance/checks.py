"""Each guidance rule's check: what it reads in the loaded ``Facts``, and the ``Outcome`` it
answers (passed, the message the panel shows, and where to fix it). The rules themselves, what
each gates and why it matters, are in ``rca.guidance.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rca.actions.smart import smart_check
from rca.evidence.models import KINDS, MANUAL_KINDS
from rca.guidance.facts import Facts
from rca.guidance.patterns import fixes_instance_only, looks_like_staff_error
from rca.wording import excerpt


@dataclass(frozen=True)
class Outcome:
    passed: bool
    message: str
    fix_url: str


# --- helpers -----------------------------------------------------------------------------------


def name(text: str | None, limit: int = 60) -> str:
    """A cause or action named in a message: quoted, shortened."""
    return f"“{excerpt(text, limit)}”"


def names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _analysis(f: Facts, cause_id: int | None = None) -> str:
    url = f"/reviews/{f.review.id}/analysis"
    return f"{url}#cause-{cause_id}" if cause_id else url


def _actions(
    f: Facts, *, edit: int | None = None, plan: int | str | None = None, at: str = "action-form"
) -> str:
    """The actions pane; with ``edit`` (an action) or ``plan`` (a cause) its form is open there,
    and the anchor lands on the form (or on ``at`` inside it)."""
    url = f"/reviews/{f.review.id}/actions"
    if edit is not None:
        return f"{url}?edit={edit}#{at}"
    if plan is not None:
        return f"{url}?plan={plan}#{at}"
    return url


def kind_label(kind: str) -> str:
    label = KINDS.get(kind) or MANUAL_KINDS.get(kind) or kind
    return label[0].lower() + label[1:] if not label[:3].isupper() else label


# --- the analysis rules ------------------------------------------------------------------------


def two_source_kinds(f: Facts) -> Outcome:
    supported = f.supported
    found = sorted({k for c in supported for k in f.kinds.get(c.id, ())})
    first = supported[0].id if supported else None
    if not supported:
        return Outcome(False, "No cause is marked supported yet.", _analysis(f))
    listed = ", ".join(kind_label(k) for k in found)
    if len(found) >= 2:
        return Outcome(
            True,
            f"Supported causes rest on {len(found)} kinds of source: {listed}.",
            _analysis(f, first),
        )
    if not found:
        return Outcome(False, "No supported cause links to any evidence yet.", _analysis(f, first))
    return Outcome(
        False,
        f"Supported causes rest on one kind of source only ({listed}): link evidence of another "
        "kind, e.g. rota, supervision, training or an interview.",
        _analysis(f, first),
    )


def staff_error_tested(f: Facts) -> Outcome:
    flagged = [c for c in f.roots if looks_like_staff_error(c.text)]
    if not flagged:
        return Outcome(True, "No root cause puts the event down to staff error.", _analysis(f))
    problems = []
    for cause in flagged:
        missing = f.unexamined_areas(excluding=cause.id)
        if missing:
            problems.append((cause, missing))
    if not problems:
        return Outcome(
            True,
            f"{names([name(c.text) for c in flagged])} concluded after all five areas were "
            "examined on evidence.",
            _analysis(f, flagged[0].id),
        )
    cause, missing = problems[0]
    return Outcome(
        False,
        f"{name(cause.text)} is a root cause, but {names([m.lower() for m in missing], 5)} "
        f"{'has' if len(missing) == 1 else 'have'} not been examined (a cause there supported "
        "or ruled out, with evidence).",
        _analysis(f, cause.id),
    )


def supported_has_evidence(f: Facts) -> Outcome:
    bare = [c for c in f.supported if not f.kinds.get(c.id)]
    if not f.supported:
        return Outcome(True, "No cause is marked supported yet.", _analysis(f))
    if not bare:
        return Outcome(
            True, f"All {len(f.supported)} supported causes link to evidence.", _analysis(f)
        )
    return Outcome(
        False,
        f"Supported but with no evidence linked: {names([name(c.text) for c in bare])}.",
        _analysis(f, bare[0].id),
    )


def root_cause_agreed(f: Facts) -> Outcome:
    roots = f.roots
    if roots:
        count = "1 root cause" if len(roots) == 1 else f"{len(roots)} root causes"
        return Outcome(
            True,
            f"{count} agreed: {names([name(c.text) for c in roots])}.",
            _analysis(f, roots[0].id),
        )
    if not f.causes:
        return Outcome(False, "No causes on the fishbone yet.", _analysis(f))
    return Outcome(False, "No cause has been agreed as a root cause yet.", _analysis(f))


def target_measurable(f: Facts) -> Outcome:
    r = f.review
    missing = []
    if not (r.target_measure or "").strip():
        missing.append("a measure")
    if r.target_threshold is None or not (0 < r.target_threshold <= 100):
        missing.append("a threshold (a percentage above 0)")
    if not r.target_period_weeks or r.target_period_weeks < 1:
        missing.append("a period in weeks")
    url = f"/reviews/{r.id}/scope#target"
    if missing:
        return Outcome(False, f"The improvement target lacks {names(missing)}.", url)
    return Outcome(True, f"Target: {r.target_text}.", url)


# --- the action rules --------------------------------------------------------------------------


def actions_target_causes(f: Facts) -> Outcome:
    loose = [a for a in f.actions if not f.action_causes.get(a.id)]
    unplanned = [c for c in f.roots if not f.actions_for(c.id)]
    if not f.actions and not f.roots:
        return Outcome(False, "No root causes or actions yet.", _actions(f, plan="new"))
    parts = []
    if loose:
        parts.append(f"Actions linked to no cause: {names([name(a.text) for a in loose])}.")
    if unplanned:
        parts.append(f"Root causes with no action: {names([name(c.text) for c in unplanned])}.")
    if parts:
        fix = (
            _actions(f, edit=loose[0].id, at="af-cause_ids")
            if loose
            else _actions(f, plan=unplanned[0].id)
        )
        return Outcome(False, " ".join(parts), fix)
    return Outcome(
        True,
        f"All {len(f.actions)} actions address causes, and every root cause has an action.",
        _actions(f),
    )


def is_system_change(action: object) -> bool:
    """An action that changes the system, not only this instance (see ``patterns``)."""
    return getattr(action, "kind", None) == "system" and not fixes_instance_only(
        getattr(action, "text", "")
    )


def not_symptom_only(f: Facts) -> Outcome:
    """Flag each root cause until a system change addresses it; the ones whose actions only fix
    the instance come first, since that is the trap the rule exists for."""
    instance_only, unplanned = [], []
    for cause in f.roots:
        planned = f.actions_for(cause.id)
        if not planned:
            unplanned.append(cause)
        elif not any(is_system_change(a) for a in planned):
            instance_only.append((cause, planned))
    if not f.roots:
        return Outcome(False, "No root cause agreed yet.", _actions(f))
    if instance_only:
        cause, planned = instance_only[0]
        others = len(instance_only) - 1 + len(unplanned)
        more = f" ({others} more root causes have no system change yet)" if others else ""
        return Outcome(
            False,
            f"{name(cause.text)} is addressed only by "
            f"{names([name(a.text, 45) for a in planned], 2)}, which fix this instance: add a "
            f"system change (process, ownership, tool, staffing or environment){more}.",
            _actions(f, plan=cause.id),
        )
    if unplanned:
        return Outcome(
            False,
            f"No system change planned yet for {names([name(c.text) for c in unplanned])}.",
            _actions(f, plan=unplanned[0].id),
        )
    count = "The root cause has" if len(f.roots) == 1 else f"All {len(f.roots)} root causes have"
    return Outcome(True, f"{count} a system change planned.", _actions(f))


def actions_smart(f: Facts) -> Outcome:
    if not f.actions:
        return Outcome(False, "No actions planned yet.", _actions(f, plan="new"))
    failing = []
    for action in f.actions:
        result = smart_check(action, f.today)
        if not result.ok:
            failing.append((action, result.missing))
    if not failing:
        return Outcome(True, f"All {len(f.actions)} actions are SMART.", _actions(f))
    action, missing = failing[0]
    more = f" ({len(failing) - 1} more actions also fall short)" if len(failing) > 1 else ""
    return Outcome(
        False,
        f"{name(action.text, 45)}: {'; '.join(missing)}{more}.",
        _actions(f, edit=action.id),
    )
