"""``flask --app rca report``: write a review's PDF."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the report command to the app's CLI."""
