"""Demo steps that areas beyond triage and scope contribute to the demo's reviews.

Each area keeps its demo content in its own module (``rca.demo.analysis``, ``rca.demo.meetings``,
``rca.demo.planning``, ``rca.demo.reporting``, ``rca.demo.quality``): it registers a handler per
step action it knows and adds steps to reviews by their triage title. The loader merges every
review's steps in time order, so an area's steps interleave with the stage moves of
``rca.demo.stories``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.demo.stories import Step
from rca.reviews.models import Review


@dataclass(frozen=True)
class DemoContext:
    """What a step handler may need besides the review: the demo's registers and today."""

    staff: dict[str, int]  # staff member ids by name
    users: dict[str, User]  # users by demo key ("amira.hussain")
    today: date
    #: Shared between an area's steps of one review (e.g. cause ids by a short key).
    memory: dict[str, Any]


StepHandler = Callable[[Session, Review, Step, DemoContext], None]

HANDLERS: dict[str, StepHandler] = {}
#: Extra steps per review, keyed by the review's triage title in ``stories.REVIEWS``.
EXTRA_STEPS: dict[str, list[Step]] = {}

AREA_MODULES = ("analysis", "meetings", "planning", "reporting", "quality")


def handles(action: str) -> Callable[[StepHandler], StepHandler]:
    """Register ``fn`` as the handler of demo steps with this action."""

    def register(fn: StepHandler) -> StepHandler:
        HANDLERS[action] = fn
        return fn

    return register


def add_steps(title: str, *steps: Step) -> None:
    EXTRA_STEPS.setdefault(title, []).extend(steps)


def load_areas() -> None:
    """Import every area's demo module so its handlers and steps are registered."""

    for name in AREA_MODULES:
        importlib.import_module(f"rca.demo.{name}")


def steps_for(spec: dict[str, Any]) -> list[Step]:
    """The review's own steps and every area's, in time order (ties keep their order)."""
    load_areas()
    extra = EXTRA_STEPS.get(spec["triage"]["title"], [])
    return sorted([*spec["steps"], *extra], key=lambda step: step.at)
