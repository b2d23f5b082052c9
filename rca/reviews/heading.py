"""A review as other areas list it: the heading a row, a link or a figure names it by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rca.reviews.models import STAGES


@dataclass(frozen=True)
class ReviewHeading:
    id: int
    reference: str
    title: str
    #: The service's code and name.
    service: str
    service_name: str
    occurred_on: date
    stage: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "title": self.title,
            "service": self.service,
            "occurred_on": self.occurred_on.isoformat(),
            "stage": self.stage,
        }

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)
