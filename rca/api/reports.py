"""API v1 routes for reports; they add themselves to the one API blueprint."""

from __future__ import annotations

from rca.api.views import bp  # noqa: F401
