"""The guidance screens (blueprint)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("guidance", __name__, template_folder="templates")
