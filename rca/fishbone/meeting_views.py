"""Meeting mode: the big-screen review meeting (blueprint)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meeting", __name__, template_folder="templates")
