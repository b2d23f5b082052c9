"""Models of the guidance area."""

from __future__ import annotations
