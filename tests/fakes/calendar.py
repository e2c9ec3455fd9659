"""In-memory ``services.ports.calendar.BusinessDateRepository``."""

from __future__ import annotations

from datetime import date


class FakeBusinessDateRepository:
    def __init__(self) -> None:
        self.on: date | None = None
        self.changed_by: int | None = None

    def current(self) -> date | None:
        return self.on

    def initialise(self, on: date) -> bool:
        if self.on is not None:
            return False
        self.on = on
        return True

    def current_for_update(self) -> date | None:
        return self.on

    def set(self, to: date, *, user_id: int | None) -> None:
        self.on = to
        self.changed_by = user_id
