"""Port: Housing loans and their instalments."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from tashilat.domain.servicing import Instalment


class LoanRepository(Protocol):
    """Housing loans and their instalments."""

    def add_instalments(self, loan_id: int, rows: list[dict[str, Any]]) -> None:
        """Record the loan's schedule (``loan_servicing.instalment_fields``)."""
        ...

    def instalments(
        self, loan_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        """The loan's instalments by number (only unpaid ones, or those due before a day,
        when asked)."""
        ...

    def save_instalments(self, insts: list[Instalment]) -> None:
        """Write back what payments and late charges changed on the instalments."""
        ...


__all__ = ["Instalment", "LoanRepository"]
