"""The chronology, delays, staff status and shifts on a realistic review (see conftest)."""

from __future__ import annotations

from datetime import date

from rca.db import db
from rca.provider.models import Service, StaffMember
from rca.reviews.models import Review
from rca.timeline import assembly, standards
from rca.timeline.chronology import on_shift
from rca.timeline.models import EventMark
from tests.timeline.conftest import add_row, local


def _build(scenario, **kw):
    return assembly.build(db.session, db.session.get(Review, scenario.review_id), **kw)


def test_events_are_in_time_order_with_lanes_and_pseudonyms(ctx, scenario):
    tl = _build(scenario)
    events = tl.chronology.events
    assert [e.at for e in events] == sorted(e.at for e in events)
    bruise = next(e for e in events if e.id == scenario.rows["bruise"])
    assert bruise.lane == "care" and bruise.concern
    assert bruise.person_ref == "P-1042" and bruise.person_label == "Person A"
    assert {e.lane for e in events} >= {"care", "medication", "staffing", "communication"}
    # Supervision and training before the period are not events, but count for status.
    assert scenario.rows["sup_amy"] not in {e.id for e in events}


def test_delays_against_the_default_standards(ctx, scenario):
    tl = _build(scenario)
    found = [
        (d.start.id, d.answer.id if d.answer else None, d.working_days, d.breached)
        for d in tl.delays
    ]
    rows = scenario.rows
    assert found == [
        # Thu 01/10 -> Mon 05/10: Fri and Mon, limit 1.
        (rows["bruise"], rows["review"], 2, True),
        # Agency night concern answered by the team leader's handover the same morning.
        (rows["refused"], rows["handover"], 0, False),
        # Tue 06/10 -> Wed 14/10: 7, 8, 9, 12, 13, 14 October, limit 5.
        (rows["change"], rows["plan"], 6, True),
    ]
    assert tl.delays[0].deadline == date(2026, 10, 2)


def test_an_unanswered_concern_is_measured_to_today(ctx, scenario):
    review = db.session.get(Review, scenario.review_id)
    lone = add_row(review.id, "incidents", "2026-10-12 16:00", "Fall in the garden", concern=True)
    db.session.commit()
    tl = _build(scenario)
    delay = next(d for d in tl.delays if d.start.id == lone.id)
    # Incidents name no person: Sarah's care-plan change on Wed 14/10 answers it (2 days).
    assert delay.answer is not None and delay.working_days == 2 and delay.breached
    tl_json = tl.to_json()["delays"]
    assert {"from_event": lone.id, "working_days": 2, "breached": True}.items() <= next(
        d for d in tl_json if d["from_event"] == lone.id
    ).items()
    # Remove the answers: on Fri 16/10 the concern has waited 4 working days with no answer.
    for key in ("review", "plan"):
        db.session.delete(db.session.get(type(lone), scenario.rows[key]))
    db.session.commit()
    delay = next(
        d for d in _build(scenario, today=date(2026, 10, 16)).delays if d.start.id == lone.id
    )
    assert delay.answer is None and delay.working_days == 4 and delay.breached
    assert delay.status == "breached"
    assert delay.words == "4 working days with no answer against a standard of 1"
    # Months later it is still breached, and measured to that day (not "met so far").
    later = next(
        d for d in _build(scenario, today=date(2027, 3, 1)).delays if d.start.id == lone.id
    )
    assert later.breached and later.working_days > 90


def test_the_investigators_marks_and_own_standards_count(ctx, scenario):
    review = db.session.get(Review, scenario.review_id)
    # Marking the handover as a change in need adds an instance of the care-plan standard.
    standards.toggle_mark(db.session, review, scenario.rows["handover"], "change-in-need", None)
    db.session.commit()
    tl = _build(scenario)
    added = [d for d in tl.delays if d.start.id == scenario.rows["handover"]]
    assert len(added) == 1 and added[0].answer is None  # P-2001 has no care-plan change
    # Unmarking removes it again.
    assert not standards.toggle_mark(
        db.session, review, scenario.rows["handover"], "change-in-need", None
    )
    db.session.commit()
    assert db.session.query(EventMark).count() == 0
    # A service standard of its own: incidents... here, concern to care-plan change in 3 days.
    standards.add_standard(
        db.session,
        review.service_id,
        {"from_type": "concern", "to_type": "care-plan-change", "limit_working_days": "3"},
    )
    db.session.commit()
    tl = _build(scenario)
    assert len(tl.standards) == 3  # the defaults were copied in beside it
    own = [d for d in tl.delays if d.limit_working_days == 3]
    bruise = next(d for d in own if d.start.id == scenario.rows["bruise"])
    assert bruise.answer.id == scenario.rows["plan"] and bruise.working_days == 9


def test_the_service_nation_decides_the_calendar(ctx, scenario):
    review = db.session.get(Review, scenario.review_id)
    add_row(review.id, "care-notes", "2026-12-24 09:00", "Weight loss noted", concern=True)
    db.session.get(Service, review.service_id)
    review.period_end = date(2026, 12, 31)
    db.session.commit()
    tl = _build(scenario, today=date(2026, 12, 31))
    late = next(d for d in tl.delays if d.start.at == local("2026-12-24 09:00"))
    # No answer: to Thu 31/12 is 29, 30, 31 December (25 and the substitute 28th excluded).
    assert late.answer is None and late.working_days == 3


def test_staff_status_as_at_their_first_own_entry(ctx, scenario):
    tl = _build(scenario)
    status = {s.staff: s for s in tl.statuses}
    assert set(status) == {"Amy Patel", "Ben Okoro", "Dan Hughes", "Sarah Mitchell"}
    amy = status["Amy Patel"]
    assert amy.as_at_event == scenario.rows["bruise"]
    assert amy.last_supervision == date(2026, 7, 1)
    assert amy.supervision_due == date(2026, 8, 26)  # from the record's next-due field
    assert amy.supervision_overdue
    courses = {t.course: t for t in amy.trainings}
    assert courses["Moving and handling"].expired
    assert not courses["Medication"].expired
    assert not amy.induction_record
    dan = status["Dan Hughes"]
    # No next-due field: the provider default, eight weeks after 20/09/2026.
    assert dan.supervision_due == date(2026, 11, 15) and not dan.supervision_overdue
    assert dan.induction_record
    ben = status["Ben Okoro"]
    assert ben.last_supervision is None and ben.supervision_due is None
    assert not ben.supervision_overdue and ben.trainings == [] and not ben.induction_record
    assert ben.employment == "agency"


def test_supervision_interval_is_configurable(ctx, scenario):
    tl = _build(scenario, supervision_weeks=4)
    dan = next(s for s in tl.statuses if s.staff == "Dan Hughes")
    assert dan.supervision_due == date(2026, 10, 18)


def test_training_completed_after_the_event_does_not_count(ctx, scenario):
    review = db.session.get(Review, scenario.review_id)
    ben = next(e.staff_id for e in _build(scenario).chronology.events if e.staff == "Ben Okoro")
    add_row(
        review.id,
        "training",
        None,
        staff=db.session.get(StaffMember, ben),
        on=date(2026, 10, 9),
        fields={"course": "Agency induction", "completed": "2026-10-09"},
    )
    db.session.commit()
    tl = _build(scenario)
    assert not next(s for s in tl.statuses if s.staff == "Ben Okoro").induction_record
    # ...and the agency worker on the night of 01/10 had none either.
    assert ben in tl.uninducted_agency


def test_shifts_overnight_and_agency_share(ctx, scenario):
    tl = _build(scenario)
    night = on_shift(tl.chronology.shifts, local("2026-10-02 03:00"))
    assert sorted(s.staff for s in night) == ["Ben Okoro", "Dan Hughes"]
    assert [s.employment for s in night if s.staff == "Ben Okoro"] == ["agency"]
    assert on_shift(tl.chronology.shifts, local("2026-10-02 07:00")) == []


def test_an_overnight_shift_across_the_autumn_clock_change_is_thirteen_hours(ctx, scenario):
    review = db.session.get(Review, scenario.review_id)
    review.period_end = date(2026, 10, 31)
    add_row(review.id, "rota", "2026-10-24 20:00", ends="2026-10-25 08:00")
    db.session.commit()
    shift = next(
        s for s in _build(scenario).chronology.shifts if s.start == local("2026-10-24 20:00")
    )
    assert (shift.end - shift.start).total_seconds() == 13 * 3600
    assert on_shift([shift], local("2026-10-25 07:59")) == [shift]


def test_person_filter_keeps_their_events_and_those_about_no_one(ctx, scenario):
    tl = _build(scenario, person_ref="P-2001")
    refs = {e.person_ref for e in tl.chronology.events}
    assert refs == {"P-2001", None}
    assert [d.start.id for d in tl.delays] == [scenario.rows["refused"]]
