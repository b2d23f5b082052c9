"""Pseudonymisation from the registers: consistent labels, names and references replaced in free
text with every replacement recorded, and what is uncertain flagged."""

from __future__ import annotations

from typing import Any

from rca.db import db
from rca.provider.models import StaffMember
from rca.reports import pseudonymise
from rca.reviews.models import Review


def _p(app: Any, review_id: int, **kw: Any) -> pseudonymise.Pseudonymiser:
    review = db.session.get(Review, review_id)
    return pseudonymise.for_review(db.session, review, **kw)


def test_names_and_references_become_the_pseudonym_everywhere(ctx: Any, report_review: Any) -> None:
    p = _p(ctx, report_review.review_id)
    text = p.text("Edith Brown (P-1042) told Mrs Brown's son; Edith was upset.", "note")
    assert text == "Person A (Person A) told Person A's son; Person A was upset."
    assert p.text("p-1042 again", "note") == "Person A again"  # references in any case
    assert p.text("P-10423 is another system's code", "note").startswith("P-10423")
    preview = {(r["original"], r["replacement"]) for r in p.preview()}
    assert ("Edith Brown", "Person A") in preview and ("Mrs Brown", "Person A") in preview
    assert all(r["where"] == ["note"] for r in p.preview() if r["original"] == "Edith")


def test_staff_appear_by_role_numbered_when_a_role_is_shared(ctx: Any, report_review: Any) -> None:
    review = db.session.get(Review, report_review.review_id)
    db.session.add(StaffMember(service_id=review.service_id, name="Zoe Quinn", role="Care Worker"))
    db.session.flush()
    p = pseudonymise.for_review(db.session, review)
    labels = set(p.staff_labels.values())
    assert {"Care Worker 1, agency", "Care Worker 2", "Registered Manager"} <= labels
    assert p.text("Ben Okoro and Zoe handed over to Sarah Mitchell", "x") == (
        "Care Worker 1, agency and Care Worker 2 handed over to Registered Manager"
    )
    # The same person has the same label every time.
    assert p.text("Ben Okoro", "y") == p.text("Mr Okoro", "z") == "Care Worker 1, agency"


def test_uncertain_words_are_flagged_not_guessed(ctx: Any, report_review: Any) -> None:
    p = _p(ctx, report_review.review_id)
    out = p.text("Mrs Henderson visited; Edyth was calm; ref Q-7781 noted.", "Evidence #9")
    assert "Henderson" in out and "Edyth" in out  # left alone: not in a register
    reasons = {f.word: f.reason for f in p.flags}
    assert "a name after a title" in reasons["Mrs Henderson"]
    assert "Edith" in reasons["Edyth"]  # a near miss of a register name
    assert "reference" in reasons["Q-7781"]
    assert all(f.where == "Evidence #9" for f in p.flags)


def test_a_first_name_two_staff_share_is_flagged(ctx: Any, report_review: Any) -> None:
    review = db.session.get(Review, report_review.review_id)
    db.session.add(StaffMember(service_id=review.service_id, name="Amy Jones", role="Cook"))
    db.session.flush()
    p = pseudonymise.for_review(db.session, review)
    assert p.text("Amy Jones cooked", "x") == "Cook cooked"
    p.text("Amy said so", "note")
    assert any(f.word == "Amy" and f.where == "note" for f in p.flags)


def test_staff_names_mode_keeps_staff_and_full_names_keeps_everything(
    ctx: Any, report_review: Any
) -> None:
    staff = _p(ctx, report_review.review_id, staff_names=True)
    assert staff.text("Ben Okoro saw Edith Brown", "x") == "Ben Okoro saw Person A"
    full = _p(ctx, report_review.review_id, full_names=True)
    assert full.text("Ben Okoro saw Edith Brown", "x") == "Ben Okoro saw Edith Brown"
    assert full.flags == []


def test_svg_text_is_pseudonymised_and_stays_escaped(ctx: Any, report_review: Any) -> None:
    p = _p(ctx, report_review.review_id)
    svg = '<svg aria-label="Edith Brown"><text>Edith Brown &lt;b&gt;</text></svg>'
    assert p.svg(svg, "d") == '<svg aria-label="Person A"><text>Person A &lt;b&gt;</text></svg>'
