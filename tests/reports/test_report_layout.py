"""What a commissioner reads: the summary says what happened, what was found and what is
changing; the chronology lists the key events only (marked moments first), the delays their
record per standard; headings stay with what follows them; portrait comes back after landscape."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from rca.reports import content, pdf

from .conftest import build_pdf


def _pages(data: bytes) -> list[Any]:
    return list(PdfReader(BytesIO(data)).pages)


def _text(page: Any) -> str:
    return " ".join((page.extract_text() or "").split())


def test_the_summary_says_what_happened_what_was_found_and_what_changes(
    app: Any, report_review: Any
) -> None:
    data, _ = build_pdf(app, report_review.review_id)
    summary = next(_text(p) for p in _pages(data)[2:] if "What is changing" in _text(p))
    assert "What happened" in summary and "What the review found" in summary
    assert "Incident on 01/10/2026" in summary  # the trigger and its date
    assert "No one owned the review of concerns raised at the weekend for Person A" in summary
    # Each action with its owner (by role) and its due date.
    assert "Name a duty manager who reviews every weekend concern" in summary
    assert "Registered Manager" in summary and "18/12/2026" in summary
    assert "Team Leader" in summary and "15/01/2027" in summary
    assert "2 of 3 measured responses missed the service's standards" in summary


def test_the_key_events_are_the_marked_ones_first_and_never_every_event(
    app: Any, report_review: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, built = build_pdf(app, report_review.review_id)
    chronology = built.data["chronology"]
    key = chronology["key_events"]
    assert 0 < len(key) < chronology["event_count"]  # key events, not the whole chronology
    assert all(e["why"] for e in key) and chronology["key_more"] == 0
    whys = {e["at"]: e["why"] for e in key}
    assert "Key moment" in whys["01/10/2026 10:15"]
    assert "Missed opportunity" in whys["02/10/2026 02:00"]
    assert "Late response" in whys["06/10/2026 14:00"]

    # Over the limit, the marked moments stay and the rest is counted, not listed.
    monkeypatch.setattr(content, "KEY_EVENT_LIMIT", 2)
    _, built = build_pdf(app, report_review.review_id)
    chronology = built.data["chronology"]
    assert [e["at"] for e in chronology["key_events"]] == ["01/10/2026 10:15", "02/10/2026 02:00"]
    assert chronology["key_more"] == 1 and chronology["key_total"] == 3


def test_delays_have_a_record_per_standard_and_list_the_worst_breaches_when_many(
    app: Any, report_review: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, built = build_pdf(app, report_review.review_id)
    delays = built.data["delays"]
    assert (delays["total"], delays["breached"], delays["all_shown"]) == (3, 2, True)
    assert sum(s["measured"] for s in delays["standards"]) == 3
    text = " ".join(_text(p) for p in _pages(data))
    assert "2 working days" in text and "limit 1 working day" in text  # numbers with units

    monkeypatch.setattr(content, "DELAY_ROW_LIMIT", 1)
    _, built = build_pdf(app, report_review.review_id)
    delays = built.data["delays"]
    assert len(delays["rows"]) == 1 and delays["rows"][0]["breached"]
    assert not delays["all_shown"] and delays["total"] == 3


def test_headings_stay_with_what_follows_them() -> None:
    css = (pdf.TEMPLATE_DIR / "print.css").read_text()
    rule = re.search(r"^(h1, h2, h3[^{]*)\{([^}]*)\}", css, re.M)
    assert rule and "break-after: avoid" in rule.group(2)
    assert "dl.terms dt" in css and "thead { display: table-header-group; }" in css


def test_portrait_comes_back_after_a_landscape_section(app: Any, report_review: Any) -> None:
    data, _ = build_pdf(app, report_review.review_id)
    shapes = {}
    for page in _pages(data)[2:]:
        text = _text(page)
        for title in ("Chronology", "Fishbone", "Action plan", "Learning shared"):
            if re.search(rf"(^|\s){title}\s", text[:80]):  # the running head names the section
                box = page.mediabox
                shapes.setdefault(title, "landscape" if box.width > box.height else "portrait")
    assert shapes == {
        "Chronology": "landscape",
        "Fishbone": "landscape",
        "Action plan": "landscape",
        "Learning shared": "portrait",
    }
    last = _pages(data)[-1].mediabox  # effectiveness, the last section
    assert last.width < last.height


def test_no_developer_wording_or_empty_counts(app: Any, report_review: Any) -> None:
    data, _ = build_pdf(app, report_review.review_id)
    text = " ".join(_text(p) for p in _pages(data))
    for wording in ("(default)", "domain reading", "0 of 0", ".;", "None ", "indented: why"):
        assert wording not in text, wording
