"""The review meeting record: start and end, attendance from the panel, decisions, the summary
the report prints, and the meeting screens' access."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rca.accounts.models import User
from rca.audit.models import AuditEntry
from rca.db import db
from rca.fishbone import causes, meeting
from rca.fishbone.meeting_models import ReviewMeeting
from rca.reviews.models import Review, ReviewPanelMember
from rca.validation import FieldErrors


@pytest.fixture
def room(app, make_service, make_user, make_review):
    """A review at OAK with a lead and a panel of two; its facilitator; a viewer elsewhere."""
    oak = make_service("OAK")
    riv = make_service("RIV")
    facilitator = make_user("amira@example.org", "facilitator", [oak], name="Amira Hussain")
    lead = make_user("sarah@example.org", "investigator", [oak], name="Sarah Mitchell")
    panel = make_user("tom@example.org", "investigator", [oak], name="Tom Whitfield")
    reader = make_user("margaret@example.org", "read-only", [oak], name="Margaret Doyle")
    outsider = make_user("grace@example.org", "investigator", [riv], name="Grace Adeyemi")
    review_id = make_review(lead, oak)
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.lead_id = lead.id
        review.panel.append(ReviewPanelMember(user_id=panel.id))
        review.panel.append(ReviewPanelMember(user_id=facilitator.id))
        db.session.commit()
    return {
        "review_id": review_id, "facilitator": facilitator, "lead": lead, "panel": panel,
        "reader": reader, "outsider": outsider,
    }  # fmt: skip


def _review(room) -> Review:
    return db.session.get(Review, room["review_id"])


def test_attendance_starts_from_the_facilitator_lead_and_panel_once_each(ctx, room):
    review = _review(room)
    user = db.session.get(User, room["facilitator"].id)
    record = meeting.start_meeting(db.session, review, user, {"kind": "analysis"})
    db.session.commit()
    assert [(a.name, a.role, a.attendance) for a in record.attendees] == [
        ("Amira Hussain", "Facilitator", "present"),
        ("Sarah Mitchell", "Review lead", "present"),
        ("Tom Whitfield", "Panel member", "present"),
    ]
    assert meeting.current_meeting(db.session, review).id == record.id


def test_starting_twice_gives_the_same_meeting(ctx, room):
    review = _review(room)
    user = db.session.get(User, room["facilitator"].id)
    first = meeting.start_meeting(db.session, review, user)
    second = meeting.start_meeting(db.session, review, user)
    assert first.id == second.id
    assert len(meeting.meetings_for(db.session, review)) == 1


def test_a_bad_kind_is_refused_naming_the_field(ctx, room):
    review = _review(room)
    user = db.session.get(User, room["facilitator"].id)
    with pytest.raises(FieldErrors) as exc:
        meeting.start_meeting(db.session, review, user, {"kind": "party"})
    assert "kind" in exc.value.errors


def test_decisions_apologies_and_the_summary_for_the_report(ctx, room):
    review = _review(room)
    user = db.session.get(User, room["facilitator"].id)
    at = datetime(2026, 10, 26, 14, 30, tzinfo=UTC)
    record = meeting.start_meeting(db.session, review, user, at=at)
    cause = causes.add_cause(
        db.session,
        review,
        user,
        {"text": "Two corridor lights faulty for three weeks", "category": "environment"},
    )
    tom = next(a for a in record.attendees if a.name == "Tom Whitfield")
    meeting.set_attendance(db.session, record, tom.id, "apologies")
    meeting.add_attendee(db.session, record, {"name": "Marek Nowak", "role": "Maintenance lead"})
    meeting.add_decision(
        db.session,
        record,
        user,
        {"text": "Audit lighting in every service, not only Oakfield", "cause_id": cause.id},
    )
    meeting.end_meeting(
        db.session,
        record,
        "Root cause agreed: no owner for fault reports.",
        at=datetime(2026, 10, 26, 15, 45, tzinfo=UTC),
    )
    db.session.commit()

    [summary] = meeting.meeting_summaries(db.session, review)
    assert summary.kind == "Analysis meeting"
    assert summary.held_at == at
    assert summary.ended_at == datetime(2026, 10, 26, 15, 45, tzinfo=UTC)
    assert summary.facilitator == "Amira Hussain"
    assert summary.notes == "Root cause agreed: no owner for fault reports."
    assert [a.name for a in summary.present] == ["Amira Hussain", "Sarah Mitchell", "Marek Nowak"]
    assert [a.name for a in summary.apologies] == ["Tom Whitfield"]
    [decision] = summary.decisions
    assert decision.text == "Audit lighting in every service, not only Oakfield"
    assert decision.cause_text == "Two corridor lights faulty for three weeks"
    assert meeting.current_meeting(db.session, review) is None
    labels = {e.label for e in db.session.query(AuditEntry).filter_by(review_id=review.id)}
    assert "Decision: Audit lighting in every service, not only Oakfield" in labels


def test_a_decision_about_another_reviews_cause_is_refused(ctx, room, make_review):
    review = _review(room)
    user = db.session.get(User, room["facilitator"].id)
    other = db.session.get(Review, make_review(room["lead"], review.service))
    foreign = causes.add_cause(db.session, other, user, {"text": "x", "category": "staffing"})
    record = meeting.start_meeting(db.session, review, user)
    with pytest.raises(FieldErrors) as exc:
        meeting.add_decision(db.session, record, user, {"text": "Do it", "cause_id": foreign.id})
    assert "cause_id" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        meeting.add_decision(db.session, record, user, {"text": "  "})
    assert exc.value.errors == {"text": "Decision is required."}


def test_the_meeting_page_for_a_facilitator_has_the_entry_line(room, web_as):
    web = web_as(room["facilitator"])
    page = web.get(f"/reviews/{room['review_id']}/meeting")
    assert page.status_code == 200
    assert "data-quick-entry" in page.text
    assert "Leave meeting mode" in page.text
    assert 'class="meeting-mode"' in page.text
    assert "Amira Hussain" in page.text  # presence: the page itself counts as being here


def test_read_only_sees_the_meeting_without_edit_controls(room, web_as):
    web = web_as(room["reader"])
    page = web.get(f"/reviews/{room['review_id']}/meeting")
    assert page.status_code == 200
    assert "data-quick-entry" not in page.text
    assert "Start meeting" not in page.text
    assert "Undo my last change" not in page.text
    refused = web.post(f"/reviews/{room['review_id']}/meetings", {"kind": "analysis"})
    assert refused.status_code == 403


def test_another_services_review_is_a_404(room, web_as):
    web = web_as(room["outsider"])
    assert web.get(f"/reviews/{room['review_id']}/meeting").status_code == 404
    assert web.get(f"/reviews/{room['review_id']}/live?since=0.0").status_code == 404


def test_start_decide_and_end_through_the_screens(app, room, web_as):
    web = web_as(room["facilitator"])
    rid = room["review_id"]
    assert web.post(f"/reviews/{rid}/meetings", {"kind": "findings"}).status_code == 303
    with app.app_context():
        record = db.session.query(ReviewMeeting).filter_by(review_id=rid).one()
        mid = record.id
    bad = web.post(
        f"/reviews/{rid}/meetings/{mid}/decisions", {"text": ""}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422
    assert "Decision is required." in bad.text
    ok = web.post(
        f"/reviews/{rid}/meetings/{mid}/decisions",
        {"text": "Named senior sign-off for high-risk changes"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200
    assert "Named senior sign-off for high-risk changes" in ok.text
    assert web.post(f"/reviews/{rid}/meetings/{mid}/end", {"notes": "Done"}).status_code == 303
    with app.app_context():
        record = db.session.get(ReviewMeeting, mid)
        assert record.ended_at is not None and record.notes == "Done"


def test_the_analysis_pane_leads_into_meeting_mode_and_polls(room, web_as):
    web = web_as(room["facilitator"])
    pane = web.get(f"/reviews/{room['review_id']}/analysis")
    assert pane.status_code == 200
    assert f'href="/reviews/{room["review_id"]}/meeting"' in pane.text
    assert "Start a meeting" in pane.text
    assert f"/reviews/{room['review_id']}/live?since=" in pane.text
    started = web.post(f"/reviews/{room['review_id']}/meetings", {"kind": "analysis"})
    assert started.headers["Location"].endswith(f"/reviews/{room['review_id']}/meeting")
    assert "Running" in web.get(f"/reviews/{room['review_id']}/analysis").text
