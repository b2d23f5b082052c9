"""The SVG picture: a pure function, escaped, well-formed, and quick at thousands of events."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest

from rca.timeline.chronology import LANES, Event, Shift
from rca.timeline.delays import Delay
from rca.timeline.svg import Marker, Picture, render_svg

START = datetime(2026, 9, 27, 23, tzinfo=UTC)
END = START + timedelta(days=19)
SVG = "{http://www.w3.org/2000/svg}"


def event(i: int, at: datetime, lane: str = "care", text: str = "note", **kw) -> Event:
    return Event(
        id=i, at=at, lane=lane, kind="care-notes", staff_id=kw.get("staff_id", 1),
        staff=kw.get("staff", "Amy Patel"), person_id=None, person_ref=None,
        person_label=kw.get("person"), text=text, concern=kw.get("concern", False),
        file="notes.csv", row=i + 1, types=frozenset(), marks=frozenset(), fields={},
    )  # fmt: skip


def many(n: int) -> list[Event]:
    lanes = list(LANES)
    step = (END - START) / n
    return [
        event(i, START + step * i, lanes[i % len(lanes)], f"Entry {i} <b>", concern=i % 17 == 0)
        for i in range(n)
    ]


def picture(events, **kw) -> Picture:
    return Picture(
        start=kw.pop("start", START), end=kw.pop("end", END), lanes=list(LANES.items()),
        events=events, event_href=lambda i: f"?event={i}&x=1",
        detail_href=lambda i: f"/d/{i}", zoom_href=lambda d: f"?window=day&at={d}", **kw,
    )  # fmt: skip


def test_user_strings_are_escaped_and_the_document_is_well_formed():
    hostile = "<script>alert(1)</script></svg><b>&amp;"
    events = [
        event(1, START + timedelta(days=2), text=hostile, staff="Zoë </svg>", person="<Person>"),
        event(2, START + timedelta(days=5), concern=True),
    ]
    delays = [
        Delay("Concern <reviewed>", 1, events[1], None, 3, date(2026, 10, 5), True),
    ]
    markers = [Marker(events[0].at, "key-moment", "</svg><script>x()</script>")]
    svg = render_svg(picture(events, delays=delays, markers=markers, title="T <&>"))
    assert "<script>" not in svg and "</svg><" not in svg.replace("</svg>", "", 1)[:-1]
    assert svg.count("</svg>") == 1 and svg.endswith("</svg>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;" in svg
    assert "Zoë &lt;/svg&gt;" in svg
    root = ET.fromstring(svg)  # noqa: S314 (our own output) well-formed XML: nothing broke out of its element
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any(hostile in t for t in titles)  # ...and a reader gets the original text back
    # The link's & is escaped in the attribute too.
    assert 'href="?event=1&amp;x=1"' in svg


def test_delays_are_labelled_in_words_not_colour_alone():
    a = event(1, START + timedelta(days=3), concern=True)
    b = event(2, START + timedelta(days=6))
    svg = render_svg(
        picture(
            [a, b],
            delays=[
                Delay("Concern reviewed", 1, a, b, 2, date(2026, 10, 2), True),
                Delay("Concern reviewed", 1, b, None, 0, date(2026, 10, 5), False),
            ],
        )
    )
    assert "breached: 2 working days (standard 1)" in svg
    assert "open: 0 working days so far (standard 1)" in svg
    assert "tl-delay--breach" in svg and "tl-delay--met" in svg


def test_dense_lanes_become_counted_clusters_that_zoom_to_the_day():
    at = START + timedelta(days=4, hours=9)
    events = [event(i, at + timedelta(minutes=i)) for i in range(10)]
    svg = render_svg(picture(events))
    assert svg.count("<circle") == 0
    counts = [int(n) for n in re.findall(r'class="tl-cluster-n"[^>]*>(\d+)<', svg)]
    assert sum(counts) == 10 and "events around 02/10/2026" in svg
    assert "?window=day&amp;at=2026-10-02" in svg
    # The selected event is always drawn on its own.
    svg = render_svg(picture(events, selected=3))
    assert 'class="tl-dot tl-selected"' in svg


def test_the_on_shift_band_shows_agency_and_missing_induction_in_words():
    shifts = [
        Shift(
            1, "Ben", START + timedelta(days=1), START + timedelta(days=1, hours=12), "agency", None
        ),
        Shift(
            2,
            "Dan",
            START + timedelta(days=1),
            START + timedelta(days=1, hours=12),
            "permanent",
            None,
        ),
    ]
    svg = render_svg(picture([], shifts=shifts, uninducted={1}))
    assert "agency without induction" in svg and "url(#tl-hatch)" in svg
    assert "no rota in view" in render_svg(picture([]))


def test_a_day_window_has_hour_ticks_and_no_links_without_hrefs():
    day = Picture(
        start=START, end=START + timedelta(days=1), lanes=list(LANES.items()),
        events=[event(1, START + timedelta(hours=3))],
    )  # fmt: skip
    svg = render_svg(day)
    assert ">02:00<" in svg and "<a " not in svg
    assert render_svg(day) == svg  # pure: same data, same picture


def test_two_thousand_events_render_compactly():
    # Speed is measured by bench/timeline_svg.py (goal 100 ms), not asserted here.
    svg = render_svg(picture(many(2000)))
    ET.fromstring(svg)  # noqa: S314 (our own output)
    assert len(svg) < 400_000, len(svg)


# DejaVu Sans Bold, the PDF's font, measures 0.58-0.67 em on these labels: boxes estimated at
# 0.62 em catch real collisions without depending on the module's own (higher) estimate.
EM = 0.62


def label_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, text) of every delay label, from its anchor and length."""
    boxes = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):  # noqa: S314 (our own output)
        if "tl-delay" not in (g.get("class") or ""):
            continue
        for t in g.iter(f"{SVG}text"):
            x, y, w = float(t.get("x")), float(t.get("y")), len(t.text) * 11 * EM
            left = x - w if t.get("text-anchor") == "end" else x
            boxes.append((left, y - 11, left + w, y + 3, t.text))
        # The bracket itself: "M{x1} {y}v{h}H{x2}v-{h}".
        d = g.find(f"{SVG}path").get("d")
        x1, y1, h, x2 = map(float, re.match(r"M([\d.]+) ([\d.]+)v(\d+)H([\d.]+)", d).groups())
        boxes.append((x1, y1, x2, y1 + h, "bracket"))
    return boxes


def overlapping(boxes):
    return [
        (a[4], b[4])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def close_delays(n: int, first: datetime, apart: timedelta, open_last: bool = True) -> list[Delay]:
    delays = []
    for i in range(n):
        a = event(100 + i, first + apart * i, concern=True)
        b = event(200 + i, a.at + timedelta(hours=20 + 7 * (i % 4)))
        breached = i % 3 == 0
        days = 2 if breached else 0
        delays.append(Delay("Concern reviewed", 1, a, b, days, date(2026, 10, 2), breached))
    if open_last:
        delays.append(
            Delay(
                "Concern reviewed",
                1,
                event(99, END - timedelta(hours=3)),
                None,
                0,
                date(2026, 10, 20),
                False,
            )
        )
    return delays


def test_close_delays_are_packed_in_rows_without_overlap_or_overflow():
    # Twelve delays a day apart (labels are far wider than a day), one open at the very end.
    delays = close_delays(12, START + timedelta(days=2), timedelta(hours=26))
    svg = render_svg(picture([], delays=delays))
    boxes = label_boxes(svg)
    texts = [b[4] for b in boxes if b[4] != "bracket"]
    assert len(texts) == 13 and "breached: 2 working days (standard 1)" in texts
    assert overlapping(boxes) == []
    width = float(ET.fromstring(svg).get("width"))  # noqa: S314 (our own output)
    assert all(left >= 0 and right <= width for left, _, right, _, _ in boxes)
    # The lane grew to hold the rows: the picture's height covers every label.
    height = float(ET.fromstring(svg).get("height"))  # noqa: S314 (our own output)
    assert max(b[3] for b in boxes) <= height


def test_a_label_near_the_right_edge_is_right_aligned_to_its_bracket_end():
    a = event(1, END - timedelta(days=1), concern=True)
    b = event(2, END - timedelta(hours=2))
    svg = render_svg(
        picture([a, b], delays=[Delay("Concern reviewed", 1, a, b, 2, date(2026, 10, 2), True)])
    )
    [label, bracket] = label_boxes(svg)
    assert 'text-anchor="end"' in svg
    assert label[2] == pytest.approx(bracket[2])  # ends where the bracket ends
    assert label[2] <= float(ET.fromstring(svg).get("width"))  # noqa: S314 (our own output)


def test_very_many_delays_are_capped_and_counted_in_words():
    delays = close_delays(60, START + timedelta(days=1), timedelta(hours=4), open_last=False)
    svg = render_svg(picture([], delays=delays))
    drawn = svg.count('class="tl-delay ')
    assert 0 < drawn < 60 and overlapping(label_boxes(svg)) == []
    assert f"+{60 - drawn} more delays, listed in the table" in svg


def test_lane_labels_end_before_the_plot_starts():
    lanes = [*LANES.items(), ("extra", "Safeguarding referrals and local authority contact")]
    events = [event(i, START, lane) for i, lane in enumerate(k for k, _ in lanes)]
    svg = render_svg(Picture(start=START, end=END, lanes=lanes, events=events))
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    gutter = float(
        next(ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "tl-gutter").get("x1")
    )
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "tl-lane-label"]
    assert {"Management and governance", "Supervision and training"} <= {t.text for t in labels}
    # The longest wraps to two lines rather than pushing the plot away.
    assert "Safeguarding referrals and local authority contact" not in {t.text for t in labels}
    for t in labels:
        assert float(t.get("x")) + len(t.text) * 12 * EM < gutter - 5, t.text  # dots have r=5
    dots = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    assert len(dots) == len(lanes) and min(dots) >= gutter


def test_cluster_pills_never_overlap_even_at_the_right_edge():
    step = (END - START) / 600
    svg = render_svg(picture([event(i, START + step * i) for i in range(601)]))
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    pills = sorted(
        (float(r.get("x")), float(r.get("x")) + float(r.get("width")))
        for r in root.iter(f"{SVG}rect")
        if "tl-cluster" in (r.get("class") or "")
    )
    assert len(pills) > 20
    assert all(a[1] <= b[0] for a, b in zip(pills, pills[1:], strict=False))
    assert pills[-1][1] <= float(root.get("width"))
