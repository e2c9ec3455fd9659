"""Port: the bank's business date (one value, moved only forward)."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class BusinessDateRepository(Protocol):
    """The bank's business date."""

    def current(self) -> date | None:
        """The business date, or None if it was never set."""
        ...

    def initialise(self, on: date) -> bool:
        """Set the date to ``on`` if it was never set; whether it was set now."""
        ...

    def current_for_update(self) -> date | None:
        """The business date, held against concurrent movers until commit."""
        ...

    def set(self, to: date, *, user_id: int | None) -> None:
        """Set the business date (the caller has checked the direction)."""
        ...
