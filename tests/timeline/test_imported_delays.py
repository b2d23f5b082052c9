"""The change-in-need standard measured on imported exports, not on investigator marks.

A care-notes export whose "Change in needs?" column flags the day Person A's needs changed, and
the care plan history export that shows when the plan caught up: the timeline finds the delay in
working days (England: the August bank holiday does not count) from the imported rows alone.
"""

from __future__ import annotations

from datetime import date

from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.mapping import propose_mapping
from rca.evidence.reading import read_table
from rca.reviews import scope
from rca.reviews.models import Review
from rca.timeline import assembly

CARE_NOTES = (
    "Date,Time,Carer,Client ID,Note,Concern?,Change in needs?\r\n"
    '20/08/2026,08:10,Amy Patel,P-1042,"Assisted with breakfast, ate well.",,\r\n'
    '21/08/2026,19:40,Amy Patel,P-1042,"Two falls today; now needs two carers to stand, '
    'and the frame.",Y,Y\r\n'
    "22/08/2026,09:05,Dan Hughes,P-2001,Settled night. Skin intact.,,N\r\n"
    '24/08/2026,10:30,Dan Hughes,P-2001,"Swallowing worse at lunch: SALT referral, soft '
    'diet from today.",,Y\r\n'
)
PLAN_CHANGES = (
    "Date Changed,Changed By,Client ID,Section,Change,Reason\r\n"
    "26/08/2026 15:00,Sarah Mitchell,P-2001,Eating and drinking,Soft diet (IDDSI 6),SALT advice\r\n"
    "02/09/2026 11:00,Sarah Mitchell,P-1042,Mobility,Two carers and frame for transfers,Falls\r\n"
)


def _import(review: Review, kind: str, name: str, text: str) -> None:
    table = read_table(text.encode("utf-8"), name)
    outcome = run_import(db.session, ImportRequest(review=review, kind=kind, table=table))
    assert outcome.rejected == [] and outcome.imported == len(table.rows)


def test_a_flagged_change_in_need_is_measured_to_the_care_plan_change(
    ctx, make_service, make_user, make_review
):
    oak = make_service("OAK", name="Oak House")
    user = make_user("inv@example.org", "investigator", [oak])
    review = db.session.get(Review, make_review(user, oak))
    scope.update_terms(
        db.session,
        review,
        {
            "question": "Why did the care plan lag behind Person A's falls?",
            "period_start": "2026-08-17",
            "period_end": "2026-09-11",
            "baseline_issue": "Care plans updated late.",
            "target_measure": "plans updated within 5 working days",
            "target_threshold": "95",
            "target_period_weeks": "8",
            "lead_id": user.id,
            "people": "P-1042",
        },
        date(2026, 9, 14),
        panel_ids=[user.id],
    )
    notes = read_table(CARE_NOTES.encode("utf-8"), "care-notes-carelog.csv")
    assert propose_mapping("care-notes", notes)["change_in_need"] == "Change in needs?"
    _import(review, "care-notes", "care-notes-carelog.csv", CARE_NOTES)
    _import(review, "care-plan-changes", "care-plan-changes-carelog.csv", PLAN_CHANGES)
    db.session.commit()

    tl = assembly.build(db.session, review)
    found = [
        (d.start.person_ref, d.answer.person_ref if d.answer else None, d.working_days, d.breached)
        for d in tl.delays
        if "change in need" in d.standard
    ]
    assert found == [
        # Fri 21/08 -> Wed 02/09: 24-28 Aug, 1 and 2 Sep (Mon 31/08 a bank holiday): 7 > 5.
        ("P-1042", "P-1042", 7, True),
        # Mon 24/08 -> Wed 26/08: 2 working days, within 5.
        ("P-2001", "P-2001", 2, False),
    ]
    # A note flagged "N" is no change in need.
    settled = next(e for e in tl.chronology.events if e.text.startswith("Settled night"))
    assert "change-in-need" not in settled.types
