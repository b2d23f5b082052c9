"""The fishbone picture's geometry: the layouts (default for the pane and PDF, compact for the
projector), word wrapping and the height each bone's causes need. Pure and without drawing, so
``rca.fishbone.svg`` holds only the SVG it writes from these measurements."""

from __future__ import annotations

from dataclasses import dataclass

from rca.fishbone.tree import CauseNode

COL_W = 280  # one bone's column
EMPTY_COL_W = 200  # a column whose two bones have no causes yet: room for the labels only
SLANT = 36  # how far a bone leans towards the head
HEAD_W = 230
MARGIN = 16
LABEL_H = 44
LINE_H = 18
CAUSE_GAP = 5
INDENT = 16
FONT = 14
CHAR_W = 7.4  # average glyph width of the sans-serif at FONT px, for wrapping
TEXT_X = 22  # from the bone to the start of a cause's text
MAX_LINES = 4  # per cause; the outline shows the whole text
HEAD_LINES = 9


@dataclass(frozen=True)
class Layout:
    col_w: float  # one bone's column
    empty_col_w: float  # a column whose bones have no causes yet
    head_w: float
    font: float
    line_h: float
    char_w: float  # average glyph width at ``font``, for wrapping
    label_font: float
    tag_font: float
    legend_font: float
    max_lines: int
    band_cols: int | None  # columns per band (None: every bone in one band)
    head_char_w: float  # the problem statement is bold: wider glyphs


LAYOUTS = {
    "default": Layout(
        COL_W, EMPTY_COL_W, HEAD_W, FONT, LINE_H, CHAR_W, 13, 11, 12, MAX_LINES, None, CHAR_W
    ),
    # 16 px + 3 x 250 + 190 + 16 = 972 wide; 15 px type renders at 13.9 px in a 900 px box.
    "compact": Layout(250, 250, 190, 15, 19, 7.95, 15, 13.5, 13.5, 5, 3, 9.3),
}

TAGS = {"root": ("ROOT", "#a4161a"), "contributory": ("CF", "#0b4f8a")}


@dataclass
class Line:
    node: CauseNode
    depth: int
    text: list[str]  # wrapped
    y: float = 0.0  # baseline of the first text line


def wrap(text: str, width_px: float, max_lines: int, char_w: float = CHAR_W) -> list[str]:
    """Greedy word wrap (textwrap is ten times slower and 150 causes wrap on every change)."""
    chars = max(12, int(width_px / char_w))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > chars:  # a word longer than the line is broken
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:chars])
            word = word[chars:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= chars:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, chars - 1)].rstrip() + "…"
    return lines


def cause_lines(roots: list[CauseNode], lay: Layout) -> list[Line]:
    out: list[Line] = []
    stack = [(n, 0) for n in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        tag = 36 * lay.tag_font / 11 if node.conclusion in TAGS else 0
        room = lay.col_w - TEXT_X - SLANT - 14 - depth * INDENT - tag
        out.append(Line(node, depth, wrap(node.text, room, lay.max_lines, lay.char_w)))
        stack.extend((c, depth + 1) for c in reversed(node.children))
    return out


def block_height(lines: list[Line], lay: Layout) -> float:
    if not lines:
        return lay.line_h + CAUSE_GAP
    return sum(len(ln.text) * lay.line_h + CAUSE_GAP for ln in lines)
