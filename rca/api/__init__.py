"""The JSON API under /api/v1 (bearer tokens, same access rules, OpenAPI from the code)."""

from __future__ import annotations

from flask import Flask

# Each area's module adds its routes to the one blueprint as it is imported.
from rca.api import (  # noqa: F401
    actions,
    bundles,
    causes,
    guidance,
    imports,
    learning,
    near_miss,
    quality_statements,
    reports,
    suggestions,
    timeline,
)
from rca.api.views import bp
from rca.security import csrf


def init_app(app: Flask) -> None:
    """Register the API blueprint, its JSON error answers and its CSRF exemption."""
    # Safe only because the API ignores session cookies: a bearer token is never sent by a
    # browser on its own, so a cross-site request cannot carry one.
    csrf.exempt(bp)
    app.register_blueprint(bp)
