"""Each guidance rule on a realistic review (the safeguarding-escalation example, see conftest)."""

from __future__ import annotations

from sqlalchemy import event

from rca.db import db
from rca.guidance.rules import RULE_IDS, evaluate
from rca.reviews.models import Review
from tests.guidance.conftest import TODAY, by_rule


def _results(story):
    return by_rule(evaluate(db.session, story.review(), TODAY))


def test_every_rule_answers_in_the_contract_shape(story):
    results = evaluate(db.session, story.review(), TODAY)
    assert [r.rule for r in results] == list(RULE_IDS)
    for r in results:
        assert r.status in {"pass", "fail", "overridden"}
        assert r.message and r.explanation and r.fix_url.startswith(f"/reviews/{story.review_id}/")


def test_an_empty_fishbone_fails_calmly_and_action_rules_are_not_yet_due(story):
    results = _results(story)
    assert results["root-cause-agreed"].status == "fail"
    assert results["root-cause-agreed"].message == "No causes on the fishbone yet."
    # At analysis the analysis rules gate the next move; the action rules wait for the plan.
    assert not results["root-cause-agreed"].pending
    assert results["actions-smart"].status == "fail" and results["actions-smart"].pending
    assert results["target-measurable"].status == "pass"


def test_two_source_kinds_says_which_kinds_were_found(story):
    story.cause(
        "Visit notes record concerns in free text only",
        "equipment",
        "supported",
        kinds=("care-notes",),
    )
    one = _results(story)["two-source-kinds"]
    assert one.status == "fail"
    assert "one kind of source only (care and visit notes)" in one.message
    story.cause(
        "Escalation route not covered in supervision",
        "supervision",
        "supported",
        kinds=("supervision", "interview"),
    )
    two = _results(story)["two-source-kinds"]
    assert two.status == "pass"
    assert "3 kinds of source" in two.message
    assert "supervision records" in two.message and "interview summary" in two.message


def test_supported_has_evidence_names_the_bare_causes(story):
    bare = story.cause(
        "Managers find concerns only at weekly file checks", "governance", "supported"
    )
    result = _results(story)["supported-has-evidence"]
    assert result.status == "fail"
    assert "“Managers find concerns only at weekly file checks”" in result.message
    assert result.fix_url == f"/reviews/{story.review_id}/analysis#cause-{bare}"


def test_root_cause_agreed_names_the_root_cause(story):
    cause = story.cause(
        "Alert prompts in the visit app do not flag safeguarding words",
        "equipment",
        "supported",
        kinds=("care-notes", "audit"),
    )
    assert _results(story)["root-cause-agreed"].message == (
        "No cause has been agreed as a root cause yet."
    )
    story.conclude(cause, "root")
    result = _results(story)["root-cause-agreed"]
    assert result.status == "pass"
    assert "Alert prompts in the visit app" in result.message


def test_target_measurable_names_what_the_target_lacks(story):
    review = story.review()
    review.target_period_weeks = None
    review.target_measure = ""
    db.session.commit()
    result = _results(story)["target-measurable"]
    assert result.status == "fail"
    assert result.message == "The improvement target lacks a measure, a period in weeks."
    assert result.fix_url == f"/reviews/{story.review_id}/scope#target"


def test_actions_target_causes_names_loose_actions_and_unplanned_root_causes(story):
    root = story.cause(
        "No one owns daily screening of visit notes",
        "governance",
        "supported",
        kinds=("care-notes", "governance"),
        conclusion="root",
    )
    story.review().stage = "actions"
    db.session.commit()
    result = _results(story)["actions-target-causes"]
    assert result.status == "fail" and not result.pending
    assert "Root causes with no action: “No one owns daily screening of visit notes”." in (
        result.message
    )
    loose = story.action("Publish the on-call rota for managers on the office wall", [])
    result = _results(story)["actions-target-causes"]
    assert "Actions linked to no cause: “Publish the on-call rota" in result.message
    assert result.fix_url.endswith(f"/actions?edit={loose}#af-cause_ids")
    story.action(
        "Make the field supervisor screen every visit note for concern words daily", [root]
    )
    story.action_row(loose).cause_links.clear()
    db.session.delete(story.action_row(loose))
    db.session.commit()
    assert _results(story)["actions-target-causes"].status == "pass"


def test_actions_smart_names_each_failing_part(story):
    root = story.cause(
        "Escalation thresholds unclear to care workers",
        "guidance",
        "supported",
        kinds=("supervision", "interview"),
        conclusion="root",
    )
    bad = story.action(
        "Remind staff", [root], kind="individual", measure="", target="", due="", review_points=[]
    )
    result = _results(story)["actions-smart"]
    assert result.status == "fail"
    assert result.message.startswith("“Remind staff”: ")
    for part in (
        "specific:",
        "measurable: no measure given",
        "measurable: no target given",
        "time-bound: no due date",
        "time-bound: no review point",
    ):
        assert part in result.message
    assert result.fix_url.endswith(f"/actions?edit={bad}#action-form")


def test_evaluation_takes_the_same_number_of_queries_however_big_the_review(story):
    def count() -> int:
        statements: list[str] = []

        def seen(*args):
            statements.append(args[2])

        engine = db.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            db.session.expire_all()
            evaluate(db.session, db.session.get(Review, story.review_id), TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return len(statements)

    root = story.cause(
        "No one owns daily screening",
        "governance",
        "supported",
        kinds=("care-notes", "governance"),
        conclusion="root",
    )
    story.action("Make the field supervisor screen visit notes daily for concern words", [root])
    small = count()
    for n in range(6):
        c = story.cause(
            f"Contributory factor number {n} in handover",
            "communication",
            "supported",
            kinds=("handover",),
        )
        story.action(f"Add a handover section number {n} for concerns seen on visits", [c])
    assert count() == small
