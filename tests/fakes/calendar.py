"""In-memory ``services.ports.calendar`` repository."""

from __future__ import annotations


class FakeBusinessDateRepository:
    pass
