"""The other areas' functions the report draws on, looked up when they exist.

The fishbone, meeting, guidance and actions areas were built at the same time as the report; a
report must still render for a review whose area has nothing yet (or whose module is not there),
saying so plainly. Each lookup answers the function, or None; a failing call is logged and
answers None too, so one broken section never takes the whole report down.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Where each function may live, in the order tried.
PLACES: dict[str, tuple[str, ...]] = {
    "cause_tree": ("rca.fishbone.tree",),
    "render_fishbone": ("rca.fishbone.svg",),
    "framework_for": ("rca.fishbone.frameworks",),
    "problem_statement": ("rca.fishbone.frameworks", "rca.fishbone.settings"),
    "meeting_summaries": ("rca.fishbone.meeting", "rca.fishbone.meetings"),
    "evaluate": ("rca.guidance.rules",),
    "overrides_for": ("rca.guidance.overrides",),
    "action_plan": ("rca.actions.plan", "rca.actions.planning", "rca.actions.queries"),
    "effectiveness_results": (
        "rca.actions.effectiveness",
        "rca.actions.monitoring",
        "rca.actions.queries",
    ),
    "learning_shared": (
        "rca.actions.learning",
        "rca.actions.dissemination",
        "rca.actions.monitoring",
        "rca.actions.queries",
    ),
    "trend_svg": ("rca.actions.svg", "rca.actions.trend", "rca.actions.trend_svg"),
}


def find(name: str) -> Callable[..., Any] | None:
    for module_name in PLACES.get(name, ()):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        except Exception:  # another area's half-written module must not break the report
            log.exception("Could not import %s for the report", module_name)
            continue
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """``name(*args)`` when it exists and works; None otherwise."""
    fn = find(name)
    if fn is None:
        return None
    try:
        return fn(*args, **kwargs)
    except Exception:
        log.exception("The report's source %s failed", name)
        return None


def field(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` that ``obj`` has, as an attribute or a key."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default
