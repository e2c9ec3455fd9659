"""In-memory ``services.ports.loans`` repository."""

from __future__ import annotations


class FakeLoanRepository:
    pass
