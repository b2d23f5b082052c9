"""Demo content for the analysis: fishbones for the demo reviews at analysis stage or later.

Drawn from the domain reading's worked examples: the ownership gap behind care plans not
updated; agency staff unfamiliar with MAR and evening routines; unclear escalation thresholds
and alert prompts; the fall linked to poor lighting. Each review first gets the interview,
observation and document evidence its causes rest on (manual evidence, two kinds of source),
then its causes with nested whys, supported and ruled-out ones each with a reason, and the
agreed root causes, all before the story moves the review on to actions.

Cause ids are kept in ``DemoContext.memory["causes"]`` by their short key (e.g. "ownership"),
so later areas' steps (actions addressing a cause) can find them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from rca.demo.steps import DemoContext, add_steps, handles
from rca.demo.stories import Step
from rca.evidence.manual import record_manual
from rca.fishbone import causes
from rca.reviews.models import Review

# (key, manual kind, date, author, text)
Evidence = tuple[str, str, str, str, str]
# (key, parent key, bone, text, status, reason, conclusion, factor code, evidence keys)
CauseSpec = tuple[str, str | None, str, str, str, str, str | None, str | None, tuple[str, ...]]


@handles("analysis-evidence")
def add_evidence(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    found = ctx.memory.setdefault("evidence", {})
    for key, kind, day, author, text in step.data["evidence"]:
        row = record_manual(
            session,
            review,
            kind=kind,
            day=date.fromisoformat(day),
            at=None,
            author=author,
            text=text,
            user_id=ctx.users[step.actor].id,
            fields={"entered": "by hand"},
            duplicate=("manual_text", "already recorded"),
        )
        found[key] = row.id


@handles("analysis-causes")
def add_causes(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    user = ctx.users[step.actor]
    ids: dict[str, int] = ctx.memory.setdefault("causes", {})
    evidence: dict[str, int] = ctx.memory.get("evidence", {})
    later: list[tuple[int, str]] = []
    for key, parent, bone, text, status, reason, conclusion, factor, links in step.data["causes"]:
        cause = causes.add_cause(
            session,
            review,
            user,
            {
                "text": text,
                "category": bone,
                "parent_id": ids[parent] if parent else None,
                "factor_code": factor,
                "evidence_ids": [evidence[k] for k in links],
                "status": status,
                "reason": reason,
            },
        )
        ids[key] = cause.id
        if conclusion:
            later.append((cause.id, conclusion))
    # Conclusions last: the guidance judges them against the whole fishbone.
    for cause_id, conclusion in later:
        cause = causes.get_cause(session, review, cause_id)
        causes.update_cause(
            session, review, cause_id, {"version": cause.version, "conclusion": conclusion}
        )


def story(
    title: str,
    actor: str,
    evidence_at: str,
    causes_at: str,
    evidence: list[Evidence],
    spec: list[CauseSpec],
) -> None:
    add_steps(
        title,
        Step(evidence_at, actor, "analysis-evidence", {"evidence": evidence}),
        Step(causes_at, actor, "analysis-causes", {"causes": spec}),
    )


# The five reviews' evidence and causes (data only) register themselves through story(): a
# cycle on purpose, keeping 500 lines of quoted data out of the loader's code.
from rca.demo import analysis_stories  # noqa: E402, F401
