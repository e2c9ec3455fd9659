"""Port: The bank's business date (one row)."""

from __future__ import annotations

from typing import Protocol


class BusinessDateRepository(Protocol):
    """The bank's business date (one row)."""
