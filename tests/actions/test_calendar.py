"""Calendars: the private feed parses with icalendar, holds every review point, and a revoked
or unknown token is 404."""

from __future__ import annotations

import re

import icalendar

from tests.actions.helpers import add_action


def _feed_url(web) -> str:
    page = web.post("/actions/calendar", {"do": "rotate"}).get_data(as_text=True)
    match = re.search(r'value="(http[^"]+/calendar/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1).replace("http://localhost", "")


def test_the_feed_holds_the_users_actions_and_every_review_point(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    mine = add_action(
        app,
        rid,
        owner="lucy@example.org",
        due="2027-01-15",
        review_points=["2027-01-29", "2027-02-26", "2027-03-26"],
    )
    add_action(app, rid, owner="Sarah Mitchell", text="Not Lucy's: shift lead checks at handover")
    url = _feed_url(web_as(plan_setup["owner"]))
    r = app.test_client().get(url)  # no session: the token is the credential
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(r.data)
    events = cal.walk("VEVENT")
    assert sorted(str(e.decoded("dtstart")) for e in events) == [
        "2027-01-15",
        "2027-01-29",
        "2027-02-26",
        "2027-03-26",
    ]
    uids = {str(e["uid"]) for e in events}
    assert f"action-{mine}-due@rca-workbench" in uids
    assert all(e.get("dtstamp") for e in events)
    assert all(e.walk("VALARM") for e in events)
    assert not any("Not Lucy" in str(e["summary"]) for e in events)
    # The same request again gives the same UIDs (calendar apps update, never duplicate).
    again = icalendar.Calendar.from_ical(app.test_client().get(url).data)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == uids


def test_rotating_and_revoking_the_feed(app, plan_setup, web_as):
    web = web_as(plan_setup["owner"])
    first = _feed_url(web)
    second = _feed_url(web)
    client = app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    web.post("/actions/calendar", {"do": "revoke"})
    assert client.get(second).status_code == 404
    assert client.get("/calendar/cal_not-a-real-token.ics").status_code == 404


def test_summaries_name_people_supported_only_by_pseudonym(app, plan_setup, web_as):
    from rca.db import db
    from rca.provider.models import PersonSupported
    from rca.reviews.models import Review, ReviewPerson

    with app.app_context():
        person = PersonSupported(
            service_id=plan_setup["oak"].id, reference="OAK-P-011", name="Edith Marsh"
        )
        db.session.add(person)
        db.session.flush()
        review = db.session.get(Review, plan_setup["review_id"])
        review.people.append(ReviewPerson(person_id=person.id, pseudonym="Person A"))
        db.session.commit()
    add_action(
        app,
        plan_setup["review_id"],
        owner="lucy@example.org",
        text="Update Edith Marsh's care plan and make the shift lead own updates",
    )
    url = _feed_url(web_as(plan_setup["owner"]))
    body = app.test_client().get(url).get_data(as_text=True)
    assert "Edith" not in body and "OAK-P-011" not in body
    assert "Person A" in body


def test_the_feed_drops_actions_at_services_the_user_can_no_longer_see(app, plan_setup, web_as):
    from rca.accounts.models import Membership
    from rca.db import db

    add_action(app, plan_setup["review_id"], owner="lucy@example.org")
    url = _feed_url(web_as(plan_setup["owner"]))
    with app.app_context():
        db.session.query(Membership).filter_by(user_id=plan_setup["owner"].id).update(
            {"service_id": plan_setup["riv"].id}
        )
        db.session.commit()
    cal = icalendar.Calendar.from_ical(app.test_client().get(url).data)
    assert cal.walk("VEVENT") == []


def test_one_actions_calendar_file_from_the_plan(app, plan_setup, web_as):
    action_id = add_action(app, plan_setup["review_id"], review_points=["2027-01-29"])
    r = web_as(plan_setup["lead"]).get(f"/actions/{action_id}/calendar.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(r.data)
    assert len(cal.walk("VEVENT")) == 2
    assert web_as(plan_setup["other"]).get(f"/actions/{action_id}/calendar.ics").status_code == 404
