"""Actions that target causes: owners, review points, effectiveness checks, learning shared."""
