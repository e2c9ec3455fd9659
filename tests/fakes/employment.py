"""In-memory ``services.ports.employment`` repository."""

from __future__ import annotations


class FakeEmploymentRepository:
    pass
