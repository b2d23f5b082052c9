"""``flask --app rca demo``"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Filled in by the demo module."""
