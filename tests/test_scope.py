"""Terms of reference: validation, pseudonyms, the stage gate and stale forms."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rca.db import db
from rca.reviews import lifecycle, scope
from rca.reviews.models import Review
from rca.validation import FieldErrors, parse_date

TODAY = date(2026, 11, 23)


@pytest.fixture
def setting(make_service, make_user, make_review):
    oak, elm = make_service("OAK"), make_service("ELM")
    lead = make_user("lead@example.org", "investigator", [oak], name="Lena Lead")
    panel = make_user("panel@example.org", "contributor", [oak], name="Pat Panel")
    outsider = make_user("out@example.org", "investigator", [elm], name="Otto Outsider")
    review_id = make_review(lead, oak)
    return {"review_id": review_id, "lead": lead, "panel": panel, "outsider": outsider}


def terms(setting, **changes):
    raw = {
        "question": "Why were changes in risk not reflected in care plans?",
        "period_start": "01/08/2026",
        "period_end": "2026-10-31",
        "baseline_issue": "Three of ten care plans were out of date.",
        "target_measure": "identified changes reflected in care plans within 5 working days",
        "target_threshold": "95",
        "target_period_weeks": "8",
        "lead_id": str(setting["lead"].id),
        "people": "P-9",
    }
    raw.update(changes)
    return raw


def save(setting, panel=(), **changes):
    review = db.session.get(Review, setting["review_id"])
    scope.update_terms(db.session, review, terms(setting, **changes), TODAY, panel_ids=panel)
    return review


def errors_for(setting, **changes) -> dict[str, str]:
    with pytest.raises(FieldErrors) as exc:
        save(setting, **changes)
    db.session.rollback()
    return exc.value.errors


def test_complete_terms_are_saved(ctx, setting):
    review = save(setting, panel=[setting["panel"].id])
    assert review.period_start == date(2026, 8, 1)
    assert str(review.target_threshold) in {"95", "95.00"}
    assert [m.user_id for m in review.panel] == [setting["panel"].id]
    assert scope.terms_missing(review) == []
    assert review.target_text.startswith("95% of identified changes")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"period_start": "31/02/2026"}, "period_start", "February 2026 has 28 days"),
        ({"period_start": "2026-13-01"}, "period_start", "no month 13"),
        ({"period_start": "yesterday"}, "period_start", "like 31/01/2026"),
        ({"period_end": "2026-07-31"}, "period_end", "end on or after"),
        ({"period_end": "24/11/2026"}, "period_end", "cannot be in the future"),
        ({"target_threshold": "0"}, "target_threshold", "more than 0"),
        ({"target_threshold": "101"}, "target_threshold", "at most 100"),
        ({"target_threshold": "abc"}, "target_threshold", "percentage"),
        ({"target_threshold": "NaN"}, "target_threshold", "more than 0"),
        ({"target_period_weeks": "0"}, "target_period_weeks", "less than 1"),
        ({"target_period_weeks": "2.5"}, "target_period_weeks", "whole number"),
        ({"lead_id": ""}, "lead_id", "Choose a review lead"),
        ({"question": "  "}, "question", "required"),
        ({"target_measure": ""}, "target_measure", "required"),
    ],
)
def test_bad_terms_are_refused_beside_their_field(ctx, setting, changes, field, words):
    errors = errors_for(setting, **changes)
    assert field in errors, errors
    assert words in errors[field]
    review = db.session.get(Review, setting["review_id"])
    assert review.question is None, "a refused save changed the review"


def test_terms_with_nobody_in_scope_save(ctx, setting):
    review = save(setting, people="")
    db.session.commit()
    assert review.people == []
    assert scope.terms_missing(review) == []


def test_today_and_a_full_threshold_are_fine(ctx, setting):
    review = save(setting, period_end="23/11/2026", target_threshold="100%")
    assert review.period_end == TODAY


def test_lead_and_panel_must_be_able_to_see_the_service(ctx, setting):
    outsider = setting["outsider"].id
    assert "lead_id" in errors_for(setting, lead_id=str(outsider))
    assert "panel" in errors_for(setting, panel=[outsider])
    assert "panel" in errors_for(setting, panel=[999_999])


def test_people_get_stable_unique_pseudonyms(ctx, setting):
    review = save(setting, people="P-1, P-2;P-3\nP-2")
    assert [(p.person.reference, p.pseudonym) for p in review.people] == [
        ("P-1", "Person A"),
        ("P-2", "Person B"),
        ("P-3", "Person C"),
    ]
    db.session.commit()

    review = save(setting, people="P-3, P-1")  # P-2 leaves; the others keep their letters
    assert {p.person.reference: p.pseudonym for p in review.people} == {
        "P-1": "Person A",
        "P-3": "Person C",
    }
    db.session.commit()

    review = save(setting, people="P-3, P-1, P-4, P-2")  # P-2 comes back
    pseudonyms = {p.person.reference: p.pseudonym for p in review.people}
    assert pseudonyms["P-1"] == "Person A" and pseudonyms["P-3"] == "Person C"
    assert len(set(pseudonyms.values())) == 4, pseudonyms
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Review, setting["review_id"])
    assert {p.person.reference: p.pseudonym for p in stored.people} == pseudonyms


def test_pseudonyms_never_run_out():
    assert scope.pseudonym_for(0) == "Person A"
    assert scope.pseudonym_for(25) == "Person Z"
    assert scope.pseudonym_for(26) == "Person AA"
    names = [scope.pseudonym_for(i) for i in range(scope.MAX_PEOPLE * 3)]
    assert len(set(names)) == len(names)


# --- Stage gate ----------------------------------------------------------------------------


def test_stage_gate(ctx, setting):
    review = db.session.get(Review, setting["review_id"])
    with pytest.raises(FieldErrors, match="one at a time"):
        lifecycle.move_to_stage(review, "evidence")
    lifecycle.move_to_stage(review, "scope")
    with pytest.raises(FieldErrors) as exc:
        lifecycle.move_to_stage(review, "evidence")
    assert "Terms of reference" in exc.value.errors["stage"]
    assert review.stage == "scope"
    save(setting)
    lifecycle.move_to_stage(review, "evidence")
    assert review.stage == "evidence"
    with pytest.raises(FieldErrors, match="Unknown stage"):
        lifecycle.move_to_stage(review, "done")


def test_stage_gate_in_the_ui(app, setting, web_as):
    web = web_as(setting["lead"])
    rid = setting["review_id"]
    assert web.post(f"/reviews/{rid}/stage", {"stage": "scope"}).status_code == 303
    response = web.post(f"/reviews/{rid}/stage", {"stage": "evidence"})
    assert response.status_code == 422
    assert "Terms of reference" in response.text
    with app.app_context():
        assert db.session.get(Review, rid).stage == "scope"


def test_the_terms_pane_shows_who_is_in_scope(app, setting, make_user, web_as):
    """The pane ticks the panel and staff actually chosen and lists each person's pseudonym with
    their reference (ids chosen so that no user, staff or link id coincides with another)."""
    from rca.provider.models import PersonSupported, StaffMember
    from rca.reviews.models import ReviewPerson

    extra = make_user("extra@example.org", "contributor", None, name="Eve Extra")
    with app.app_context():
        review = db.session.get(Review, setting["review_id"])
        service_id = review.service_id
        staff = [StaffMember(service_id=service_id, name=f"Carer {n}") for n in range(6)]
        db.session.add_all(staff)
        db.session.flush()
        chosen_staff = [staff[4].id, staff[5].id]
        scope.update_terms(
            db.session,
            review,
            terms(setting, people="P-77, P-12"),
            TODAY,
            panel_ids=[extra.id, setting["panel"].id],
            staff_ids=chosen_staff,
        )
        db.session.commit()
        pseudonyms = {
            p.person.reference: p.pseudonym
            for p in db.session.query(ReviewPerson).filter_by(review_id=review.id)
        }
        assert db.session.query(PersonSupported).count() == 2
    page = web_as(setting["lead"]).get(f"/reviews/{setting['review_id']}/scope").text
    ticked = set(re.findall(r'name="(panel|staff)" value="(\d+)" checked', page))
    assert ticked == {
        ("panel", str(extra.id)),
        ("panel", str(setting["panel"].id)),
        *(("staff", str(i)) for i in chosen_staff),
    }
    for reference, pseudonym in pseudonyms.items():
        assert f'<li>{pseudonym} <span class="muted">({reference})</span></li>' in page
    # Someone who may only read sees the same people as a summary.
    seen = web_as(setting["panel"]).get(f"/reviews/{setting['review_id']}/scope").text
    assert re.search(r"<dt>Panel</dt><dd>(Eve Extra, Pat Panel|Pat Panel, Eve Extra)</dd>", seen)
    assert "<dt>Staff in scope</dt><dd>Carer 4, Carer 5</dd>" in seen


# --- Stale forms ---------------------------------------------------------------------------


def test_a_stale_form_gets_409_and_overwrites_nothing(app, setting, web_as):
    web = web_as(setting["lead"])
    rid = setting["review_id"]
    with app.app_context():
        version = db.session.get(Review, rid).version
    first = {**terms(setting), "version": version}
    assert web.post(f"/reviews/{rid}/scope", first).status_code == 303
    stale = {**terms(setting, question="An older question"), "version": version}
    for headers in ({}, {"HX-Request": "true"}):
        response = web.post(f"/reviews/{rid}/scope", stale, headers=headers)
        assert response.status_code == 409
        assert "Someone else changed this review" in response.text
    with app.app_context():
        review = db.session.get(Review, rid)
        assert review.question == first["question"]
        assert review.version > version


# --- Dates typed by people -------------------------------------------------------------------


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_parse_date_round_trips_real_dates(day):
    assert parse_date(day.strftime("%d/%m/") + f"{day.year:04d}") == day
    assert parse_date(f"{day.year:04d}-{day.month:02d}-{day.day:02d}") == day
    assert parse_date(f" {day.day}/{day.month}/{day.year:04d} ") == day


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_date_only_ever_raises_value_error(value):
    try:
        result = parse_date(value)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(result, date)


@given(
    st.integers(0, 9999).map(lambda y: f"{y:04d}"),
    st.integers(0, 99),
    st.integers(0, 99),
)
def test_parse_date_accepts_exactly_the_calendar(year, month, day):
    text = f"{day:02d}/{month:02d}/{year}"
    try:
        expected = date(int(year), month, day)
    except ValueError:
        with pytest.raises(ValueError):
            parse_date(text)
    else:
        assert parse_date(text) == expected
