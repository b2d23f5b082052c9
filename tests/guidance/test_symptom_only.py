"""``not-symptom-only``: the ownership-gap example of the domain reading. Care plans were not
updated after changes in risk because nobody owned the update; updating the missed plans and
reminding staff fixes the instance, and the rule flags it until a system change addresses the
cause ("assign named responsibility for change updates")."""

from __future__ import annotations

import pytest

from rca.db import db
from rca.guidance.patterns import fixes_instance_only
from rca.guidance.rules import evaluate
from tests.guidance.conftest import TODAY, by_rule


@pytest.mark.parametrize(
    "text",
    [
        "Update this care plan with the new falls risk",
        "Update Person A's care plan",
        "Remind staff to record changes in risk",
        "Re-audit the care plans next month",
        "Repeat the audit in March",
    ],
)
def test_instance_fixes_are_recognised(text):
    assert fixes_instance_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "Assign named responsibility for care plan updates in the allocation process",
        "Add a senior sign-off step for high-risk changes to the care planning procedure",
        "Add a monthly audit sample of care plan update times to the quality dashboard",
    ],
)
def test_system_changes_are_not_taken_for_instance_fixes(text):
    assert not fixes_instance_only(text)


def test_a_symptom_only_plan_is_flagged_then_cleared_by_a_system_change(story):
    gap = story.cause(
        "Unclear ownership of care-plan updates after changes in risk",
        "guidance",
        "supported",
        kinds=("care-plan-changes", "handover"),
        conclusion="root",
    )
    story.action(
        "Update the care plans for the three people affected",
        [gap],
        kind="individual",
        action_type="reminder",
        measure="care plans reflecting current risk",
        target="3 of 3",
    )
    # A "system" action whose words only fix this instance does not count either.
    story.action(
        "Re-audit the care plans in four weeks",
        [gap],
        kind="system",
        action_type="process",
        measure="changes reflected within 5 days",
        target="95%",
    )
    result = by_rule(evaluate(db.session, story.review(), TODAY))["not-symptom-only"]
    assert result.status == "fail"
    assert result.message.startswith(
        "“Unclear ownership of care-plan updates after changes in risk” is addressed only by"
    )
    assert "add a system change" in result.message
    assert result.fix_url.endswith(f"/actions?plan={gap}#action-form")

    story.action(
        "Assign named responsibility for change updates in the care planning allocation process",
        [gap],
        kind="system",
        action_type="ownership",
        measure="identified changes reflected in care plans within 5 working days",
        target="95%",
    )
    result = by_rule(evaluate(db.session, story.review(), TODAY))["not-symptom-only"]
    assert result.status == "pass"


def test_a_root_cause_without_actions_has_no_system_change_either(story):
    gap = story.cause(
        "Unclear ownership of care-plan updates",
        "guidance",
        "supported",
        kinds=("care-plan-changes", "audit"),
        conclusion="root",
    )
    results = by_rule(evaluate(db.session, story.review(), TODAY))
    assert results["not-symptom-only"].status == "fail"
    assert results["not-symptom-only"].message == (
        "No system change planned yet for “Unclear ownership of care-plan updates”."
    )
    assert results["not-symptom-only"].fix_url.endswith(f"/actions?plan={gap}#action-form")
    assert results["actions-target-causes"].status == "fail"
