"""Supervision exports' own "Next due" date (and "Safeguarding discussed?"): mapped from the
spellings real exports use, kept on the row, shown in the staff status with overdue taken from
it, and called out when it is later than the service's supervision standard allows."""

from __future__ import annotations

import re
from datetime import date

import pytest

from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.mapping import propose_mapping
from rca.evidence.models import EvidenceRow
from rca.evidence.reading import read_table
from rca.reviews.models import Review
from rca.timeline import assembly
from tests.timeline.conftest import supervise_dan_late


@pytest.mark.parametrize(
    ("due", "safeguarding"),
    [
        ("Next due", "Safeguarding discussed?"),
        ("Next supervision due", "Safeguarding discussed"),
        ("Due date", "Safeguarding"),
        ("Next Due Date", "Safeguarding Discussed?"),
    ],
)
def test_next_due_and_safeguarding_are_mapped_automatically(due, safeguarding):
    header = f"Supervision date,Supervisee,Supervisor,{due},{safeguarding}"
    row = "14/09/2026,Amy Patel,Sarah Mitchell,30/12/2026,Yes"
    table = read_table(f"{header}\n{row}\n".encode(), "supervision.csv")
    mapping = propose_mapping("supervision", table)
    assert mapping["occurred_at"] == "Supervision date"
    assert (mapping["next_due"], mapping["safeguarding"]) == (due, safeguarding)


def test_the_import_keeps_the_recorded_due_date_and_safeguarding(ctx, scenario):
    csv = (
        "Supervision date,Supervisee,Supervisor,Next due,Safeguarding discussed?\r\n"
        "14/09/2026,Amy Patel,Sarah Mitchell,30/12/2026,Yes\r\n"
        "15/09/2026,Dan Hughes,Sarah Mitchell,,No\r\n"
    )
    review = db.session.get(Review, scenario.review_id)
    table = read_table(csv.encode(), "supervision.csv")
    outcome = run_import(db.session, ImportRequest(review=review, kind="supervision", table=table))
    assert outcome.rejected == [] and outcome.imported == 2
    rows = db.session.scalars(
        db.select(EvidenceRow).where(EvidenceRow.file_name == "supervision.csv")
    ).all()
    fields = {r.staff.name: r.fields for r in rows}
    assert fields["Amy Patel"]["next_due"] == "2026-12-30"
    assert fields["Amy Patel"]["safeguarding"] is True
    assert "next_due" not in fields["Dan Hughes"] or fields["Dan Hughes"]["next_due"] is None
    assert fields["Dan Hughes"]["safeguarding"] is False


def _status(scenario, name: str):
    review = db.session.get(Review, scenario.review_id)
    return next(s for s in assembly.build(db.session, review).statuses if s.staff == name)


def test_a_recorded_due_date_later_than_the_standard_is_said_so(ctx, scenario):
    # Dan's last supervision (20/09/2026) set his next for 30/12/2026: 14 weeks, not 8.
    supervise_dan_late(scenario.review_id)
    status = _status(scenario, "Dan Hughes")
    assert status.last_supervision == date(2026, 9, 21)
    assert status.supervision_due == date(2026, 12, 30) and status.due_recorded
    assert status.due_beyond_standard and not status.supervision_overdue
    assert status.supervision_note == (
        "next due 30/12/2026 (recorded), later than the 8-week standard"
    )


def test_overdue_is_taken_from_the_recorded_date(ctx, scenario):
    amy = _status(scenario, "Amy Patel")  # recorded 26/08/2026, her first entry 01/10/2026
    assert amy.due_recorded and amy.supervision_overdue and not amy.due_beyond_standard
    assert amy.supervision_note == "next due 26/08/2026 (recorded)"
    dan = _status(scenario, "Dan Hughes")  # no next-due field: the 8-week interval
    assert not dan.due_recorded and dan.supervision_note == "next due 15/11/2026"


def test_the_pane_shows_the_recorded_date_and_the_standard(app, scenario, web_as):
    with app.app_context():
        supervise_dan_late(scenario.review_id)
    html = web_as(scenario.user).get(f"/reviews/{scenario.review_id}/timeline").text
    row = re.search(r"<td>Dan Hughes<br>.*?</tr>", html, re.S).group(0)
    assert "30/12/2026" in row and "(recorded)" in row
    assert "Later than the 8-week standard" in row
