"""Use cases: one function, one transaction over a unit of work."""
