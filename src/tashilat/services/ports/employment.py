"""Port: employment loans — agencies, banks, allocations, categories, monthly limits, the
SAMAT registry, applications, guarantees and instalments.

The limits many introductions compete for are decided by the repository, atomically, in
the transaction: ``reserve_introduction`` takes the person's loan slot and reserves the
allocation under its three conditions (``AllocationUse.shortfall``: the allocation, the
approved-category share, the repeat share) or changes nothing that the caller keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from tashilat.domain.programs.employment.allocation import AllocationUse
from tashilat.domain.programs.employment.rules import PriorLoan
from tashilat.domain.servicing import Instalment

# Whose applications a report or a list shows: one agency's, one bank's, nobody's
# (``("none", None)``), or (None) all.
Scope = tuple[Literal["agency", "bank", "none"], int | None] | None


@dataclass(frozen=True)
class GuaranteeRecord:
    """A guarantee offered for an application: a credit grade, a promissory note or a
    guarantor's national ID."""

    id: int
    application_id: int
    kind: str
    national_id: str | None
    grade: str | None


class GuaranteeLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def national_id(self) -> str | None: ...

    @property
    def grade(self) -> str | None: ...


class SlotHolder(Protocol):
    """Who holds a person's loan slot: an application in progress or a SAMAT loan."""

    @property
    def application_id(self) -> int | None: ...

    @property
    def samat_code(self) -> str | None: ...

    @property
    def samat_disbursed_on(self) -> date | None: ...


class EmploymentRepository(Protocol):
    """Employment loans: set-up, the registry, applications and their loans."""

    def reserve_introduction(
        self,
        *,
        application_id: int,
        national_id: str,
        slot: int,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category: int,
        repeat_amount: int,
        bank_id: int,
        repeat: bool,
        on: date,
        user_id: int | None,
        username: str,
        request_id: str,
        detail: str,
    ) -> tuple[bool, int | None]:
        """Introduce the application: take slot ``slot`` of ``national_id``, reserve
        ``amount`` (``category`` of it against the approved-category share, ``repeat_amount``
        against the repeat share) on the agency's allocation for the province and year, mark
        the application introduced to ``bank_id`` on ``on`` and write the audit line.

        Returns ``(slot_ok, allocation_id)``: ``slot_ok`` False when somebody holds the slot;
        ``allocation_id`` None when there is no allocation or one of its conditions would be
        broken. Unless both succeed the caller must roll back: nothing done here is kept.
        Concurrent calls never reserve beyond an allocation or its shares."""
        ...

    def use_monthly_limit(
        self, *, bank_id: int, year: int, month: int, amount: int, exempt: bool
    ) -> bool:
        """Count ``amount`` against the bank's monthly SAMAT limit for the Jalali month:
        beyond it (``exempt_used``) when ``exempt``, otherwise only if it still fits. False,
        with nothing changed, when it does not fit; True when counted or when the month has
        no limit set. The used amount never exceeds the limit."""
        ...

    def post_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int,
        amount: int,
        category: int,
        repeat_amount: int,
        samat_loan_id: int,
    ) -> None:
        """The loan is paid: its reservations on the allocation (and shares) become postings,
        and the person's slot is held by the SAMAT loan."""
        ...

    def release_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int | None,
        amount: int,
        category: int,
        repeat_amount: int,
    ) -> None:
        """The application is rejected or withdrawn: what it reserved on the allocation (if
        ``allocation_id``) is released, and the slot it reserved is freed."""
        ...

    def holds_slot(self, application_id: int) -> bool:
        """Whether the application holds a person's loan slot."""
        ...

    def prior_loans(self, national_id: str) -> list[PriorLoan]:
        """The person's employment loans in the SAMAT registry, oldest first."""
        ...

    def has_slot_in_progress(self, national_id: str) -> bool:
        """Whether an application in progress has reserved one of the person's slots."""
        ...

    def allocation_rows(
        self, *, year: int | None, agency_id: int | None
    ) -> list[tuple[str, str, str, int, AllocationUse]]:
        """(agency code, agency name, province, year, use) of every allocation, by agency
        code and province; only ``year``'s and ``agency_id``'s when given."""
        ...

    def applications_by_category(self, scope: Scope) -> list[tuple[str, str | None, str, int, int]]:
        """(agency code, category code, state, count, amount) of the applications in scope,
        in that order."""
        ...

    def applications_by_state(self, scope: Scope) -> list[tuple[str, int, int]]:
        """(state, count, amount) of the applications in scope, by state."""
        ...

    def disbursal_times(self, scope: Scope) -> list[tuple[str, str, date, date]]:
        """(agency code, bank code, submitted on, disbursed on) of every disbursed
        application in scope."""
        ...

    def add_guarantee(self, g: GuaranteeLike) -> int:
        """Record a guarantee offered for ``g.application_id``; returns its id."""
        ...

    def guarantees_of(self, application_id: int) -> Sequence[GuaranteeLike]:
        """The guarantees offered for the application, in the order given."""
        ...

    def applicant_national_id(self, applicant_id: int) -> str:
        """The applicant's national ID."""
        ...

    def add_instalments(self, application_id: int, rows: list[dict[str, Any]]) -> None:
        """Record the loan's schedule (``loan_servicing.instalment_fields``)."""
        ...

    def instalments(
        self, application_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        """The loan's instalments by number (only unpaid ones, or those due before a day,
        when asked)."""
        ...

    def save_instalments(self, insts: list[Instalment]) -> None:
        """Write back what payments and late charges changed on the instalments."""
        ...

    def next_samat_code(self, jalali_year: int) -> str:
        """A SAMAT tracking code for the year that no concurrent disbursement or import
        gets too, and that no imported loan already carries."""
        ...

    def allocation_use(self, agency_id: int, province: str, year: int) -> AllocationUse | None:
        """The allocation's current use, to explain a refusal (None: no allocation)."""
        ...

    def slot_holder(self, national_id: str, slot: int) -> SlotHolder | None:
        """Who holds the person's slot ``slot`` (None: nobody)."""
        ...


__all__ = [
    "AllocationUse",
    "EmploymentRepository",
    "GuaranteeLike",
    "GuaranteeRecord",
    "Instalment",
    "Scope",
    "SlotHolder",
]
