"""The delay lane of the timeline picture: brackets from a standard's start event to its answer,
packed in rows so no two brackets or labels overlap and no label runs past the right edge.

Part of the pure ``rca.timeline.svg`` builder; every string is escaped with markupsafe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rca.timeline.delays import Delay
from rca.xmltext import escape  # markupsafe's, minus characters XML cannot carry

DELAY_ROW_H = 20
MAX_DELAY_ROWS = 8
DELAY_PX = 11  # .tl-delay text
#: Delay labels hold only our own words and digits: DejaVu Sans Bold (the PDF's font, the widest
#: we meet) draws them at 0.59 em. Too high only costs rows; too low lets labels collide.
DELAY_EM = 0.62


def _esc(value: object) -> str:
    return str(escape(value))


def label_width(text: str) -> float:
    """An upper estimate of a delay label's drawn width, from its character count."""
    return len(text) * DELAY_PX * DELAY_EM


@dataclass(frozen=True)
class Bracket:
    delay: Delay
    row: int
    x1: float
    x2: float
    words: str
    #: Where the label is anchored, and whether at its end (right-aligned) or its start.
    label_x: float
    anchor_end: bool


def _words(d: Delay) -> str:
    # Brackets are packed in a few rows, so the label is the pane's words in short.
    days = f"{d.working_days} working day{'' if d.working_days == 1 else 's'}"
    if not d.answer:
        days += " so far" if d.status == "open" else ", no answer"
    return f"{d.status}: {days} (standard {d.limit_working_days})"


def pack_delays(
    delays: list[Delay], x_of: Callable[[datetime], float], gutter: int, edge: float
) -> tuple[list[Bracket], int]:
    """Interval packing: each bracket with its label takes the first row whose last item ends
    before it starts, its label after the bracket's start or, where that runs past the right
    edge or collides, right-aligned to the bracket's end. Past MAX_DELAY_ROWS the rest are
    counted, not drawn (the table beside the picture lists every one)."""
    items = []
    for d in delays:
        x1 = x_of(d.start.at)
        x2 = max(x_of(d.answer.at) if d.answer else edge, x1 + 2)
        words = _words(d)
        w = label_width(words)
        end_x = min(edge, max(x2, gutter + w))
        ways = [(min(x1, end_x - w), max(x2, end_x), end_x, True)]
        if x1 + 3 + w <= edge:
            ways.insert(0, (x1, max(x2, x1 + 3 + w), x1 + 3, False))
        items.append((x1, x2, d, words, ways))
    items.sort(key=lambda item: item[0])
    row_ends: list[float] = []
    placed: list[Bracket] = []
    hidden = 0
    for x1, x2, d, words, ways in items:
        fit = next(
            ((i, way) for i, r in enumerate(row_ends) for way in ways if r + 6 <= way[0]), None
        )
        if fit is None:
            if len(row_ends) == MAX_DELAY_ROWS:
                hidden += 1
                continue
            row_ends.append(0.0)
            fit = (len(row_ends) - 1, ways[0])
        row, (_, right, label_x, end) = fit
        row_ends[row] = right
        placed.append(Bracket(d, row, x1, x2, words, label_x, end))
    return placed, hidden


def draw_delays(
    out: list[str], brackets: list[Bracket], hidden: int, top: int, gutter: int
) -> None:
    out.append(
        f'<text class="tl-lane-label" x="8" y="{top + 14}">Delays against</text>'
        f'<text class="tl-lane-label" x="8" y="{top + 30}">standards</text>'
    )
    for b in brackets:
        d = b.delay
        y = top + 9 + b.row * DELAY_ROW_H
        cls = "tl-delay tl-delay--breach" if d.breached else "tl-delay tl-delay--met"
        dash = ' stroke-dasharray="5 3"' if not d.answer else ""
        anchor = ' text-anchor="end"' if b.anchor_end else ""
        out.append(
            f'<g class="{cls}"><title>{_esc(d.standard)}: {_esc(b.words)}</title>'
            f'<path d="M{b.x1:.1f} {y - 4}v4H{b.x2:.1f}v-4"{dash}/>'
            f'<text x="{b.label_x:.1f}" y="{y + 11}"{anchor}>{_esc(b.words)}</text></g>'
        )
    if hidden:
        rows = max(b.row for b in brackets) + 1
        y = top + 15 + rows * DELAY_ROW_H
        out.append(
            f'<text class="tl-note" x="{gutter}" y="{y}">+{hidden} more'
            f" delay{'s' if hidden != 1 else ''}, listed in the table</text>"
        )
