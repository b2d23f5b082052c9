"""The report lists staff whose supervision was overdue at their first entry, or whose recorded
next supervision was set later than the service's standard, by role label, not name."""

from __future__ import annotations

from typing import Any

from tests.reports.conftest import build_pdf, pdf_text
from tests.timeline.conftest import supervise_dan_late


def test_the_report_says_when_supervision_was_overdue_or_set_beyond_the_standard(
    app: Any, report_review: Any
) -> None:
    with app.app_context():
        supervise_dan_late(report_review.review_id)
    data, built = build_pdf(app, report_review.review_id)
    rows = {s["note"]: s for s in built.data["chronology"]["supervision"]}
    late = rows["next due 30/12/2026 (recorded), later than the 8-week standard"]
    overdue = rows["next due 26/08/2026 (recorded)"]
    assert overdue["overdue"] and not late["overdue"]
    assert "Dan Hughes" not in late["staff"] and "Amy Patel" not in overdue["staff"]
    text = pdf_text(data)
    assert "Supervision at their first entry" in text
    assert "Next due 30/12/2026 (recorded), later than the 8-week standard" in text
