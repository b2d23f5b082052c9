"""Governance across services (issue 16).

Near-miss patterns: ``near_miss.py`` finds runs of similar incidents, ``pattern_models.py``
holds the decisions, ``pattern_decisions.py`` accepts a run (a review at triage) or declines it
(with a reason), and ``pattern_views.py`` is the Patterns page reached from the Learning page;
the API routes are in ``rca/api/near_miss.py``.

Look here too: ``suggestions.py`` suggests a finding to the other services of its kind that have
not examined it, ``suggestion_models.py`` holds the decisions, ``suggestion_decisions.py``
accepts one (a check in the source review's plan) or dismisses it (with a reason), and
``suggestion_views.py`` is its page; the API routes are in ``rca/api/suggestions.py``.
"""
