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
from tashilat.services.ports.employment_records import (
    AgencyRecord,
    AllocationRecord,
    ApplicantRecord,
    ApplicationRecord,
    BankRecord,
    IntroductionContext,
    NewApplication,
    SamatLoanRecord,
)

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

    # -- set-up: agencies, banks, allocations, categories, monthly limits ----------------------

    def agency_by_code(self, code: str) -> AgencyRecord | None: ...

    def bank_by_code(self, code: str) -> BankRecord | None: ...

    def agency(self, agency_id: int) -> AgencyRecord:
        """The agency with this id (it exists: an application names it)."""
        ...

    def bank(self, bank_id: int) -> BankRecord:
        """The bank with this id (it exists: an application was introduced to it)."""
        ...

    def add_agency(self, *, code: str, name_fa: str, name_en: str) -> AgencyRecord | None:
        """Record an agency; None (nothing recorded) when the code is taken."""
        ...

    def add_bank(self, *, code: str, name_fa: str, name_en: str) -> BankRecord | None:
        """Record an agent bank; None (nothing recorded) when the code is taken."""
        ...

    def add_allocation(
        self,
        *,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category_cap: int,
        repeat_cap: int,
        policy_hash: str,
    ) -> AllocationRecord | None:
        """Record an agency's allocation for a province and year, nothing used yet; None
        (nothing recorded) when the agency already has one for them."""
        ...

    def add_category(self, *, agency_id: int, year: int, code: str, name_fa: str) -> bool:
        """Approve a category for the agency and year; False when it already is (also when a
        concurrent request approved it first: the caller then rolls back)."""
        ...

    def is_approved_category(self, agency_id: int, year: int, code: str) -> bool: ...

    def add_monthly_limit(self, *, bank_id: int, year: int, month: int, amount: int) -> bool:
        """Set the bank's monthly SAMAT limit for a Jalali month, nothing used; False when it
        is already set (also when a concurrent request set it first: the caller then rolls
        back)."""
        ...

    # -- the local SAMAT registry --------------------------------------------------------------

    def slots_taken(self, national_id: str) -> int:
        """How many of the person's loan slots are held (0, 1 or 2)."""
        ...

    def samat_code_exists(self, tracking_code: str) -> bool: ...

    def record_samat_loan(
        self,
        *,
        tracking_code: str,
        national_id: str,
        bank_code: str,
        agency_code: str,
        amount: int,
        disbursed_on: date,
        imported: bool,
    ) -> SamatLoanRecord:
        """Record a loan in the registry (the tracking code is unique)."""
        ...

    def hold_slot_with_loan(self, *, national_id: str, slot: int, samat_loan_id: int) -> None:
        """The registry's loan holds the person's slot ``slot`` (an imported loan)."""
        ...

    def samat_loan(self, samat_loan_id: int) -> SamatLoanRecord | None: ...

    # -- applicants and applications -----------------------------------------------------------

    def applicant(self, applicant_id: int) -> ApplicantRecord:
        """The applicant with this id (it exists: an application names it)."""
        ...

    def applicant_by_national_id(self, national_id: str) -> ApplicantRecord | None: ...

    def add_applicant(
        self, *, national_id: str, name: str, legal_entity: bool, province: str
    ) -> ApplicantRecord:
        """Record an applicant (the national ID is unique)."""
        ...

    def add_application(self, new: NewApplication) -> ApplicationRecord:
        """Record a submitted application."""
        ...

    def application(self, app_id: int, *, lock: bool = False) -> ApplicationRecord | None:
        """The application; ``lock`` holds it against concurrent changes until commit."""
        ...

    def update_application(self, app_id: int, **changes: Any) -> None:
        """Change the named fields of the application (``ApplicationRecord``'s names)."""
        ...

    def applications_page(
        self, scope: Scope, *, state: str | None, offset: int, limit: int
    ) -> tuple[list[ApplicationRecord], int]:
        """One page of the applications in scope (in one state, if given) by id, and how
        many there are in all."""
        ...

    def applications_in_states(self, states: Sequence[str]) -> list[ApplicationRecord]:
        """Every application in one of ``states``, by id."""
        ...

    def introduction_context(self, app_id: int, bank_code: str) -> IntroductionContext | None:
        """What introducing the application to ``bank_code`` reads first, the application
        held until commit; None when there is no such application."""
        ...

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
    "AgencyRecord",
    "AllocationRecord",
    "AllocationUse",
    "ApplicantRecord",
    "ApplicationRecord",
    "BankRecord",
    "EmploymentRepository",
    "GuaranteeLike",
    "GuaranteeRecord",
    "Instalment",
    "IntroductionContext",
    "NewApplication",
    "SamatLoanRecord",
    "Scope",
    "SlotHolder",
]
