"""Reviews: trigger and triage, terms of reference, stages, the workspace and its History."""
