"""Demo content for this area: steps added to the demo reviews (see ``rca.demo.steps``)."""

from __future__ import annotations
