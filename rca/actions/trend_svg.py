"""The effectiveness trend as a small SVG: results (%) over time against the target line.

A pure function from plain data to SVG text, shared by the monitoring pane and the PDF. Every
string is escaped here. Colour never carries the verdict alone: each point's shape says it too
(circle embedded, square improving, triangle not embedded), the legend says so in words, and
each point has a text title.
"""

from __future__ import annotations

from collections.abc import Sequence

from rca.actions.effectiveness import TrendPoint
from rca.xmltext import escape  # markupsafe's, minus characters XML cannot carry

WIDTH, HEIGHT = 420, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 30, 16, 34


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - max(0.0, min(100.0, value)) / 100)


def _marker(x: float, y: float, verdict: str) -> str:
    if verdict == "embedded":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="trend-point trend-point--ok"/>'
    if verdict == "improving":
        return (
            f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" '
            'class="trend-point trend-point--improving"/>'
        )
    return (
        f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 4.5:.1f} L{x - 6:.1f} {y + 4.5:.1f} Z" '
        'class="trend-point trend-point--not"/>'
    )


def render_trend(points: Sequence[TrendPoint], target: float | None, title: str) -> str:
    """An SVG of the results in order, with the target as a dashed line."""
    plot_w = WIDTH - LEFT - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 50, 100):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="trend-grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="trend-axis">'
            f"{tick}%</text>"
        )
    if target is not None:
        y = _y(target)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="trend-target" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" class="trend-axis">'
            f"target {escape(f'{target:g}')}%</text>"
        )
    if not points:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT / 2:.1f}" text-anchor="middle" '
            'class="trend-empty">No checks recorded yet</text></svg>'
        )
        return "".join(parts)
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0
    xs = [LEFT + (plot_w / 2 if len(points) == 1 else i * step) for i in range(len(points))]
    if len(points) > 1:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {_y(p.result_percent):.1f}"
            for i, (x, p) in enumerate(zip(xs, points, strict=True))
        )
        parts.append(f'<path d="{path}" class="trend-line" fill="none"/>')
    for x, p in zip(xs, points, strict=True):
        y = _y(p.result_percent)
        parts.append(f"<g><title>{escape(p.label)}</title>{_marker(x, y, p.verdict)}</g>")
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'class="trend-axis">{escape(p.period_end.strftime("%d/%m/%y"))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
