"""The report lists staff whose supervision was overdue at their first entry, or whose recorded
next supervision was set later than the service's standard, by role label, not name."""

from __future__ import annotations

from typing import Any

from rca.db import db
from rca.provider.models import StaffMember
from tests.reports.conftest import build_pdf, pdf_text
from tests.timeline.conftest import add_row


def test_the_report_says_when_supervision_was_overdue_or_set_beyond_the_standard(
    app: Any, report_review: Any
) -> None:
    with app.app_context():
        dan = db.session.scalars(db.select(StaffMember).filter_by(name="Dan Hughes")).one()
        add_row(
            report_review.review_id,
            "supervision",
            "2026-09-21 10:00",
            "Supervision",
            staff=dan,
            fields={"next_due": "2026-12-30"},
        )
        db.session.commit()
    data, built = build_pdf(app, report_review.review_id)
    rows = {s["note"]: s for s in built.data["chronology"]["supervision"]}
    late = rows["next due 30/12/2026 (recorded), later than the 8-week standard"]
    overdue = rows["next due 26/08/2026 (recorded)"]
    assert overdue["overdue"] and not late["overdue"]
    assert "Dan Hughes" not in late["staff"] and "Amy Patel" not in overdue["staff"]
    text = pdf_text(data)
    assert "Supervision at their first entry" in text
    assert "Next due 30/12/2026 (recorded), later than the 8-week standard" in text
