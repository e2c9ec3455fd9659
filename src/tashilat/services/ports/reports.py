"""Port: the read models behind the lists, reports, receipts and exports people see.

The reader answers in plain records shaped for the page, the API answer or the CSV that
shows them (an account with its holder's name and branch code, a loan with its maker,
checker and what is still owed). It applies the ``Scope`` it is given and no other rule:
who may see what, and which rows count as approvers or payers, is decided by the use cases
in ``services.reports``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from tashilat.domain.programs.youth_fund.rules import Event


@dataclass(frozen=True)
class Scope:
    """Which rows of a branch- or customer-owned kind a reader returns: every row
    (``Scope()``), one branch's, one customer's, or none at all."""

    branch_id: int | None = None
    customer_id: int | None = None
    nothing: bool = False


EVERYTHING = Scope()
NOTHING = Scope(nothing=True)


# -- accounts and loans -----------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    id: int
    number: str
    branch_id: int
    branch_code: str
    customer_id: int
    holder_national_id: str
    holder_name: str
    city: str
    tier: int
    cohort: int
    opened_on: date
    status: str
    balance: int
    min_balance: int
    privilege_used: bool
    closed_on: date | None


@dataclass(frozen=True)
class AccountHistory:
    """An account with every movement on it (deposits positive, withdrawals negative)."""

    account: AccountRow
    events: list[Event]


@dataclass(frozen=True)
class LoanRow:
    id: int
    account_id: int
    account_number: str
    branch_id: int
    branch_code: str
    customer_id: int
    holder_name: str
    principal: int
    rate_percent: str
    months: int
    method: str
    appraisal: int
    status: str
    requested_by_id: int
    requested_by: str
    requested_on: date
    approved_by_id: int | None
    approved_by: str | None
    approved_on: date | None
    disbursed_on: date | None
    settled_on: date | None
    decision_note: str
    principal_repaid: int
    outstanding_principal: int
    overdue: int
    penalty_outstanding: int


@dataclass(frozen=True)
class UserRoleRow:
    """An active user with the role and the branch or bank they work in."""

    id: int
    username: str
    role: str
    branch_id: int | None
    bank_id: int | None


# -- audit, branches --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    target: str
    request_id: str
    outcome: str
    detail: str
    user_id: int | None = None


@dataclass(frozen=True)
class AuditFilter:
    """What an auditor narrows the log to; every part is optional. ``since``/``until`` are
    instants (the page turns Tehran days into them); ``target`` matches a part of the
    object's address."""

    username: str = ""
    action: str = ""
    target: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class BranchRow:
    id: int
    code: str
    name_fa: str
    name_en: str
    city: str


# -- employment-generating loans --------------------------------------------------------------


@dataclass(frozen=True)
class NamedRow:
    """An agency or an agent bank."""

    id: int
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class CategoryRow:
    agency_id: int
    year: int
    code: str
    name_fa: str


@dataclass(frozen=True)
class MonthlyLimitRow:
    """A bank's monthly SAMAT limit: ``used`` counts loans under the limit, ``exempt_used``
    the mandated loans under 3 billion paid beyond it."""

    bank_id: int
    bank_code: str
    bank_name_fa: str
    bank_name_en: str
    year: int
    month: int
    amount: int
    used: int
    exempt_used: int

    @property
    def remaining(self) -> int:
        return max(0, self.amount - self.used)


@dataclass(frozen=True)
class EmploymentNames:
    """Names for a page of applications: applicants (national ID, name), agencies, banks,
    the users who acted, and the SAMAT codes of paid loans (by application id)."""

    applicants: dict[int, tuple[str, str]]
    agencies: dict[int, NamedRow]
    banks: dict[int, NamedRow]
    users: dict[int, str]
    samat_codes: dict[int, str]


@dataclass(frozen=True)
class ApplicationOwner:
    """Whose an employment application is: the agency that took it, the bank it went to."""

    agency_id: int
    bank_id: int | None


OPEN_STATES = ("submitted", "agency_review", "introduced", "bank_review", "approved")


@dataclass(frozen=True)
class OpenApplicationRow:
    """An employment application not yet disbursed, closed or rejected, with what its rules
    read (for previewing a policy change)."""

    id: int
    national_id: str
    legal_entity: bool
    clients_hired: int
    amount: int
    approved_category: bool
    repeat: bool
    bank_code: str | None


@dataclass(frozen=True)
class GuaranteeRow:
    id: int
    kind: str
    national_id: str | None
    grade: str | None


# -- receipts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """A money movement as a person keeps it: what, how much, the balance after it, the
    tracking number (the request's idempotency key) and when it was recorded. A loan
    repayment also carries its split; an employment-loan repayment names its application
    (``application_id``) instead of an account, and ``profit`` is its fee."""

    kind: str
    tracking: str
    entry_id: int
    amount: int
    balance_after: int
    business_date: date
    recorded_at: datetime
    account_number: str = ""
    principal: int = 0
    profit: int = 0
    penalty: int = 0
    application_id: int = 0


@dataclass(frozen=True)
class PostedEntry:
    """A journal entry with the net amount it posted to each ledger account (by code)."""

    id: int
    business_date: date
    recorded_at: datetime
    legs: dict[str, int] = field(default_factory=dict)


class ReportsReader(Protocol):
    """The read-only queries behind lists, reports and receipts."""

    def business_date(self) -> date | None:
        """The bank's business date (``None`` before the database is initialised)."""
        ...

    def accounts(
        self, scope: Scope, *, customer_id: int | None, offset: int, limit: int
    ) -> tuple[list[AccountRow], int]:
        """Accounts with holder and branch, oldest first, and how many there are in all."""
        ...

    def account_histories(self, scope: Scope) -> list[AccountHistory]:
        """Every account in scope, oldest first, with every movement on it."""
        ...

    def loans(
        self,
        scope: Scope,
        *,
        on: date,
        status: str | None,
        account_id: int | None,
        offset: int,
        limit: int,
    ) -> tuple[list[LoanRow], int]:
        """Loans with maker, checker and what is still owed on ``on``, oldest first."""
        ...

    def loan(self, loan_id: int, *, on: date) -> LoanRow | None: ...

    def pending_loans(self, scope: Scope) -> int:
        """How many loans are requested and wait for a checker."""
        ...

    def active_users(self, roles: Collection[str]) -> list[UserRoleRow]:
        """Active users holding one of ``roles``, by username."""
        ...

    def audit_log(
        self, where: AuditFilter, *, offset: int, limit: int
    ) -> tuple[list[AuditRow], int]:
        """Audit lines matching ``where``, newest first, and how many match in all."""
        ...

    def audit_choices(self) -> tuple[list[str], list[str]]:
        """The (non-empty) usernames and the actions that occur in the log, sorted."""
        ...

    def branches(self, ids: Collection[int] | None) -> list[BranchRow]:
        """Branches (all, or those with ``ids``) by code."""
        ...

    def customer_names(self, scope: Scope, ids: Collection[int]) -> dict[int, str]: ...

    def agencies(self) -> list[NamedRow]:
        """Agencies by code."""
        ...

    def agent_banks(self) -> list[NamedRow]:
        """Agent banks by code."""
        ...

    def approved_categories(self, *, year: int, agency_id: int | None) -> list[CategoryRow]:
        """A year's approved job categories by code."""
        ...

    def allocation_provinces(self, *, year: int, agency_id: int | None) -> list[str]:
        """Provinces with an allocation in ``year``, sorted, each once."""
        ...

    def bank_monthly_limits(
        self, *, year: int | None, bank_id: int | None
    ) -> list[MonthlyLimitRow]:
        """Monthly limits (of one bank, or every bank) by bank code, year and month."""
        ...

    def employment_names(
        self,
        *,
        applicant_ids: Collection[int],
        user_ids: Collection[int],
        samat_ids: Collection[int],
    ) -> EmploymentNames:
        """Names of those applicants and users, every agency and bank, and the SAMAT
        tracking codes of those SAMAT loans (``samat_codes`` keyed by SAMAT loan id)."""
        ...

    def application_owner(self, app_id: int) -> ApplicationOwner | None: ...

    def guarantees(self, app_id: int) -> list[GuaranteeRow]:
        """An application's guarantees in the order they were recorded."""
        ...

    def open_applications(self) -> list[OpenApplicationRow]:
        """Every application still open (submitted up to approved), oldest first."""
        ...

    def entry_recorded_at(self, entry_id: int) -> datetime | None: ...

    def posted_entry(self, *, request_id: str, kind: str) -> PostedEntry | None:
        """The journal entry of that kind recorded for a request, with its legs."""
        ...

    def ledger_balance_through(self, code: str, entry_id: int) -> int:
        """A ledger account's balance counting entries up to and including ``entry_id``."""
        ...
