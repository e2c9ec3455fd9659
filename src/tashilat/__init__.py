"""tashilat: Iran's worker and youth credit programs as code."""

__version__ = "0.1.0"
