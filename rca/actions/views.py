"""The actions screens (blueprint)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__, template_folder="templates")
