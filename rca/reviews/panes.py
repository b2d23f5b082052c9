"""The workspace's pane registry: each area plugs its pane in without the reviews package
knowing its insides.

An area registers a template and, optionally, a function that builds the pane's extra template
context from the review (and the request's query arguments). The reviews workspace renders
whatever is registered and falls back to a "not built yet" pane.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rca.reviews.models import Review

PaneContext = Callable[[Review, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Pane:
    template: str
    context: PaneContext | None = None


_PANES: dict[str, Pane] = {}
FALLBACK = "reviews/panes/later.html"


def register(name: str, template: str, context: PaneContext | None = None) -> None:
    _PANES[name] = Pane(template, context)


def template_for(name: str) -> str:
    pane = _PANES.get(name)
    return pane.template if pane else FALLBACK


def context_for(name: str, review: Review, args: Mapping[str, Any]) -> dict[str, Any]:
    pane = _PANES.get(name)
    if pane is None or pane.context is None:
        return {}
    return pane.context(review, args)
