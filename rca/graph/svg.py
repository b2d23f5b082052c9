"""The learning pictures as SVG: the factor network (themes as clusters) and quarter trends.

Pure functions from plain data to SVG text, the same in the browser and in a PDF: presentation
attributes rather than page CSS, every string escaped here. Colour never carries meaning alone:
each cluster is labelled with its theme's name, every node with its factor, and every node and
line has a text title with its numbers (the page beside it lists them as tables too).

networkx's layouts need numpy, which the workbench does not install; the layout here is a plain,
deterministic one that suits what people read off the picture: each theme a cluster in its own
cell of a grid, its factors round a circle, lines between factors that travel together (thicker
for higher lift), the factors in no theme in a last cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import escape

WIDTH = 920
#: Fill per theme (and a grey for factors in none), dark enough for white text beside them to
#: be irrelevant: labels sit under the nodes in ink.
PALETTE = ("#1f4e79", "#8a5300", "#1e6b3a", "#7a2e8a", "#b3261e", "#00646e", "#5b4a00", "#444c9c")
NO_THEME = "#6b7480"
INK = "#1d2530"
MAX_NODES = 40
#: A cluster's cell height, and the largest radius of its ring of factors.
CELL_H = 260.0
RING = 78.0
#: Room at the picture's sides (and foot) for the labels of the outermost factors.
PAD = 60.0


@dataclass(frozen=True)
class Node:
    code: str
    label: str
    reviews: int
    #: Index of its theme in ``groups``, or None.
    group: int | None


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    lift: float
    reviews: int


def _lines(text: str, width: int = 22, most: int = 2) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _pick(nodes: Sequence[Node]) -> list[Node]:
    """Every theme's factors first (themes in order), then the most-cited of the rest."""
    themed = sorted((n for n in nodes if n.group is not None), key=lambda n: (n.group, -n.reviews))
    rest = sorted((n for n in nodes if n.group is None), key=lambda n: (-n.reviews, n.code))
    return (themed + rest)[:MAX_NODES]


def render_network(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    groups: Sequence[str],
    *,
    title: str,
    href: Callable[[str], str] | None = None,
) -> str:
    """The factor network: one cluster per theme (``groups`` are their names)."""
    shown = _pick(nodes)
    t = escape(title)
    if not shown:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 60" width="{WIDTH}" '
            f'height="60" role="img" aria-label="{t}" class="lg-network"><title>{t}</title>'
            f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" font-size="14" fill="{INK}">'
            "No coded factors in this scope yet</text></svg>"
        )
    clusters: dict[int | None, list[Node]] = {}
    for node in shown:
        clusters.setdefault(node.group, []).append(node)
    order = sorted(clusters, key=lambda g: (g is None, g if g is not None else 0))
    cols = min(3, len(order))
    rows = math.ceil(len(order) / cols)
    cell_w = (WIDTH - 2 * PAD) / cols
    height = int(rows * CELL_H + PAD / 2)
    most = max(n.reviews for n in shown)
    at: dict[str, tuple[float, float]] = {}
    angle_of: dict[str, float | None] = {}
    radius: dict[str, float] = {}
    heads: list[str] = []
    for i, group in enumerate(order):
        members = clusters[group]
        cx = PAD + (i % cols + 0.5) * cell_w
        cy = (i // cols) * CELL_H + 34 + (CELL_H - 34) / 2
        ring = 0.0 if len(members) == 1 else min(RING, 18 + 14 * len(members))
        for k, node in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * k / len(members)
            at[node.code] = (cx + ring * math.cos(angle), cy + ring * math.sin(angle))
            angle_of[node.code] = angle if ring else None
            radius[node.code] = 6 + 10 * math.sqrt(node.reviews / most)
        # The cell's name: the theme's number (the page lists each theme's factors in words).
        name = f"Theme {group + 1}" if group is not None else "Factors in no theme"
        heads.append(
            f'<text x="{cx:.1f}" y="{(i // cols) * CELL_H + 22:.1f}" text-anchor="middle" '
            f'font-size="14" font-weight="700" fill="{INK}">{escape(name)}</text>'
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{t}" class="lg-network" '
        f'font-family="DejaVu Sans, Noto Sans, sans-serif"><title>{t}</title>',
        *heads,
    ]
    top = max((e.lift for e in edges), default=1.0)
    group_of = {n.code: n.group for n in shown}
    for edge in edges:
        if edge.a not in at or edge.b not in at:
            continue
        (x1, y1), (x2, y2) = at[edge.a], at[edge.b]
        same = group_of[edge.a] is not None and group_of[edge.a] == group_of[edge.b]
        colour = PALETTE[group_of[edge.a] % len(PALETTE)] if same else NO_THEME  # type: ignore[operator]
        width = 1 + 4 * ((edge.lift - 1) / (top - 1) if top > 1 else 0)
        dash = "" if same else ' stroke-dasharray="5 4"'
        label = f"{edge.a} with {edge.b}: lift {edge.lift:.2f}, {edge.reviews} reviews"
        parts.append(
            f"<g><title>{escape(label)}</title>"
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width:.1f}" stroke-opacity="0.55"{dash}/></g>'
        )
    for node in shown:
        parts.append(_node(node, at[node.code], radius[node.code], angle_of[node.code], href))
    parts.append("</svg>")
    return "".join(parts)


def _node(
    node: Node,
    at: tuple[float, float],
    r: float,
    angle: float | None,
    href: Callable[[str], str] | None,
) -> str:
    """A factor's circle with its label outside the cluster's ring (so labels do not overlap
    the lines or each other), its numbers in the title."""
    x, y = at
    fill = PALETTE[node.group % len(PALETTE)] if node.group is not None else NO_THEME
    label = _lines(node.label, 18, 3)
    dx, dy = (0.0, 1.0) if angle is None else (math.cos(angle), math.sin(angle))
    anchor = "start" if dx > 0.35 else "end" if dx < -0.35 else "middle"
    tx = x + dx * (r + 5)
    if anchor == "middle":  # above or below the circle
        ty = y + r + 13 if dy >= 0 else y - r - 6 - 13 * (len(label) - 1)
    else:  # beside it, the lines centred on it
        ty = y + 4 - 6.5 * (len(label) - 1)
    text = "".join(
        f'<tspan x="{tx:.1f}" dy="{0 if k == 0 else 13}">{escape(line)}</tspan>'
        for k, line in enumerate(label)
    )
    body = (
        f"<title>{escape(node.label)}: {node.reviews} review{'s' if node.reviews != 1 else ''}"
        f"</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{INK}" '
        f'stroke-width="1"/>'
        f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="11" '
        f'fill="{INK}">{text}</text>'
    )
    if href is None:
        return f"<g>{body}</g>"
    return f'<a href="{escape(href(node.code))}">{body}</a>'


def render_quarters(by_quarter: Mapping[str, int] | Sequence[tuple[str, int]], label: str) -> str:
    """A small bar per quarter (the trend), with each quarter's count in its title."""
    items = list(by_quarter.items()) if isinstance(by_quarter, Mapping) else list(by_quarter)
    bar, gap, height = 9, 3, 28
    width = max(1, len(items)) * (bar + gap)
    top = max((n for _, n in items), default=0) or 1
    words = ", ".join(f"{q}: {n}" for q, n in items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="lg-trend" '
        f'aria-label="{escape(label)} by quarter: {escape(words)}">'
        f"<title>{escape(label)} by quarter: {escape(words)}</title>"
    ]
    for k, (quarter, n) in enumerate(items):
        h = 2 if n == 0 else 4 + (height - 4) * n / top
        fill = "#cfd6de" if n == 0 else "#1f4e79"
        parts.append(
            f'<rect x="{k * (bar + gap)}" y="{height - h:.1f}" width="{bar}" height="{h:.1f}" '
            f'fill="{fill}"><title>{escape(quarter)}: {n}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
