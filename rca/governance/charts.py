"""The dashboard's charts: Vega-Lite specifications drawn to SVG on the server by vl-convert.

Why vl-convert (measured 2026-12-07 on a six-bar chart, median of 30, 2-core machine):
matplotlib's SVG backend took 25 ms and 9.4 KB and clipped long stage names unless asked for a
tight layout (slower still); pygal took 3.7 ms and 17 KB but styles its SVG with its own
stylesheet and JavaScript hooks, which WeasyPrint and a strict CSP would each have to be taught;
vl-convert took 16 ms and 9.1 KB, lays labels out itself and writes plain SVG attributes that the
browser and WeasyPrint draw the same way. Its first chart in a process pays about 0.4 s to start
its JavaScript engine; every chart after that is memoised by its specification (the data is in
the specification), so a dashboard seen twice draws nothing again.

Each chart is a pure function from figures to SVG text; every label is data inside the JSON
specification, and vl-convert escapes text as it writes SVG, so no user string reaches the markup
unescaped. The same SVG is put in the page and in the quality-meeting PDF, beside a data table
that a screen reader reads (the SVG itself is an image with a one-line label).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import vl_convert
from markupsafe import escape

#: The report's print font first (WeasyPrint has it), then what browsers have.
FONT = "DejaVu Sans, Liberation Sans, Noto Sans, sans-serif"
BRAND = "#1f4e79"
#: Colour-blind-safe categories (Okabe-Ito), darkest first so a single series stays brand-like.
PALETTE = ("#1f4e79", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999", "#f0e442")
WIDTH = 520
#: The width of a chart across a whole row of the page (months along the bottom).
WIDE = 960


#: The longest label drawn; the table beside the chart has the whole text.
LABEL_CHARS = 30
#: The room left of a horizontal chart's bars for its category labels: 30 characters of the
#: 11 px font, with the ellipsis.
LABEL_ROOM = 200
#: The height of one bar's band, and the share of it left empty between and around the bars.
STEP, PADDING_INNER, PADDING_OUTER = 22, 0.1, 0.05


def shortened(labels: Sequence[str]) -> dict[str, str]:
    """Each label cut to LABEL_CHARS with an ellipsis, still told apart from the others."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for label in dict.fromkeys(labels):
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        n = 2
        base = short
        while short in taken:
            short, n = f"{base} ({n})", n + 1
        taken.add(short)
        out[label] = short
    return out


def count_axis(title: str, top: int) -> dict[str, Any]:
    """A count axis with whole-number ticks only (no "0.5 actions"), at most about eight."""
    step = max(1, -(-top // 8))
    return {"title": title, "values": list(range(0, top + step, step)), "format": "d"}


_CONFIG: dict[str, Any] = {
    "font": FONT,
    # The chart is one image with one label (``_as_image``), its figures in the table beside
    # it: Vega's own description of every bar and axis would be noise a screen reader never
    # reaches, and writing them cost more than drawing the bars.
    "aria": False,
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 11,
        "labelColor": "#1d2530",
        "grid": False,
        # No limit: vl-convert measures a label again for every character it trims, which made
        # eight factor names cost 35 ms; labels are shortened in Python instead (``shortened``).
        "labelLimit": 0,
    },
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom", "labelLimit": 0},
    "background": "white",
}


#: The category axis of a horizontal chart: a fixed room and no labels of vl-convert's own.
#: vl-convert's time grows with every character of the labels it lays out (on a busy machine,
#: with ``aria`` already off, its own labels made the eight-factor chart about five times
#: slower; the figures are in bench/README.md), so the labels are written by ``_labelled`` at
#: the band centres, which the fixed paddings make known.
_BANDS: dict[str, Any] = {
    "title": None,
    "axis": {"labels": False, "minExtent": LABEL_ROOM, "maxExtent": LABEL_ROOM},
    "scale": {"paddingInner": PADDING_INNER, "paddingOuter": PADDING_OUTER},
}


def bar_chart(title: str, rows: Sequence[tuple[str, int]], *, axis_title: str) -> str:
    """Horizontal bars, one per (label, count), in the order given."""
    short = shortened([label for label, _ in rows])
    values = [{"label": short[label], "n": n} for label, n in rows]
    spec = {
        "width": WIDTH - LABEL_ROOM,
        "height": {"step": STEP},
        "data": {"values": values},
        "mark": {"type": "bar", "color": BRAND},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": None, **_BANDS},
            "x": {
                "field": "n",
                "type": "quantitative",
                "axis": count_axis(axis_title, max((n for _, n in rows), default=0)),
                "scale": {"domainMin": 0},
            },
        },
    }
    return _draw(title, spec, [v["label"] for v in values])


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, str, int]],
    *,
    axis_title: str,
    series_title: str,
    series_order: Sequence[str],
    horizontal: bool = True,
) -> str:
    """Bars of (category, series, count) stacked by series, categories in the order given; the
    series' colours are ``series_key``'s, shown beside the chart rather than inside it."""
    names = shortened([c for c, _, _ in rows])
    series = shortened(list(series_order))
    values = [{"category": names[c], "series": series[s], "n": n} for c, s, n in rows if n]
    categories = list(dict.fromkeys(names[c] for c, _, _ in rows))
    series_order = [series[s] for s in series_order]
    colours = list(PALETTE[: len(series_order)])
    totals: dict[str, int] = {}
    for c, _, n in rows:
        totals[c] = totals.get(c, 0) + n
    category: dict[str, Any] = {
        "field": "category",
        "type": "nominal",
        "sort": categories,
        "scale": {"domain": categories},
        "title": None,
    }
    if horizontal:
        category = {**category, **_BANDS, "scale": {**_BANDS["scale"], "domain": categories}}
    count = {
        "field": "n",
        "type": "quantitative",
        "stack": "zero",
        "axis": count_axis(axis_title, max(totals.values(), default=0)),
    }
    spec = {
        "width": WIDTH - LABEL_ROOM if horizontal else WIDE,
        "height": {"step": STEP} if horizontal else 180,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y" if horizontal else "x": category,
            "x" if horizontal else "y": count,
            "color": {
                "field": "series",
                "type": "nominal",
                "title": series_title,
                "scale": {"domain": list(series_order), "range": colours},
                # The key is the page's (``series_key``): vl-convert's legend cost 10 to 24 ms.
                "legend": None,
            },
            "order": {"field": "order", "type": "quantitative"},
        },
        "transform": [
            {"calculate": f"indexof({json.dumps(list(series_order))}, datum.series)", "as": "order"}
        ],
    }
    if not horizontal:
        spec["encoding"]["x"]["axis"] = {"labelAngle": 0}
    return _draw(title, spec, categories if horizontal else ())


def series_key(series_order: Sequence[str]) -> list[tuple[str, str]]:
    """(name, colour) of each series of a ``stacked_bars`` chart, for the key beside it."""
    return list(zip(series_order, PALETTE, strict=False))


def _draw(title: str, spec: dict[str, Any], labels: Sequence[str]) -> str:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title,
        "config": _CONFIG,
        **spec,
    }
    return _svg(json.dumps(spec, sort_keys=True), title, tuple(labels))


@lru_cache(maxsize=256)
def _svg(spec_json: str, title: str, labels: tuple[str, ...]) -> str:
    svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return _as_image(_labelled(svg, labels), title)


def band_centre(i: int) -> float:
    """Where the middle of the i-th band of a horizontal chart lies below the top of its bars
    (Vega's band scale: the outer padding, i whole steps, half a bar)."""
    return STEP * (PADDING_OUTER + i + (1 - PADDING_INNER) / 2)


_ROOT = re.compile(r"<svg\b")
#: vl-convert puts everything in one group moved to the top left corner of the bars.
_ORIGIN = re.compile(r'transform="translate\(([-\d.]+),([-\d.]+)\)"')
_LABELS = (
    '<g class="chart__labels" font-family="{font}" font-size="11" fill="#1d2530"'
    ' text-anchor="end">{texts}</g>'
)


def _labelled(svg: str, labels: tuple[str, ...]) -> str:
    """The category labels written right-aligned beside the axis's ticks, escaped as text."""
    if not labels:
        return svg
    origin = _ORIGIN.search(svg)
    if origin is None:  # pragma: no cover - vl-convert always draws one root group
        raise ValueError("vl-convert's SVG has no root group to label")
    x, y = float(origin[1]), float(origin[2])
    # 7 px: the tick's 5 and Vega's own 2 of label padding; +4 sets the 11 px text's middle on
    # the band's (a baseline attribute would do it, but WeasyPrint does not honour one).
    texts = "".join(
        f'<text x="{x - 7:g}" y="{y + band_centre(i) + 4:g}">{escape(label)}</text>'
        for i, label in enumerate(labels)
    )
    at = svg.rindex("</svg>")
    return svg[:at] + _LABELS.format(font=FONT, texts=texts) + svg[at:]


#: The roles Vega gives its groups and marks even with ``aria`` off, left unlabelled: inside
#: one labelled image they are nothing to a screen reader, and axe rightly flags them.
_INNER_ROLES = re.compile(r' (?:role="graphics-[a-z-]+"|aria-roledescription="[^"]*")')


def _as_image(svg: str, title: str) -> str:
    """One image with a label: the table beside it carries the figures."""
    svg = _INNER_ROLES.sub("", svg)
    svg = svg.replace('class="marks"', 'class="marks chart__svg"', 1)
    return _ROOT.sub(f'<svg role="img" aria-label="{escape(title)}"', svg, 1)
