"""The guidance rules: what keeps the method honest, each with an id, a check, why it matters and
where to fix it.

Each rule gates one stage move (``gates``: the stage moved *to*):

- the analysis rules (``two-source-kinds``, ``staff-error-tested``, ``supported-has-evidence``,
  ``root-cause-agreed``, ``target-measurable``) gate analysis → actions: actions are planned
  against agreed, evidenced root causes and a target they can be measured against;
- the action rules (``actions-target-causes``, ``not-symptom-only``, ``actions-smart``) gate
  actions → report: the report shows the plan, so the plan must be sound before it is written.

Moving past a failing rule needs a reason (``rca.guidance.overrides``). Before a review reaches
the stage a rule gates, a failing rule is *pending*: its status is still "fail" (the API's status
is one of pass, fail, overridden) but ``pending`` is true and the panel says "not yet" calmly
rather than raising an alarm over causes nobody has had the chance to write.

Each rule's check is in ``rca.guidance.checks``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from rca.guidance import checks
from rca.guidance import facts as facts_module
from rca.guidance.checks import Outcome
from rca.guidance.facts import Facts
from rca.reviews.models import STAGES, Review

STATUSES = ("pass", "fail", "overridden")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    #: Why the rule matters, in plain English, for the panel and the report.
    explanation: str
    #: The stage whose move *into* it this rule gates.
    gates: str
    check: Callable[[Facts], Outcome]


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str
    #: One of STATUSES.
    status: str
    message: str
    explanation: str
    fix_url: str
    gates: str
    #: The review has not yet reached the stage before ``gates``: nothing is blocked yet.
    pending: bool = False
    override_reason: str | None = None
    overridden_by: str | None = None
    overridden_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "fix_url": self.fix_url,
            "explanation": self.explanation,
            "gates": self.gates,
            "pending": self.pending,
            "override_reason": self.override_reason,
        }


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "two-source-kinds",
            "Evidence from at least two kinds of source",
            "One record shows what someone wrote; a second kind (the rota, supervision notes, an "
            "interview) shows whether it is what happened. Inspectors compare findings with "
            "other records, so conclusions resting on one source rarely survive.",
            "actions",
            checks.two_source_kinds,
        ),
        Rule(
            "staff-error-tested",
            "“Staff error” tested against the system",
            "“Staff error” explains nothing until supervision, training, workload and staffing, "
            "communication and handover, and management oversight have each been examined: the "
            "same error returns with the next person if the system that allowed it is unchanged.",
            "actions",
            checks.staff_error_tested,
        ),
        Rule(
            "supported-has-evidence",
            "Every supported cause links to evidence",
            "A cause marked supported is a finding the report will stand behind; the evidence "
            "linked to it is what shows a commissioner or inspector why.",
            "actions",
            checks.supported_has_evidence,
        ),
        Rule(
            "root-cause-agreed",
            "A root cause agreed",
            "Actions planned before the review agrees why it happened tend to fix the visible "
            "problem only; agreeing the root cause first is what makes the actions target it.",
            "actions",
            checks.root_cause_agreed,
        ),
        Rule(
            "target-measurable",
            "A measurable improvement target",
            "Without a measure, a threshold and a period, nobody can later say whether the "
            "changes worked; the effectiveness checks measure against this target.",
            "actions",
            checks.target_measurable,
        ),
        Rule(
            "actions-target-causes",
            "Actions address the causes",
            "An action that addresses no cause is activity, not learning; a root cause with no "
            "action is a risk the review found and left in place.",
            "report",
            checks.actions_target_causes,
        ),
        Rule(
            "not-symptom-only",
            "Root causes get a system change",
            "Updating one care plan, reminding staff or re-auditing fixes the case in front of "
            "you; if the cause was, say, unclear ownership of updates, the same gap returns "
            "until the process, ownership or tools change.",
            "report",
            checks.not_symptom_only,
        ),
        Rule(
            "actions-smart",
            "Every action is SMART",
            "Specific, measurable, assigned, realistic and time-bound: a named owner, a due date, "
            "a review point and a measure are what make an action checkable later.",
            "report",
            checks.actions_smart,
        ),
    )
}
RULE_IDS: tuple[str, ...] = tuple(RULES)
ANALYSIS_RULES = tuple(r for r in RULE_IDS if RULES[r].gates == "actions")
ACTION_RULES = tuple(r for r in RULE_IDS if RULES[r].gates == "report")


def is_pending(review: Review, rule: Rule) -> bool:
    """The review is still more than one move away from the stage the rule gates."""
    order = list(STAGES)
    return order.index(review.stage) < order.index(rule.gates) - 1


def results_from(f: Facts) -> list[RuleResult]:
    """Every rule's result for the loaded facts, in the panel's order."""
    results = []
    for rule in RULES.values():
        outcome = rule.check(f)
        override = f.overrides.get(rule.id)
        status = "pass" if outcome.passed else ("overridden" if override else "fail")
        results.append(
            RuleResult(
                rule=rule.id,
                title=rule.title,
                status=status,
                message=outcome.message,
                explanation=rule.explanation,
                fix_url=outcome.fix_url,
                gates=rule.gates,
                pending=status == "fail" and is_pending(f.review, rule),
                override_reason=override.reason if override and status == "overridden" else None,
                overridden_by=(override.user.name if override.user else None)
                if override and status == "overridden"
                else None,
                overridden_at=override.created_at if override and status == "overridden" else None,
            )
        )
    return results


def evaluate(session: Session, review: Review, today: date) -> list[RuleResult]:
    """Every rule on this review now (a constant number of queries however large it is)."""
    return results_from(facts_module.load(session, review, today))
