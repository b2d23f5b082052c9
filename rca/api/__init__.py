"""The JSON API under /api/v1 (bearer tokens, same access rules, OpenAPI from the code)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Filled in by the API module."""
