"""Moving a stage past failing guidance needs a reason per rule: recorded, audited, shown in
History and in the panel, listed for the report, and it stands until the rule passes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rca.audit.models import AuditEntry
from rca.audit.recorder import acting_as
from rca.db import db
from rca.demo import loader
from rca.demo.steps import DemoContext
from rca.demo.stories import Step
from rca.guidance.models import GuidanceOverride
from rca.guidance.overrides import overrides_for
from rca.guidance.rules import ANALYSIS_RULES, evaluate
from rca.reviews import lifecycle
from rca.validation import FieldErrors
from tests.conftest import csrf_token
from tests.guidance.conftest import TODAY, by_rule

REASON = (
    "The panel agreed the root cause on the visit-note audit alone; interviews with the two care "
    "workers are booked for next week and will be linked then."
)


def _evidenced_root(story) -> int:
    return story.cause(
        "No one owns daily screening of visit notes",
        "governance",
        "supported",
        kinds=("care-notes", "governance"),
        conclusion="root",
    )


def test_a_failing_rule_blocks_the_move_until_given_a_reason(story):
    story.cause(
        "Alert prompts do not flag concern words",
        "equipment",
        "supported",
        kinds=("care-notes",),
        conclusion="root",
    )
    review = story.review()
    with pytest.raises(FieldErrors) as refused:
        lifecycle.move_to_stage(review, "actions", today=TODAY)
    db.session.rollback()
    assert set(refused.value.errors) == {"override-two-source-kinds", "stage"}
    assert (
        "Evidence from at least two kinds of source"
        in refused.value.errors["override-two-source-kinds"]
    )
    assert story.review().stage == "analysis"
    assert db.session.scalars(db.select(GuidanceOverride)).all() == []

    with pytest.raises(FieldErrors) as short:
        lifecycle.move_to_stage(
            story.review(), "actions", overrides={"two-source-kinds": "ok"}, today=TODAY
        )
    db.session.rollback()
    assert "Say in a sentence" in short.value.errors["override-two-source-kinds"]

    with acting_as(story.user.id, "web"):
        lifecycle.move_to_stage(
            story.review(), "actions", overrides={"override-two-source-kinds": REASON}, today=TODAY
        )
        db.session.commit()
    assert story.review().stage == "actions"
    [made] = overrides_for(db.session, story.review())
    assert (made.rule, made.to_stage, made.reason, made.by) == (
        "two-source-kinds",
        "actions",
        REASON,
        "Joanne Price",
    )
    assert "one kind of source only" in made.message
    result = by_rule(evaluate(db.session, story.review(), TODAY))["two-source-kinds"]
    assert (result.status, result.override_reason) == ("overridden", REASON)


def test_passing_rules_need_no_reason_and_action_rules_wait_for_their_own_move(story):
    _evidenced_root(story)
    lifecycle.move_to_stage(story.review(), "actions", today=TODAY)
    db.session.commit()
    assert story.review().stage == "actions"
    with pytest.raises(FieldErrors) as refused:
        lifecycle.move_to_stage(story.review(), "report", today=TODAY)
    db.session.rollback()
    assert {k for k in refused.value.errors if k != "stage"} == {
        "override-actions-target-causes",
        "override-not-symptom-only",
        "override-actions-smart",
    }
    assert refused.value.errors["stage"].startswith(
        "Not moved to Report: 3 guidance rules fail without a reason."
    )


def test_an_override_stands_when_the_rule_fails_again(story):
    cause = _evidenced_root(story)
    story.conclude(cause, "contributory")
    lifecycle.move_to_stage(
        story.review(), "actions", overrides={"root-cause-agreed": REASON}, today=TODAY
    )
    db.session.commit()
    story.conclude(cause, "root")
    assert by_rule(evaluate(db.session, story.review(), TODAY))["root-cause-agreed"].status == (
        "pass"
    )
    story.conclude(cause, "contributory")
    again = by_rule(evaluate(db.session, story.review(), TODAY))["root-cause-agreed"]
    assert (again.status, again.override_reason) == ("overridden", REASON)


def test_terms_blockers_still_block_whatever_the_reason(story):
    _evidenced_root(story)
    review = story.review()
    review.lead_id = None
    db.session.commit()
    with pytest.raises(FieldErrors) as refused:
        lifecycle.move_to_stage(
            story.review(), "actions", overrides={r: REASON for r in ANALYSIS_RULES}, today=TODAY
        )
    assert "Terms of reference" in refused.value.errors["stage"]


def test_the_form_asks_for_a_reason_per_rule_and_history_shows_the_override(story, web_as):
    web = web_as(story.user)
    page = web.get(f"/reviews/{story.review_id}/analysis")
    assert page.status_code == 200
    assert 'name="override-root-cause-agreed"' in page.text
    assert "Reason for moving on without “A root cause agreed”" in page.text
    version = story.review().version
    refused = web.post(
        f"/reviews/{story.review_id}/stage", {"stage": "actions", "version": version}
    )
    assert refused.status_code == 422
    assert "Fix it, or give a reason" in refused.text
    reasons = {f"override-{r}": REASON for r in ANALYSIS_RULES}
    moved = web.post(
        f"/reviews/{story.review_id}/stage", {"stage": "actions", "version": version, **reasons}
    )
    assert moved.status_code == 303, moved.text
    db.session.expire_all()
    assert story.review().stage == "actions"
    made = overrides_for(db.session, story.review())
    assert {m.rule for m in made} == {"two-source-kinds", "root-cause-agreed"}
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.entity == "guidance_override")
    ).all()
    assert {e.label for e in entries} == {
        "Guidance override: Evidence from at least two kinds of source",
        "Guidance override: A root cause agreed",
    }
    history = web.get(f"/reviews/{story.review_id}/history")
    assert "Guidance override: A root cause agreed" in history.text
    assert REASON[:60] in history.text
    csrf_token(history.text)  # still a normal page with its forms


def test_a_demo_stage_step_may_carry_overrides_dated_its_day(story):
    reasons = {"root-cause-agreed": REASON, "two-source-kinds": REASON}
    step = Step(
        "2026-08-12 14:15", "joanne.price", "stage", {"stage": "actions", "overrides": reasons}
    )
    context = DemoContext(staff={}, users={}, today=TODAY, memory={})
    loader._apply(db.session, story.review(), step, {}, context)
    db.session.commit()
    made = db.session.scalars(db.select(GuidanceOverride).order_by(GuidanceOverride.rule)).all()
    assert [(m.rule, m.reason) for m in made] == sorted(reasons.items())
    assert story.review().stage == "actions"
    # 14:15 in London in August is 13:15 UTC.
    assert {m.created_at for m in made} == {datetime(2026, 8, 12, 13, 15, tzinfo=UTC)}
