"""The SMART check names each failing part in words the plan shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rca.actions.models import Action, ReviewPoint
from rca.actions.smart import smart_check

TODAY = date(2026, 12, 1)


def action(**fields) -> Action:
    values = {
        "text": "Make the shift lead own care-plan updates after every change in risk",
        "kind": "system",
        "owner_name": "Hannah Price",
        "due": date(2027, 1, 15),
        "measure": "% of identified changes reflected in care plans within 5 working days",
        "target": "95%",
    }
    points = fields.pop("points", [date(2027, 2, 1)])
    values.update(fields)
    a = Action(**values)
    a.review_points = [ReviewPoint(on=on) for on in points]
    return a


def test_a_complete_action_is_smart():
    result = smart_check(action(), TODAY)
    assert result.ok and result.missing == []


def test_each_missing_part_is_named():
    result = smart_check(
        action(
            text="Improve recording", measure=None, target="", owner_name=None, due=None, points=[]
        ),
        TODAY,
    )
    assert not result.ok
    assert result.missing == [
        "specific: say what will change, in a few words",
        "measurable: no measure given",
        "measurable: no target given",
        "assigned: no named owner",
        "time-bound: no due date",
        "time-bound: no review point",
    ]


def test_a_vague_verb_alone_is_not_specific():
    result = smart_check(action(text="Review the medication process"), TODAY)
    assert result.missing == ['specific: "review" alone does not say what will change']


def test_realistic_is_judged_against_the_planning_date():
    past_due = smart_check(action(due=date(2026, 11, 1), points=[date(2026, 12, 5)]), TODAY)
    assert past_due.missing == ["realistic: due date is before the action was planned"]
    far = smart_check(action(due=date(2028, 1, 1)), TODAY)
    assert far.missing == ["realistic: due date is more than 12 months away"]
    early_point = smart_check(action(points=[date(2026, 11, 20)]), TODAY)
    assert early_point.missing == ["realistic: a review point is before the action was planned"]


def test_an_action_planned_in_time_stays_smart_when_it_runs_late():
    planned = action(due=date(2026, 10, 1), points=[date(2026, 10, 15)])
    planned.created_at = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    assert smart_check(planned, TODAY).ok


def test_an_owner_by_user_or_staff_id_counts_as_assigned():
    assert smart_check(action(owner_name=None, owner_user_id=3), TODAY).ok
    assert smart_check(action(owner_name=None, owner_staff_id=5), TODAY).ok
