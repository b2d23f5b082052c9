"""The timeline picture as SVG, built on the server by one pure function (data in, text out)
that the pane and the PDF report share.

Layout, top to bottom: a time axis; the on-shift band (staff on shift per slice of the window,
agency drawn hatched on top, uninducted agency outlined; the peak and agency share written in
text); one swimlane per source; the delay brackets (``svg_delays``), each labelled in words
("breached: 3 working days (standard 1)") so colour never carries the meaning alone. Concerns
are diamonds, other events circles; key moments and missed opportunities are vertical rules with
a text flag.

Nothing overlaps or runs off the picture, measured by an upper estimate of text width from its
character count (no font metrics on the server): the lane-label column widens to its longest
label (a very long one wraps to two lines), delay brackets are packed in rows, and a label that
would pass the right edge is drawn to the left of its anchor instead.

Readable at thousands of events: where more than ``CLUSTER_AT`` events of one lane fall within
a few pixels, one labelled count stands for them and links to that day's window. Every string
that came from a person or a file is escaped with markupsafe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rca.timeline.chronology import Event, Shift
from rca.timeline.delays import Delay
from rca.timeline.svg_delays import DELAY_ROW_H, draw_delays, pack_delays
from rca.timeline.working_days import LONDON
from rca.xmltext import escape  # markupsafe's, minus characters XML cannot carry

WIDTH = 1000
#: The lane-label column: at least this wide, wider to fit the longest label on one line up to
#: GUTTER_WRAP, beyond which a label wraps to two lines.
GUTTER_MIN = 172
GUTTER_WRAP = 232
RIGHT = 12
AXIS_H = 34
BAND_H = 58
LANE_H = 40
#: Estimated advance of a bold character as a share of the font size. DejaVu Sans Bold (the
#: PDF's font and the widest we meet) averages 0.58-0.67 em on our labels; too high only costs
#: room, too low lets labels collide.
CHAR_EM = 0.68
LABEL_PX = 12  # .tl-lane-label
SMALL_PX = 11  # .tl-note, axis and marker text
BUCKET_PX = 26
CLUSTER_AT = 2
BAND_SLICES = 168


@dataclass(frozen=True)
class Marker:
    """A key moment or missed opportunity, drawn as a rule at its event's time."""

    at: datetime
    kind: str  # "key-moment" | "missed-opportunity"
    label: str


@dataclass
class Picture:
    start: datetime
    end: datetime
    lanes: list[tuple[str, str]]
    events: list[Event]
    shifts: list[Shift] = field(default_factory=list)
    uninducted: set[int] = field(default_factory=set)
    delays: list[Delay] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    selected: int | None = None
    #: Where an event links to (the page with its details); None: no links (the PDF).
    event_href: Callable[[int], str] | None = None
    #: The URL that fetches an event's details into the side panel (htmx).
    detail_href: Callable[[int], str] | None = None
    #: Where a cluster links to: the day window around it.
    zoom_href: Callable[[date], str] | None = None
    title: str = "Timeline"


def _e(value: object) -> str:
    return str(escape(value))


def text_width(text: str, size: float, em: float = CHAR_EM) -> float:
    """An upper estimate of the drawn width of ``text`` at ``size`` px (no font metrics here)."""
    return len(text) * size * em


def _wrap(label: str) -> list[str]:
    """One line, or two split at the space nearest the middle when it is too wide for the column."""
    if text_width(label, LABEL_PX) + 18 <= GUTTER_WRAP or " " not in label:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def render_svg(p: Picture) -> str:
    span = max((p.end - p.start).total_seconds(), 1.0)
    lane_lines = {key: _wrap(label) for key, label in p.lanes}
    # The column fits its widest text (lanes, the band's notes) so nothing reaches the plot.
    fixed = [("On shift", LABEL_PX), ("agency without induction", SMALL_PX)]
    widest = max(
        [text_width(t, size) for t, size in fixed]
        + [text_width(line, LABEL_PX) for lines in lane_lines.values() for line in lines]
    )
    gutter = max(GUTTER_MIN, int(8 + widest + 12))
    plot_w = WIDTH - gutter - RIGHT
    t0 = p.start

    def x_of(at: datetime) -> float:
        return gutter + max(0.0, min(1.0, (at - t0).total_seconds() / span)) * plot_w

    lanes_top = AXIS_H + BAND_H + 8
    lane_y = {key: lanes_top + i * LANE_H for i, (key, _) in enumerate(p.lanes)}
    delays_top = lanes_top + len(p.lanes) * LANE_H + 10
    delays = [
        d for d in p.delays if d.start.at < p.end and (d.answer is None or d.answer.at >= p.start)
    ]
    brackets, hidden = pack_delays(delays, x_of, gutter, WIDTH - RIGHT)
    rows_used = max((b.row for b in brackets), default=-1) + 1
    delays_h = max(36, 8 + rows_used * DELAY_ROW_H + (16 if hidden else 0)) if delays else 0
    height = delays_top + delays_h + 8
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tl-svg" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="group" aria-label="{_e(p.title)}">',
        '<defs><pattern id="tl-hatch" width="5" height="5" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="5" height="5" fill="#fbe0c2"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#b35c0c" stroke-width="1.5"/></pattern></defs>',
    ]
    _axis(out, p, x_of, height)
    _band(out, p, gutter)
    for i, (key, _) in enumerate(p.lanes):
        y = lane_y[key]
        shade = "#f7f9fb" if i % 2 else "#ffffff"
        out.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="{LANE_H}" fill="{shade}"/>')
        lines = lane_lines[key]
        first = y + LANE_H / 2 + 4 - (7 if len(lines) > 1 else 0)
        for n, line in enumerate(lines):
            out.append(
                f'<text class="tl-lane-label" x="8" y="{first + n * 14:.0f}">{_e(line)}</text>'
            )
    out.append(
        f'<line class="tl-gutter" x1="{gutter}" y1="{AXIS_H}" x2="{gutter}" y2="{delays_top - 6}"'
        ' stroke="#8a97a6"/>'
    )
    _events(out, p, x_of, lane_y, gutter)
    _markers(out, p, x_of, lanes_top, delays_top - 10)
    if delays:
        draw_delays(out, brackets, hidden, delays_top, gutter)
    out.append("</svg>")
    return "".join(out)


def _ticks(start: datetime, end: datetime) -> tuple[list[datetime], str]:
    """Tick times in London and their label format, chosen from the window's length."""
    days = (end - start).total_seconds() / 86400
    local = start.astimezone(LONDON)
    if days <= 1.5:
        first = local.replace(minute=0, second=0, microsecond=0)
        step, fmt = timedelta(hours=2 if days > 0.6 else 1), "%H:%M"
    else:
        first = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if days <= 10:
            step, fmt = timedelta(days=1), "%a %d %b"
        elif days <= 62:
            first -= timedelta(days=first.weekday())
            step, fmt = timedelta(days=7), "%d %b"
        else:
            first = first.replace(day=1)
            step, fmt = timedelta(days=31), "%b %Y"
    ticks = []
    at = first
    while at <= end.astimezone(LONDON) and len(ticks) < 80:
        if at >= local:
            ticks.append(at)
        nxt = at + step
        if step.days == 31:
            nxt = nxt.replace(day=1)
        # Rebuilding from wall-clock fields keeps ticks on local midnights across clock changes.
        at = nxt.replace(tzinfo=None).replace(tzinfo=LONDON) if step.days else nxt
    return ticks, fmt


def _axis(out: list[str], p: Picture, x_of: Callable[[datetime], float], height: int) -> None:
    ticks, fmt = _ticks(p.start, p.end)
    out.append('<g class="tl-axis">')
    for at in ticks:
        x = x_of(at)
        text = at.strftime(fmt)
        out.append(f'<line x1="{x:.1f}" y1="{AXIS_H - 6}" x2="{x:.1f}" y2="{height - 4}"/>')
        # A tick at the very end keeps its rule but not a label that would run off the picture.
        if x + 3 + text_width(text, SMALL_PX) <= WIDTH:
            out.append(f'<text x="{x + 3:.1f}" y="{AXIS_H - 12}">{text}</text>')
    out.append("</g>")


def _band(out: list[str], p: Picture, gutter: int) -> None:
    """Staff on shift per slice of the window: total, with the agency part hatched on top."""
    top = AXIS_H + 4
    out.append(
        f'<rect x="0" y="{top}" width="{WIDTH}" height="{BAND_H}" fill="#eef3f8"/>'
        f'<text class="tl-lane-label" x="8" y="{top + 20}">On shift</text>'
    )
    if not p.shifts:
        out.append(f'<text class="tl-note" x="8" y="{top + 38}">no rota in view</text>')
        return
    span = p.end - p.start
    slice_len = span / BAND_SLICES
    counts = []
    # One sweep: slices move forward in time, so keep the shifts that have started and drop
    # those that have ended (every shift against every slice was most of the picture's time).
    ordered = sorted(p.shifts, key=lambda s: s.start)
    started = 0
    on: list[Shift] = []
    for i in range(BAND_SLICES):
        mid = p.start + slice_len * (i + 0.5)
        while started < len(ordered) and ordered[started].start <= mid:
            on.append(ordered[started])
            started += 1
        on = [s for s in on if mid < s.end]
        agency = [s for s in on if s.employment == "agency"]
        bad = any(s.staff_id in p.uninducted for s in agency)
        counts.append((len(on), len(agency), bad))
    peak = max((c for c, _, _ in counts), default=0) or 1
    scale = (BAND_H - 10) / peak
    w = (WIDTH - gutter - RIGHT) / BAND_SLICES
    for i, (total, agency, bad) in enumerate(counts):
        if not total:
            continue
        x = gutter + i * w
        h = total * scale
        y = top + BAND_H - 4 - h
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w + 0.2:.1f}" height="{h:.1f}" fill="#9fb6cf"/>'
        )
        if agency:
            ah = agency * scale
            stroke = ' stroke="#b3261e" stroke-width="1.5"' if bad else ""
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w + 0.2:.1f}" height="{ah:.1f}"'
                f' fill="url(#tl-hatch)"{stroke}/>'
            )
    agency_peak = max((a for _, a, _ in counts), default=0)
    share = sum(a for _, a, _ in counts) / max(1, sum(c for c, _, _ in counts))
    out.append(f'<text class="tl-note" x="8" y="{top + 36}">peak {peak}, agency {share:.0%}</text>')
    if agency_peak and any(b for _, _, b in counts):
        out.append(
            f'<text class="tl-note tl-warn" x="8" y="{top + 50}">agency without induction</text>'
        )


def _events(
    out: list[str],
    p: Picture,
    x_of: Callable[[datetime], float],
    lane_y: dict[str, int],
    gutter: int,
) -> None:
    # Fixed columns of about BUCKET_PX per lane: a busy column becomes one counted pill centred
    # in it, so pills never overlap; a quiet one shows its events.
    groups: dict[tuple[str, int], list[tuple[float, Event]]] = {}
    # Whole columns tile the plot exactly, so the last pill needs no clamping onto its neighbour.
    columns = max(1, int((WIDTH - gutter - RIGHT) // BUCKET_PX))
    bucket = (WIDTH - gutter - RIGHT) / columns
    for e in p.events:
        if e.lane in lane_y:
            x = x_of(e.at)
            column = min(columns - 1, int((x - gutter) // bucket))
            groups.setdefault((e.lane, column), []).append((x, e))
    out.append('<g class="tl-events">')
    for (lane, column), run in groups.items():
        y_mid = lane_y[lane] + LANE_H / 2
        group = [e for _, e in run]
        if len(group) > CLUSTER_AT and not any(e.id == p.selected for e in group):
            cx = gutter + (column + 0.5) * bucket
            _cluster(out, p, cx, y_mid, group)
            continue
        for n, (x, e) in enumerate(run):
            _event(out, p, x, y_mid + (n % 3 - 1) * 10 * (len(run) > 1), e)
    out.append("</g>")


def _event(out: list[str], p: Picture, x: float, y: float, e: Event) -> None:
    local = e.at.astimezone(LONDON)
    who = f" · {e.staff}" if e.staff else ""
    about = f" · {e.person_label}" if e.person_label else ""
    flag = "Concern. " if e.concern else ""
    title = f"{flag}{local:%d/%m/%Y %H:%M} {e.kind}{who}{about}: {e.text[:140]}"
    selected = " tl-selected" if e.id == p.selected else ""
    if e.concern:
        shape = f'<path class="tl-concern{selected}" d="M{x:.1f} {y - 7:.1f}l7 7l-7 7l-7-7z"/>'
    else:
        shape = f'<circle class="tl-dot{selected}" cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
    body = f"<title>{_e(title)}</title>{shape}"
    if p.event_href:
        detail = f' data-event-detail="{_e(p.detail_href(e.id))}"' if p.detail_href else ""
        out.append(f'<a href="{_e(p.event_href(e.id))}"{detail}>{body}</a>')
    else:
        out.append(f"<g>{body}</g>")


def _cluster(out: list[str], p: Picture, x: float, y: float, group: list[Event]) -> None:
    concerns = sum(1 for e in group if e.concern)
    day = group[0].at.astimezone(LONDON).date()
    label = f"{len(group)}" + ("!" if concerns else "")
    title = (
        f"{len(group)} events around {day:%d/%m/%Y}"
        + (f", {concerns} concern{'s' if concerns != 1 else ''}" if concerns else "")
        + (": zoom to the day" if p.zoom_href else "")
    )
    cls = "tl-cluster tl-cluster--concern" if concerns else "tl-cluster"
    body = (
        f"<title>{_e(title)}</title>"
        f'<rect class="{cls}" x="{x - 11:.1f}" y="{y - 9:.1f}" width="22" height="18" rx="9"/>'
        f'<text class="tl-cluster-n" x="{x:.1f}" y="{y + 4:.1f}">{label}</text>'
    )
    if p.zoom_href:
        out.append(f'<a href="{_e(p.zoom_href(day))}">{body}</a>')
    else:
        out.append(f"<g>{body}</g>")


def _markers(
    out: list[str], p: Picture, x_of: Callable[[datetime], float], top: int, bottom: int
) -> None:
    for m in p.markers:
        if not (p.start <= m.at < p.end):
            continue
        x = x_of(m.at)
        cls = "tl-key" if m.kind == "key-moment" else "tl-missed"
        word = "Key moment" if m.kind == "key-moment" else "Missed opportunity"
        # Near the right edge the flag sits to the left of its rule instead of running off.
        if x + 3 + text_width(word, SMALL_PX) <= WIDTH - RIGHT:
            flag = f'<text x="{x + 3:.1f}" y="{top + 11}">{_e(word)}</text>'
        else:
            flag = f'<text x="{x - 3:.1f}" y="{top + 11}" text-anchor="end">{_e(word)}</text>'
        out.append(
            f'<g class="{cls}"><title>{_e(word)}: {_e(m.label)}</title>'
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}"/>{flag}</g>'
        )
