"""The fishbone as SVG, built on the server by one pure function (data in, text out) that the
analysis pane and the PDF report share.

Layout: the spine runs left to right into the head (the problem statement, wrapped, boxed) on
the right. Bones alternate above and below the spine in columns, each slanting into the spine,
with its category label at the outer end. A bone's causes are stacked text lines beside it:
whys indented under their cause and joined to it by a thin branch line, long text wrapped, so
150 causes stay legible (the viewBox lets the picture scale to its box).

``layout="compact"`` (meeting mode, where the picture shares a 1920 px projector with the
timeline) draws at most three columns of bones per band and stacks the bands, each band's spine
joining the head, in narrower columns of larger type: about 980 px wide, so the text stays at
12 px or more at 900 px. The default (the pane and the PDF) is one band of every bone.

Colour never carries meaning alone: each cause line starts with a status mark in text
("?" hypothesis, "✓" supported, "✗" ruled out, the ruled-out text also struck through and
grey) and root causes carry a "ROOT" tag and bold text, contributory factors a "CF" tag.
Every string that came from a person is escaped with markupsafe.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache
from typing import Literal

from rca.fishbone.frameworks import Framework
from rca.fishbone.svg_layout import (
    CAUSE_GAP,
    HEAD_LINES,
    INDENT,
    LABEL_H,
    LAYOUTS,
    LINE_H,
    MARGIN,
    SLANT,
    TAGS,
    TEXT_X,
    Layout,
    Line,
    block_height,
    cause_lines,
    wrap,
)
from rca.fishbone.svg_shape import picture_shape, tree_of
from rca.fishbone.tree import CauseNode
from rca.xmltext import escape  # markupsafe's, minus characters XML cannot carry

STATUS_MARK = {"hypothesis": "?", "supported": "✓", "ruled-out": "✗"}
STATUS_WORD = {"hypothesis": "hypothesis", "supported": "supported", "ruled-out": "ruled out"}
STATUS_FILL = {"hypothesis": "#8a4b00", "supported": "#1a6634", "ruled-out": "#5f6368"}
INK = "#1f2328"
BONE = "#4a5560"


def _e(value: object) -> str:
    return str(escape(value))


def render_fishbone(
    problem: str,
    framework: Framework,
    tree: list[CauseNode],
    *,
    highlight: int | None = None,
    layout: Literal["default", "compact"] = "default",
) -> str:
    """The fishbone picture: ``tree`` (roots with their whys) on ``framework``'s bones.

    ``layout="compact"`` stacks bands of at most three columns of bones, for a narrow box.
    The same picture is asked for again and again (every Analysis pane load, every meeting
    reload, by everyone in the room), so pictures are kept by what they are drawn from.
    """
    return _remembered(problem, framework, picture_shape(tree), highlight, layout)


@lru_cache(maxsize=256)
def _remembered(
    problem: str,
    framework: Framework,
    shape: tuple[Hashable, ...],
    highlight: int | None,
    layout: Literal["default", "compact"],
) -> str:
    return _draw(problem, framework, tree_of(shape), highlight, layout)


def _draw(
    problem: str,
    framework: Framework,
    tree: list[CauseNode],
    highlight: int | None,
    layout: Literal["default", "compact"],
) -> str:
    lay = LAYOUTS[layout]
    bones = [(c.key, c.label) for c in framework.categories]
    known = {k for k, _ in bones}
    bones += sorted({(n.category, n.category) for n in tree if n.category not in known})
    roots = {k: [n for n in tree if n.category == k] for k, _ in bones}
    lines = {k: cause_lines(roots[k], lay) for k, _ in bones}
    per_band = 2 * lay.band_cols if lay.band_cols else max(len(bones), 1)
    bands = [
        _Band(bones[i : i + per_band], lines, lay) for i in range(0, max(len(bones), 1), per_band)
    ]
    head_lines = wrap(
        problem or "Problem statement not set", lay.head_w - 24, HEAD_LINES, lay.head_char_w
    )
    head_h = len(head_lines) * (lay.line_h + 2) + 24
    y = MARGIN
    for band in bands:
        band.place(y)
        y = band.bottom + 2 * MARGIN
    legend_h = 28 * lay.legend_font / 12
    height = bands[-1].bottom + MARGIN + legend_h
    head_x = MARGIN + max(sum(b.col_w) for b in bands)
    width = head_x + lay.head_w + MARGIN
    # One band: the head sits on its spine. Several: their spines meet at the head's edge.
    first, last = bands[0].spine_y, bands[-1].spine_y
    head_y = (first + last) / 2

    nodes = [ln.node for k in lines for ln in lines[k]]
    supported = sum(1 for n in nodes if n.status == "supported")
    ruled = sum(1 for n in nodes if n.status == "ruled-out")
    root_causes = [n for n in nodes if n.conclusion == "root"]
    title = f"Fishbone: {problem}" if problem else "Fishbone"
    desc = (
        f"{len(nodes)} causes on {len(bones)} bones of the {framework.label} framework: "
        f"{supported} supported, {ruled} ruled out, {len(nodes) - supported - ruled} hypotheses; "
        f"{len(root_causes)} agreed root cause{'' if len(root_causes) == 1 else 's'}"
        + (": " + "; ".join(n.text for n in root_causes[:5]) if root_causes else "")
        + ". The outline lists every cause in full."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fishbone" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="fb-title fb-desc" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="{lay.font:g}">',
        f'<title id="fb-title">{_e(title)}</title>',
        f'<desc id="fb-desc">{_e(desc)}</desc>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    for band in bands:
        out.append(
            f'<line class="fb-spine" x1="{MARGIN}" y1="{band.spine_y:.1f}" x2="{head_x:.0f}" '
            f'y2="{band.spine_y:.1f}" stroke="{BONE}" stroke-width="4"/>'
        )
    if len(bands) > 1:
        out.append(
            f'<line class="fb-spine" x1="{head_x:.0f}" y1="{first - 2:.1f}" x2="{head_x:.0f}" '
            f'y2="{last + 2:.1f}" stroke="{BONE}" stroke-width="4"/>'
        )
    out.append(
        f'<polygon points="{head_x - 14:.0f},{head_y - 9:.1f} {head_x:.0f},{head_y:.1f} '
        f'{head_x - 14:.0f},{head_y + 9:.1f}" fill="{BONE}"/>'
    )
    hy = head_y - head_h / 2
    out.append(
        f'<g class="fb-head"><rect x="{head_x + 4:.0f}" y="{hy:.1f}" width="{lay.head_w - 8:g}" '
        f'height="{head_h:.0f}" rx="6" fill="#f3f6f9" stroke="{INK}" stroke-width="2"/>'
    )
    for i, text in enumerate(head_lines):
        out.append(
            f'<text x="{head_x + 16:.0f}" y="{hy + 22 + i * (lay.line_h + 2):.1f}" '
            f'font-weight="bold" fill="{INK}">{_e(text)}</text>'
        )
    out.append("</g>")
    for band in bands:
        for row, group in (("top", band.top), ("bottom", band.bottom_bones)):
            for col, (key, label) in enumerate(group):
                x0 = band.col_x[col] + 8
                out.extend(
                    _bone(
                        key,
                        label,
                        lines[key],
                        band.col_w[col],
                        x0,
                        band.spine_y,
                        band.top_h if row == "top" else band.bottom_h,
                        row == "top",
                        highlight,
                        lay,
                    )
                )
    out.append(_legend(MARGIN, height - MARGIN - 6, lay))
    out.append("</svg>")
    return "".join(out)


class _Band:
    """One row of bones (top and bottom of one spine): the default picture has one."""

    def __init__(self, bones: list[tuple[str, str]], lines: dict[str, list[Line]], lay: Layout):
        self.top, self.bottom_bones = bones[0::2], bones[1::2]
        cols = max(len(self.top), len(self.bottom_bones), 1)
        self.top_h = max((block_height(lines[k], lay) for k, _ in self.top), default=lay.line_h)
        self.bottom_h = max(
            (block_height(lines[k], lay) for k, _ in self.bottom_bones), default=lay.line_h
        )
        # Columns with causes get the full width; empty ones only what their labels need, so
        # a young fishbone stays large on screen.
        pairs = [self.top[i : i + 1] + self.bottom_bones[i : i + 1] for i in range(cols)]
        self.col_w = [
            lay.col_w if any(lines[k] for k, _ in pair) else lay.empty_col_w for pair in pairs
        ]
        self.col_x = [MARGIN + sum(self.col_w[:i]) for i in range(cols)]
        self.spine_y = 0.0
        self.bottom = 0.0

    def place(self, y: float) -> None:
        self.spine_y = y + LABEL_H + self.top_h + 24
        self.bottom = self.spine_y + 24 + self.bottom_h + LABEL_H


def _bone(
    key: str,
    label: str,
    lines: list[Line],
    col_w: float,
    x0: float,
    spine_y: float,
    block_h: float,
    above: bool,
    highlight: int | None,
    lay: Layout,
) -> list[str]:
    """One bone: its label at the outer end, the slanted line, its causes stacked beside it."""
    sign = -1 if above else 1
    label_y = spine_y + sign * (block_h + 24 + LABEL_H / 2)
    end_x = x0 + SLANT
    # The bone runs from under the label to the spine, leaning towards the head.
    outer_y = label_y - sign * (LABEL_H / 2 - 8)

    def bone_x(y: float) -> float:
        t = (y - outer_y) / (spine_y - outer_y) if spine_y != outer_y else 1
        return x0 + max(0.0, min(1.0, t)) * SLANT

    # Bold labels are wider than body text: wrap them shorter, over at most two lines.
    label_lines = wrap(
        label, (col_w - 40) * lay.char_w / (8.0 * lay.label_font / 13), 2, lay.char_w
    )
    out = [
        f'<g class="fb-bone" data-category="{_e(key)}">',
        f'<line x1="{x0:.1f}" y1="{outer_y:.1f}" x2="{end_x:.1f}" y2="{spine_y:.1f}" '
        f'stroke="{BONE}" stroke-width="2.5"/>',
        f'<rect x="{x0 - 6:.1f}" y="{label_y - LABEL_H / 2 + 4:.1f}" width="{col_w - 24}" '
        f'height="{LABEL_H - 8}" rx="4" fill="#e8edf2" stroke="{BONE}"/>',
    ]
    for i, text in enumerate(label_lines):
        dy = (i - (len(label_lines) - 1) / 2) * (LINE_H - 1)
        out.append(
            f'<text x="{x0 + 4:.1f}" y="{label_y + dy + 5:.1f}" font-weight="bold" '
            f'font-size="{lay.label_font:g}" fill="{INK}">{_e(text)}</text>'
        )
    if not lines:
        y = spine_y - 14 if above else spine_y + 24 + lay.line_h
        out.append(
            f'<text x="{bone_x(y) + TEXT_X:.1f}" y="{y:.1f}" fill="#5f6368" '
            f'font-style="italic">No causes yet</text>'
        )
        out.append("</g>")
        return out
    # Stack from the outer end towards the spine, so the first cause sits by the label.
    y = (label_y + LABEL_H / 2 + 10 + lay.line_h) if above else (spine_y + 24 + lay.line_h)
    parent_row: dict[int, tuple[float, float]] = {}
    for ln in lines:
        ln.y = y
        y += len(ln.text) * lay.line_h + CAUSE_GAP
    for ln in lines:
        out.extend(_cause(ln, bone_x(ln.y - 4), parent_row, highlight, lay))
    out.append("</g>")
    return out


def _cause(
    ln: Line,
    bx: float,
    parent_row: dict[int, tuple[float, float]],
    highlight: int | None,
    lay: Layout,
) -> list[str]:
    n = ln.node
    x = bx + TEXT_X + ln.depth * INDENT
    fill = STATUS_FILL.get(n.status, INK)
    word = STATUS_WORD.get(n.status, n.status)
    out = [
        f'<g class="fb-cause fb-cause--{_e(n.status)}" id="fb-cause-{n.id}" data-cause-id="{n.id}">'
    ]
    h = len(ln.text) * lay.line_h
    if n.id == highlight:
        out.append(
            f'<rect x="{x - 18:.1f}" y="{ln.y - lay.line_h + 3:.1f}" '
            f'width="{lay.col_w - TEXT_X - ln.depth * INDENT - 10:.1f}" height="{h + 2:g}" '
            f'rx="3" fill="#fff3bf" stroke="#8a6d00" stroke-width="1.5"/>'
        )
    if ln.depth == 0:
        out.append(
            f'<line x1="{bx:.1f}" y1="{ln.y - 4:.1f}" x2="{x - 16:.1f}" '
            f'y2="{ln.y - 4:.1f}" stroke="{BONE}" stroke-width="1.5"/>'
        )
    elif n.parent_id in parent_row:
        px, py = parent_row[n.parent_id]
        out.append(
            f'<path d="M{px:.1f},{py:.1f} V{ln.y - 4:.1f} H{x - 16:.1f}" fill="none" '
            f'stroke="#8b96a1" stroke-width="1"/>'
        )
    parent_row[n.id] = (x - 10, ln.y + 2)
    out.append(
        f'<text x="{x - 14:.1f}" y="{ln.y:.1f}" font-weight="bold" fill="{fill}">'
        f"{STATUS_MARK.get(n.status, '?')}<title>{_e(word)}</title></text>"
    )
    tx = x
    if n.conclusion in TAGS:
        tag, colour = TAGS[n.conclusion]
        k = lay.tag_font / 11
        tw = len(tag) * 8.2 * k + 6
        out.append(
            f'<rect x="{x:.1f}" y="{ln.y - 11 * k:.1f}" width="{tw:.1f}" height="{14 * k:.0f}" '
            f'rx="2" fill="{colour}"/><text x="{x + 3:.1f}" y="{ln.y:.1f}" '
            f'font-size="{lay.tag_font:g}" font-weight="bold" fill="#ffffff">{tag}</text>'
        )
        tx = x + tw + 5
    weight = ' font-weight="bold"' if n.conclusion == "root" else ""
    strike = ' text-decoration="line-through"' if n.status == "ruled-out" else ""
    colour = "#5f6368" if n.status == "ruled-out" else INK
    for i, text in enumerate(ln.text):
        lx = tx if i == 0 else x
        out.append(
            f'<text x="{lx:.1f}" y="{ln.y + i * lay.line_h:.1f}" fill="{colour}"{weight}'
            f"{strike}>{_e(text)}</text>"
        )
    if n.evidence:
        count = len(n.evidence)
        out.append(
            f"<title>{_e(n.text)} ({word}; {count} evidence link"
            f"{'' if count == 1 else 's'})</title>"
        )
    else:
        out.append(f"<title>{_e(n.text)} ({word}; no evidence linked)</title>")
    out.append("</g>")
    return out


def _legend(x: float, y: float, lay: Layout) -> str:
    k = lay.legend_font / 12  # spacing grows with the type
    t = lay.tag_font / 11
    items = [
        ("?", STATUS_FILL["hypothesis"], "hypothesis"),
        ("✓", STATUS_FILL["supported"], "supported"),
        ("✗", STATUS_FILL["ruled-out"], "ruled out (struck through)"),
    ]
    out = [
        f'<g class="fb-legend" font-size="{lay.legend_font:g}"><text x="{x:.0f}" y="{y:.0f}" '
        f'fill="{INK}">Key:</text>'
    ]
    cx = x + 36 * k
    for mark, fill, word in items:
        out.append(
            f'<text x="{cx:.0f}" y="{y:.0f}" font-weight="bold" fill="{fill}">{mark}</text>'
            f'<text x="{cx + 14 * k:.0f}" y="{y:.0f}" fill="{INK}">{word}</text>'
        )
        cx += (30 + len(word) * 6.6) * k
    for tag, colour in TAGS.values():
        word = "root cause" if tag == "ROOT" else "contributory factor"
        tw = len(tag) * 8.2 * t + 6
        out.append(
            f'<rect x="{cx:.0f}" y="{y - 11 * t:.0f}" width="{tw:.0f}" height="{14 * t:.0f}" '
            f'rx="2" fill="{colour}"/><text x="{cx + 3:.0f}" y="{y:.0f}" '
            f'font-size="{lay.tag_font:g}" font-weight="bold" fill="#ffffff">{tag}</text>'
            f'<text x="{cx + tw + 5:.0f}" y="{y:.0f}" fill="{INK}">{word}</text>'
        )
        cx += tw + 20 + len(word) * 6.6 * k
    out.append("</g>")
    return "".join(out)
