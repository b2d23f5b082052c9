"""The dashboard's figures as charts (``rca.governance.charts``): one pure function from the
``Dashboard`` to each chart's SVG, shared by the page and the quality-meeting pack. A figure with
nothing to draw has no chart (None): the page says so in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from markupsafe import Markup
from sqlalchemy.orm import Session

from rca.governance import charts
from rca.governance.dashboard import AGE_BANDS, Dashboard, board_key, dashboard
from rca.graph.freshness import remembered
from rca.graph.scope import LearningScope


def month_label(month: str) -> str:
    """ "2026-01" as "Jan 26"."""
    year, number = month.split("-")
    return date(int(year), int(number), 1).strftime("%b %y")


def open_reviews(d: Dashboard) -> str | None:
    if not d.stages:
        return None
    bands = [name for name, _ in AGE_BANDS]
    rows = [(s.label, bands[i], n) for s in d.stages for i, n in enumerate(s.by_age)]
    return charts.stacked_bars(
        "Open reviews by stage and age",
        rows,
        axis_title="Open reviews",
        series_title="Open for",
        series_order=bands,
    )


def overdue_actions(d: Dashboard) -> str | None:
    if not d.owners:
        return None
    return charts.bar_chart(
        "Overdue actions by owner",
        [(o.owner, o.overdue) for o in d.owners],
        axis_title="Overdue actions",
    )


def _per_month(d: Dashboard, what: str, title: str, axis_title: str) -> str | None:
    if not any(sum(getattr(s, what)) for s in d.services):
        return None
    rows = [
        (month_label(m), s.name, getattr(s, what)[i])
        for i, m in enumerate(d.months)
        for s in d.services
    ]
    return charts.stacked_bars(
        title,
        rows,
        axis_title=axis_title,
        series_title="Service",
        series_order=[s.name for s in d.services],
        horizontal=False,
    )


def incidents(d: Dashboard) -> str | None:
    return _per_month(d, "incidents", "Incidents recorded per month by service", "Incidents")


def reviews(d: Dashboard) -> str | None:
    return _per_month(d, "reviews", "Reviews per month of incident by service", "Reviews")


def factors(d: Dashboard) -> str | None:
    if not d.factors:
        return None
    return charts.bar_chart(
        "Recurring contributory factors",
        [(f.label, f.reviews) for f in d.factors],
        axis_title="Reviews citing the factor",
    )


def effectiveness(d: Dashboard) -> str | None:
    e = d.effectiveness
    if not e.checks:
        return None
    return charts.bar_chart(
        "Effectiveness checks: target met or missed",
        [("Target met", e.met), ("Target missed", e.missed)],
        axis_title="Effectiveness checks",
    )


#: Every chart of the dashboard, by name, in the page's order.
DRAWN: dict[str, Callable[[Dashboard], str | None]] = {
    "open_reviews": open_reviews,
    "overdue_actions": overdue_actions,
    "incidents": incidents,
    "reviews": reviews,
    "factors": factors,
    "effectiveness": effectiveness,
}


def keys(d: Dashboard) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The stacked charts' keys: a title and (series, colour) pairs, drawn by the page."""
    services = charts.series_key([s.name for s in d.services])
    return {
        "open_reviews": ("Open for", charts.series_key([name for name, _ in AGE_BANDS])),
        "incidents": ("Service", services),
        "reviews": ("Service", services),
    }


def all_charts(d: Dashboard) -> dict[str, str | None]:
    """Every chart of the dashboard, by name."""
    return {name: draw(d) for name, draw in DRAWN.items()}


def marked_up(svgs: dict[str, str | None]) -> dict[str, Markup | None]:
    """The charts as markup for a template: vl-convert has escaped every text it wrote."""
    return {k: None if v is None else Markup(v) for k, v in svgs.items()}  # noqa: S704


def drawn(
    session: Session, scope: LearningScope, today: date
) -> tuple[Dashboard, dict[str, str | None]]:
    """The dashboard and its charts, remembered together (a warm page draws nothing)."""
    key = board_key(session, scope, today)
    board = dashboard(session, scope, today, key)
    return board, remembered(session, ("charts", *key), lambda: all_charts(board))
