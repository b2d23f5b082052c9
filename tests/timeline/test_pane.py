"""The timeline pane and its forms through the real web client."""

from __future__ import annotations

from sqlalchemy import func, select

from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.timeline.models import Annotation, EventMark, ServiceStandard


def test_pane_shows_picture_table_delays_and_stepper(app, scenario, web_as):
    web = web_as(scenario.user)
    page = web.get(f"/reviews/{scenario.review_id}/timeline")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<svg" in html and "Care records" in html
    assert "breached: 2 working days (standard 1)" in html
    assert "Bruise on left forearm" in html and "Person A" in html
    assert "Edith" not in html  # the register's name never reaches the page
    assert "no induction record" in html  # Ben's agency night shift
    # The stepper lists Timeline after Evidence, as neither done nor current.
    assert html.index(">Evidence<") < html.index(">Timeline<") < html.index(">Analysis<")
    assert "stepper__item--pane" in html and "(working view)" in html


def test_view_state_lives_in_the_query_string(app, scenario, web_as):
    web = web_as(scenario.user)
    base = f"/reviews/{scenario.review_id}/timeline"
    day = web.get(base + "?window=day&at=2026-10-02&lane=medication&q=refused").text
    assert "Friday 02 October 2026" in day
    assert "1 event<" in day or "· 1 event" in day
    assert "Refused evening medication" in day and "Bruise on left" not in day
    # Hand-edited nonsense falls back to the defaults instead of failing.
    assert web.get(base + "?window=year&at=nope&staff=x&lane=zzz").status_code == 200
    unknown = web.get(base + "?person=P-9999").text
    assert "No person with reference P-9999" in unknown


def test_event_detail_fragment_and_no_js_fallback(app, scenario, web_as):
    web = web_as(scenario.user)
    url = f"/reviews/{scenario.review_id}/timeline/events/{scenario.rows['bruise']}"
    fragment = web.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "Amy Patel at this time" in fragment.text
    assert "Overdue" in fragment.text and "Expired" in fragment.text
    plain = web.get(url + "?window=week")
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"?window=week&event={scenario.rows['bruise']}")
    page = web.get(plain.headers["Location"]).text
    assert "Amy Patel at this time" in page


def test_annotations_facts_need_evidence_and_assumptions_are_listed(app, scenario, web_as):
    web = web_as(scenario.user)
    url = f"/reviews/{scenario.review_id}/timeline/annotations"
    refused = web.post(
        url,
        {"kind": "note", "basis": "fact", "text": "Staff were short", "state": "window=week"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422
    assert refused.headers["HX-Retarget"] == "#tl-assume"
    assert "A fact needs the evidence" in refused.text
    done = web.post(
        url,
        {"kind": "note", "basis": "assumption", "text": "Night staff <b>not</b> told",
         "state": "window=week&at=2026-09-28"},
    )  # fmt: skip
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/timeline?window=week&at=2026-09-28")
    key = web.post(
        url,
        {"kind": "key-moment", "basis": "fact", "text": "First sign",
         "evidence_id": scenario.rows["bruise"]},
    )  # fmt: skip
    assert key.status_code == 303
    page = web.get(f"/reviews/{scenario.review_id}/timeline").text
    assert "Assumptions to test at the meeting (1)" in page
    assert "Night staff &lt;b&gt;not&lt;/b&gt; told" in page
    assert "Key moment" in page and 'class="tl-key"' in page
    with app.app_context():
        assert db.session.scalar(select(Annotation).where(Annotation.basis == "fact")).evidence_id
        from rca.audit.models import AuditEntry

        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "timeline_annotation")
        )


def test_marks_manual_events_and_standards(app, scenario, web_as, make_user, make_service):
    web = web_as(scenario.user)
    rid = scenario.review_id
    assert (
        web.post(
            f"/reviews/{rid}/timeline/marks",
            {"evidence_id": scenario.rows["handover"], "event_type": "concern"},
        ).status_code
        == 303
    )
    added = web.post(
        f"/reviews/{rid}/timeline/events",
        {"day": "2026-10-03", "time": "14:00", "kind": "interview", "lane": "communication",
         "author": "Ivy", "text": "Amy says she told the night senior."},
    )  # fmt: skip
    assert added.status_code == 303 and "event=" in added.headers["Location"]
    bad = web.post(f"/reviews/{rid}/timeline/events", {"day": "31/02/2026", "text": ""})
    assert bad.status_code == 422 and "not a real date" in bad.text
    with app.app_context():
        assert db.session.query(EventMark).count() == 1
        manual = db.session.scalar(select(EvidenceRow).where(EvidenceRow.kind == "interview"))
        assert manual.fields["lane"] == "communication" and manual.author == "Ivy"
    # Only an admin of the service changes its standards.
    form = {"from_type": "incident", "to_type": "management-review", "limit_working_days": "2"}
    assert web.post(f"/reviews/{rid}/timeline/standards", form).status_code == 403
    oak_admin = make_user("admin@example.org", "admin", None)
    admin = web_as(oak_admin)
    bad = admin.post(f"/reviews/{rid}/timeline/standards", {**form, "limit_working_days": "-1"})
    assert bad.status_code == 422 and "whole number" in bad.text
    assert admin.post(f"/reviews/{rid}/timeline/standards", form).status_code == 303
    with app.app_context():
        names = [s.name for s in db.session.scalars(select(ServiceStandard))]
    assert len(names) == 3 and names[2].startswith("Incident followed by management review")
    page = admin.get(f"/reviews/{rid}/timeline").text
    assert "Service standards (3)" in page


def test_another_services_review_is_404_everywhere(app, scenario, web_as, make_user, make_service):
    elm = make_service("ELM")
    stranger = web_as(make_user("elm@example.org", "admin", [elm]))
    rid = scenario.review_id
    assert stranger.get(f"/reviews/{rid}/timeline").status_code == 404
    detail = f"/reviews/{rid}/timeline/events/{scenario.rows['bruise']}"
    assert stranger.get(detail, headers={"HX-Request": "true"}).status_code == 404
    post = {"kind": "note", "basis": "assumption", "text": "x"}
    assert stranger.post(f"/reviews/{rid}/timeline/annotations", post).status_code == 404
    assert stranger.post(f"/reviews/{rid}/timeline/standards", {}).status_code == 404
    with app.app_context():
        assert db.session.query(Annotation).count() == 0


def test_the_same_interview_from_the_evidence_pane_and_the_timeline_is_one_row(
    app, make_service, make_user, make_review
):
    from datetime import date

    import pytest

    from rca.evidence.manual import add_manual_evidence
    from rca.reviews.models import Review
    from rca.timeline import standards
    from rca.validation import FieldErrors

    oak = make_service("OAK")
    user = make_user("inv@example.org", "investigator", [oak])
    review_id = make_review(user, oak)
    with app.app_context():
        review = db.session.get(Review, review_id)
        add_manual_evidence(
            db.session,
            review,
            {
                "manual_kind": "interview",
                "manual_on": "2026-10-02",
                "manual_at": "14:30",
                "manual_author": "Ivy",
                "manual_text": "Night staff did not know the escalation route.",
            },
            user.id,
            date(2026, 11, 23),
        )
        with pytest.raises(FieldErrors) as refused:
            standards.add_manual_event(
                db.session,
                review,
                {
                    "kind": "interview",
                    "day": "2026-10-02",
                    "time": "14:30",
                    "lane": "communication",
                    "author": "Ivy",
                    "text": "Night staff did not know the escalation route.",
                },
                user.id,
            )
        assert refused.value.errors == {"text": "This event is already on the timeline."}
        assert db.session.scalar(select(func.count(EvidenceRow.id))) == 1


def test_the_events_table_is_paged_and_the_page_is_in_the_url(app, scenario, web_as):
    from rca.reviews.models import Review
    from rca.timeline import sample

    with app.app_context():
        review = db.session.get(Review, scenario.review_id)
        sample.fill(db.session, review, total=260, days=14)
        db.session.commit()
    web = web_as(scenario.user)
    base = f"/reviews/{scenario.review_id}/timeline"
    first = web.get(base).text
    count = int(first.split("Events 1–100 of ")[1].split("<")[0].replace(",", ""))
    assert count > 200
    assert 'id="tl-table-next"' in first and 'id="tl-table-prev"' not in first
    second = web.get(base + "?tpage=2").text
    assert f"Events 101–200 of {count:,}" in second and 'id="tl-table-prev"' in second
    # Past the end shows the last page; zooming starts the table again at its first page.
    last = web.get(base + "?tpage=99").text
    assert f"Events 201–{count:,} of {count:,}" in last and 'id="tl-table-next"' not in last
    assert "tpage=" not in second.split('class="tl-zoom"')[1].split("</nav>")[0]
