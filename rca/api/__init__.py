"""The JSON API under /api/v1 (bearer tokens, same access rules, OpenAPI from the code)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprint, its JSON error answers and its CSRF exemption."""
    from rca.api import actions, bundles, causes, guidance, imports, learning, reports, timeline  # noqa: F401  (add their routes to the blueprint)
    from rca.api.views import bp
    from rca.security import csrf

    # Safe only because the API ignores session cookies: a bearer token is never sent by a
    # browser on its own, so a cross-site request cannot carry one.
    csrf.exempt(bp)
    app.register_blueprint(bp)
