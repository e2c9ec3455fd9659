"""Port: housing loans and their instalments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from tashilat.domain.servicing import Instalment


@dataclass(frozen=True)
class NewLoan:
    """What requesting a housing loan records (the repository gives it an id)."""

    account_id: int
    customer_id: int
    branch_id: int
    principal: int
    rate_percent: Decimal
    months: int
    method: str
    appraisal: int
    requested_by: int
    requested_on: date
    policy_hash: str


@dataclass(frozen=True)
class LoanRecord:
    """A housing loan as stored, from request to settlement."""

    id: int
    account_id: int
    customer_id: int
    branch_id: int
    principal: int
    rate_percent: Decimal
    months: int
    method: str
    appraisal: int
    status: str
    requested_by: int
    requested_on: date
    approved_by: int | None
    approved_on: date | None
    disbursed_on: date | None
    settled_on: date | None
    decision_note: str
    policy_hash: str


class LoanRepository(Protocol):
    """Housing loans and their instalments."""

    def get(self, loan_id: int, *, lock: bool = False) -> LoanRecord | None:
        """The loan; ``lock`` holds it against concurrent changes until commit."""
        ...

    def add(self, new: NewLoan) -> LoanRecord:
        """Record a requested loan (status ``requested``)."""
        ...

    def update(self, loan_id: int, **changes: Any) -> None:
        """Change the named fields of the loan (``LoanRecord``'s names)."""
        ...

    def consume_privilege(self, account_id: int) -> None:
        """The account's loan privilege is used (its loan is paid out)."""
        ...

    def disbursed(self) -> list[LoanRecord]:
        """Every loan paid out and not yet settled, by id."""
        ...

    def page(
        self,
        *,
        customer_id: int | None,
        branch_id: int | None,
        status: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[LoanRecord], int]:
        """One page of the loans (only one customer's, one branch's or in one status, when
        given) by id, and how many there are in all."""
        ...

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


__all__ = ["Instalment", "LoanRecord", "LoanRepository", "NewLoan"]
