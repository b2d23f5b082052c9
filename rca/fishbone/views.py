"""The fishbone screens (blueprint)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fishbone", __name__, template_folder="templates")
