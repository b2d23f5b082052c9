"""The demo's quality-statement tags: every finding and action is tagged by the default mapping
on its own (tags are derived, never stored), and one tag is set by hand, with its reason in the
History, so the demo shows an override.

The loader runs only on an empty database, so the override is made once; the step also leaves
an override already there alone, so running it twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.demo.steps import DemoContext, add_steps, handles
from rca.demo.stories import Step
from rca.governance import tagging
from rca.governance.statement_models import StatementOverride
from rca.reviews.models import Review

LIGHTING = "Fall in the first-floor corridor at night linked to poor lighting"
OVERRIDE = {
    "cause": "audit",
    "statement": "safe.safe-environments",
    "effect": "add",
    "reason": "The missing lighting check is in the environment audit: putting it right is how "
    "the home shows it keeps its environment safe, not only how it governs audits.",
}


@handles("quality-override")
def quality_override(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    cause_id = ctx.memory["causes"][step.data["cause"]]
    done = session.scalar(
        select(StatementOverride.id).where(
            StatementOverride.cause_id == cause_id,
            StatementOverride.statement == step.data["statement"],
        )
    )
    if done is None:
        user_id = ctx.users[step.actor].id
        tagging.set_override(session, review, step.data, user_id, cause_id=cause_id)


# After the causes are agreed (rca.demo.analysis_stories: 29/10 15:00).
add_steps(LIGHTING, Step("2026-10-29 16:00", "sarah.mitchell", "quality-override", OVERRIDE))
