"""In-memory ``services.ports.reports.ReportsReader``: tests put the rows it answers with
straight into its lists and dicts; it applies a ``Scope`` and the filters and orders of the
port's contract, nothing else."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.services.ports.reports import (
    AccountHistory,
    AccountRow,
    ApplicationOwner,
    AuditFilter,
    AuditRow,
    BranchRow,
    CategoryRow,
    EmploymentNames,
    GuaranteeRow,
    LoanRow,
    MonthlyLimitRow,
    NamedRow,
    OpenApplicationRow,
    PostedEntry,
    Scope,
    UserRoleRow,
)


def _in(scope: Scope, branch_id: int, customer_id: int) -> bool:
    if scope.nothing:
        return False
    if scope.customer_id is not None and customer_id != scope.customer_id:
        return False
    return scope.branch_id is None or branch_id == scope.branch_id


@dataclass
class FakeCustomer:
    id: int
    name: str
    branch_id: int


@dataclass
class FakeReportsReader:
    today: date | None = None
    account_rows: list[AccountRow] = field(default_factory=list)
    events: dict[int, list[Event]] = field(default_factory=dict)
    loan_rows: list[LoanRow] = field(default_factory=list)
    users: list[UserRoleRow] = field(default_factory=list)
    audit_rows: list[AuditRow] = field(default_factory=list)
    branch_rows: list[BranchRow] = field(default_factory=list)
    customers: list[FakeCustomer] = field(default_factory=list)
    agency_rows: list[NamedRow] = field(default_factory=list)
    bank_rows: list[NamedRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    allocations: list[tuple[int, int, str]] = field(default_factory=list)  # agency, year, prov.
    limits: list[MonthlyLimitRow] = field(default_factory=list)
    open_application_rows: list[OpenApplicationRow] = field(default_factory=list)
    applicants: dict[int, tuple[str, str]] = field(default_factory=dict)
    samat_codes: dict[int, str] = field(default_factory=dict)
    owners: dict[int, ApplicationOwner] = field(default_factory=dict)
    guarantee_rows: dict[int, list[GuaranteeRow]] = field(default_factory=dict)
    entries: list[PostedEntry] = field(default_factory=list)
    entry_keys: dict[int, tuple[str, str]] = field(default_factory=dict)  # id: request, kind

    def business_date(self) -> date | None:
        return self.today

    def accounts(
        self, scope: Scope, *, customer_id: int | None, offset: int, limit: int
    ) -> tuple[list[AccountRow], int]:
        rows = sorted(
            (
                a
                for a in self.account_rows
                if _in(scope, a.branch_id, a.customer_id)
                and (customer_id is None or a.customer_id == customer_id)
            ),
            key=lambda a: a.id,
        )
        return rows[offset : offset + limit], len(rows)

    def account_histories(self, scope: Scope) -> list[AccountHistory]:
        rows, _ = self.accounts(scope, customer_id=None, offset=0, limit=len(self.account_rows))
        return [AccountHistory(a, list(self.events.get(a.id, []))) for a in rows]

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
        rows = sorted(
            (
                r
                for r in self.loan_rows
                if _in(scope, r.branch_id, r.customer_id)
                and (not status or r.status == status)
                and (account_id is None or r.account_id == account_id)
            ),
            key=lambda r: r.id,
        )
        return rows[offset : offset + limit], len(rows)

    def loan(self, loan_id: int, *, on: date) -> LoanRow | None:
        return next((r for r in self.loan_rows if r.id == loan_id), None)

    def pending_loans(self, scope: Scope) -> int:
        return self.loans(
            scope, on=date.min, status="requested", account_id=None, offset=0, limit=10**9
        )[1]

    def active_users(self, roles: Collection[str]) -> list[UserRoleRow]:
        return sorted((u for u in self.users if u.role in roles), key=lambda u: u.username)

    def audit_log(
        self, where: AuditFilter, *, offset: int, limit: int
    ) -> tuple[list[AuditRow], int]:
        rows = sorted(
            (
                r
                for r in self.audit_rows
                if (not where.username or r.username == where.username)
                and (not where.action or r.action == where.action)
                and (not where.target or where.target in r.target)
                and (where.since is None or r.at >= where.since)
                and (where.until is None or r.at < where.until)
            ),
            key=lambda r: -r.id,
        )
        return rows[offset : offset + limit], len(rows)

    def audit_choices(self) -> tuple[list[str], list[str]]:
        return (
            sorted({r.username for r in self.audit_rows if r.username}),
            sorted({r.action for r in self.audit_rows}),
        )

    def branches(self, ids: Collection[int] | None) -> list[BranchRow]:
        return sorted(
            (b for b in self.branch_rows if ids is None or b.id in ids), key=lambda b: b.code
        )

    def customer_names(self, scope: Scope, ids: Collection[int]) -> dict[int, str]:
        return {
            c.id: c.name for c in self.customers if c.id in ids and _in(scope, c.branch_id, c.id)
        }

    def agencies(self) -> list[NamedRow]:
        return sorted(self.agency_rows, key=lambda a: a.code)

    def agent_banks(self) -> list[NamedRow]:
        return sorted(self.bank_rows, key=lambda b: b.code)

    def approved_categories(self, *, year: int, agency_id: int | None) -> list[CategoryRow]:
        return sorted(
            (
                c
                for c in self.categories
                if c.year == year and (agency_id is None or c.agency_id == agency_id)
            ),
            key=lambda c: c.code,
        )

    def allocation_provinces(self, *, year: int, agency_id: int | None) -> list[str]:
        return sorted({p for a, y, p in self.allocations if y == year and agency_id in (None, a)})

    def bank_monthly_limits(
        self, *, year: int | None, bank_id: int | None
    ) -> list[MonthlyLimitRow]:
        return sorted(
            (
                m
                for m in self.limits
                if (year is None or m.year == year) and (bank_id is None or m.bank_id == bank_id)
            ),
            key=lambda m: (m.bank_code, m.year, m.month),
        )

    def employment_names(
        self,
        *,
        applicant_ids: Collection[int],
        user_ids: Collection[int],
        samat_ids: Collection[int],
    ) -> EmploymentNames:
        return EmploymentNames(
            {i: v for i, v in self.applicants.items() if i in applicant_ids},
            {a.id: a for a in self.agency_rows},
            {b.id: b for b in self.bank_rows},
            {u.id: u.username for u in self.users if u.id in user_ids},
            {i: c for i, c in self.samat_codes.items() if i in samat_ids},
        )

    def application_owner(self, app_id: int) -> ApplicationOwner | None:
        return self.owners.get(app_id)

    def guarantees(self, app_id: int) -> list[GuaranteeRow]:
        return sorted(self.guarantee_rows.get(app_id, []), key=lambda g: g.id)

    def open_applications(self) -> list[OpenApplicationRow]:
        return sorted(self.open_application_rows, key=lambda a: a.id)

    def entry_recorded_at(self, entry_id: int) -> datetime | None:
        return next((e.recorded_at for e in self.entries if e.id == entry_id), None)

    def posted_entry(self, *, request_id: str, kind: str) -> PostedEntry | None:
        return next(
            (replace(e) for e in self.entries if self.entry_keys.get(e.id) == (request_id, kind)),
            None,
        )

    def ledger_balance_through(self, code: str, entry_id: int) -> int:
        return sum(e.legs.get(code, 0) for e in self.entries if e.id <= entry_id)
