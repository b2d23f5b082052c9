"""The guidance panel: on every workspace pane, and as its own fragment for htmx to refresh.

The workspace includes ``guidance/_panel.html``, which asks ``guidance_for(review)`` (a template
global) for the rules' results; the stage-move form asks the same object which rules the next
move needs a reason for. One evaluation serves both within a request (cached on ``g``), and
across requests while the review's change token stands (``rca.audit.changes``): every fact the
rules read (causes, their evidence, actions, overrides, the framework's settings, the review, the
users who overrode) writes a History entry of the review or a shared one when it changes, so
moving between panes re-reads one token instead of the facts. Today's date is in the key (a
review point falls due overnight).
``GET /reviews/<id>/guidance`` answers the panel alone; the panel requests it whenever
``rca:changed`` reaches the body (other areas' endpoints send ``HX-Trigger: rca:changed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, g
from flask_login import current_user, login_required

from rca import access
from rca.audit.changes import REVIEW_TOKEN, TokenCache
from rca.db import db, today_london
from rca.guidance.overrides import field_name, to_explain
from rca.guidance.rules import RuleResult, evaluate
from rca.reviews.models import STAGES, Review
from rca.templating import render

bp = Blueprint("guidance", __name__, template_folder="templates")

#: How each state reads: an icon for the eye (hidden from screen readers) and the words.
STATES = {
    "pass": ("✓", "Passed"),
    "fail": ("✗", "Needs attention"),
    "pending": ("○", "Not yet"),
    "overridden": ("⚑", "Overridden"),
}


@dataclass(frozen=True)
class Panel:
    review: Review
    results: list[RuleResult]
    #: The stage the review moves to next, or None when closed.
    next_stage: str | None

    def state(self, result: RuleResult) -> str:
        return "pending" if result.pending else result.status

    @property
    def to_explain(self) -> list[RuleResult]:
        """Failing rules the next stage move needs a reason for."""
        return to_explain(self.results, self.next_stage) if self.next_stage else []

    def count(self, state: str) -> int:
        return sum(1 for r in self.results if self.state(r) == state)


def _next_stage(review: Review) -> str | None:
    order = list(STAGES)
    i = order.index(review.stage)
    return order[i + 1] if i + 1 < len(order) else None


#: Rule results are a few kB per review; a busy process has a few dozen reviews open.
_results: TokenCache[tuple[RuleResult, ...]] = TokenCache(REVIEW_TOKEN, max_entries=256)


def guidance_for(review: Review) -> Panel:
    """The panel's data for this review, evaluated once per request and review version."""
    cache: dict[tuple[int, int], Panel] = g.setdefault("guidance_panels", {})
    key = (review.id, review.version)
    if key not in cache:
        today = today_london()
        results = _results.get(
            db.session,
            review,
            ("guidance", today, review.stage, review.version),
            lambda: tuple(evaluate(db.session, review, today)),
        )
        cache[key] = Panel(review, list(results), _next_stage(review))
    return cache[key]


@bp.before_request
@login_required
def require_login() -> None:
    """Every guidance screen needs a signed-in user."""


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {
        "guidance_for": guidance_for,
        "guidance_states": STATES,
        "override_field": field_name,
    }


@bp.get("/reviews/<int:review_id>/guidance")
def panel(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    # Fresh each time: a change elsewhere in this request must not be hidden by the cache.
    g.pop("guidance_panels", None)
    # Outside the workspace (no htmx) the fix links are plain links: there is no pane to swap.
    return render("guidance/panel.html", "panel", review=review, standalone=not g.htmx)
