"""Models of the review meeting: who attended, decisions taken, who is here now."""

from __future__ import annotations
