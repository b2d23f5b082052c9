"""``staff-error-tested``: "staff error" is refused as a root cause until the five areas were
examined (supervision, training, workload and staffing, communication and handover, management
oversight), each by a cause supported or ruled out on evidence."""

from __future__ import annotations

import pytest

from rca.db import db
from rca.fishbone.cause_status import ConclusionRefused
from rca.fishbone.models import Cause
from rca.guidance.gate import conclusion_refusal
from rca.guidance.patterns import looks_like_staff_error
from rca.guidance.rules import evaluate
from tests.guidance.conftest import TODAY, by_rule

BLAMING = [
    "Staff error",
    "Human error by the care worker",
    "Carer forgot to report the bruising",
    "Care worker did not follow policy on escalation",
    "Ryan failed to escalate the concern",
    "Carer didn't read the visit notes",
    "Careless recording",
    "Agency nurse negligence",
    "Lack of attention during the visit",
    "The night carer did not check the corridor",
    "Nurse did not read the MAR before the round",
]
NOT_BLAMING = [
    "Alert prompts in the visit app do not flag safeguarding words",
    "No one owns daily screening of visit notes",
    "Escalation thresholds unclear in the guidance",
    "The system failed to flag the concern",
    "Supervision overdue for three of four care workers",
    "The visit app did not record a ticked concern as an alert",
    "Handover did not pass on the change in risk",
    "Management oversight did not check the visit notes daily",
]


@pytest.mark.parametrize("text", BLAMING)
def test_staff_error_wording_is_recognised(text):
    assert looks_like_staff_error(text)


@pytest.mark.parametrize("text", NOT_BLAMING)
def test_system_wording_is_not_taken_for_staff_error(text):
    assert not looks_like_staff_error(text)


def _examine_all_but(story, skip: str = "") -> None:
    areas = {
        "supervision": (
            "Supervision did not cover escalation routes",
            "supervision",
            "supported",
            ("supervision", "interview"),
        ),
        "training": (
            "Safeguarding refresher out of date for two care workers",
            "training",
            "supported",
            ("training",),
        ),
        "workload": ("Visits cut short on double-booked runs", "staffing", "ruled-out", ("rota",)),
        "communication": (
            "Concerns not passed on at handover",
            "communication",
            "supported",
            ("handover", "care-notes"),
        ),
        "oversight": (
            "Managers review visit notes weekly, not daily",
            "governance",
            "supported",
            ("governance", "audit"),
        ),
    }
    for key, (text, category, status, kinds) in areas.items():
        if key != skip:
            story.cause(text, category, status, kinds=kinds)


def test_staff_error_refused_as_root_cause_then_allowed_once_the_five_areas_were_examined(story):
    blame = story.cause(
        "Care worker did not follow policy on escalation",
        "supervision",
        "supported",
        kinds=("care-notes",),
    )
    with pytest.raises(ConclusionRefused) as refused:
        story.conclude(blame, "root")
    db.session.rollback()
    assert refused.value.rule == "staff-error-tested"
    for area in (
        "supervision",
        "training and induction",
        "workload and staffing",
        "communication and handover",
        "management oversight",
    ):
        assert area in refused.value.message
    # A contributory factor meanwhile is fine: the gate only guards the root-cause conclusion.
    story.conclude(blame, "contributory")

    _examine_all_but(story, skip="oversight")
    cause = db.session.get(Cause, blame)
    refusal = conclusion_refusal(db.session, story.review(), cause, "root")
    assert refusal is not None
    assert "management oversight has been examined" in refusal[1]
    assert "supervision" not in refusal[1]

    story.cause(
        "Managers review visit notes weekly, not daily",
        "governance",
        "supported",
        kinds=("governance",),
    )
    story.conclude(blame, "root")
    assert db.session.get(Cause, blame).conclusion == "root"
    assert by_rule(evaluate(db.session, story.review(), TODAY))["staff-error-tested"].status == (
        "pass"
    )


def test_an_area_needs_evidence_not_just_a_status(story):
    _examine_all_but(story, skip="workload")
    story.cause("Runs too long for the visits booked", "staffing", "ruled-out")  # no evidence
    blame = story.cause("Human error", "communication", "supported", kinds=("care-notes",))
    refusal = conclusion_refusal(db.session, story.review(), db.session.get(Cause, blame), "root")
    assert refusal and "workload and staffing has been examined" in refusal[1]


def test_the_staff_error_cause_cannot_examine_its_own_area(story):
    _examine_all_but(story, skip="supervision")
    blame = story.cause(
        "Carer forgot the escalation route", "supervision", "supported", kinds=("supervision",)
    )
    refusal = conclusion_refusal(db.session, story.review(), db.session.get(Cause, blame), "root")
    assert refusal and "supervision has been examined" in refusal[1]


def test_the_rule_fails_if_an_area_is_later_reopened(story):
    _examine_all_but(story)
    blame = story.cause(
        "Staff error", "communication", "supported", kinds=("care-notes",), conclusion="root"
    )
    oversight = db.session.scalars(db.select(Cause).where(Cause.category == "governance")).one()
    oversight.status = "hypothesis"  # back under question
    db.session.commit()
    result = by_rule(evaluate(db.session, story.review(), TODAY))["staff-error-tested"]
    assert result.status == "fail"
    assert "“Staff error” is a root cause" in result.message
    assert result.fix_url.endswith(f"#cause-{blame}")


def test_areas_follow_the_reviews_framework(story):
    """Under SEIPS 2.0 one "Organisation" bone covers all five areas."""
    from rca.fishbone.models import FishboneSettings

    db.session.add(FishboneSettings(review_id=story.review_id, framework="seips"))
    db.session.commit()
    story.cause(
        "Organisation gave no daily screening of notes",
        "organisation",
        "supported",
        kinds=("governance",),
    )
    blame = story.cause("Staff error", "persons", "supported", kinds=("care-notes",))
    cause = db.session.get(Cause, blame)
    assert conclusion_refusal(db.session, story.review(), cause, "root") is None
