"""Read-only views for people and reports: accounts with their holders, loans with who made
and who checked them and what is still owed, the audit log, branches and usernames; for
the employment-loan pages, agencies, banks, approved categories, the banks' monthly limits
and the names and guarantees of applications.

Every function checks the caller's permission and applies the same scoping as the rest of
the services: officers and supervisors see their branch, admins and auditors the whole bank,
a customer only their own records. The rows come from the ``ReportsReader`` read model
(``uow.reports``), which applies the scope it is given and decides nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.programs.youth_fund.rules import Entitlement, entitlement
from tashilat.services.auth import PERMISSIONS, Actor, require, require_branch, require_owner
from tashilat.services.errors import Conflict, Forbidden, not_found
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.reports import (
    EVERYTHING,
    NOTHING,
    AccountRow,
    AuditFilter,
    AuditRow,
    BranchRow,
    CategoryRow,
    EmploymentNames,
    GuaranteeRow,
    LoanRow,
    MonthlyLimitRow,
    NamedRow,
    Receipt,
    Scope,
)

__all__ = [
    "AccountReportRow",
    "AccountRow",
    "AuditFilter",
    "AuditRow",
    "BranchRow",
    "CategoryRow",
    "EmploymentNames",
    "GuaranteeRow",
    "LoanRow",
    "MonthlyLimitRow",
    "NamedRow",
    "Receipt",
]


def scope_of(actor: Actor) -> Scope:
    """What of the branch- and customer-owned records ``actor`` may see: a customer their
    own, officers and supervisors their branch, admins and auditors everything. A missing
    customer or branch id sees nothing."""
    if actor.role == "customer":
        return NOTHING if actor.customer_id is None else Scope(customer_id=actor.customer_id)
    if not actor.bank_wide:
        return NOTHING if actor.branch_id is None else Scope(branch_id=actor.branch_id)
    return EVERYTHING


def _today(uow: UnitOfWork) -> date:
    on = uow.reports.business_date()
    if on is None:
        raise Conflict(
            "business_date.unset",
            "تاریخ کاری تنظیم نشده است (tashilat db init).",
            "The business date is not set (run tashilat db init).",
        )
    return on


# -- accounts ---------------------------------------------------------------------------------


def accounts(
    uow: UnitOfWork,
    actor: Actor,
    *,
    offset: int = 0,
    limit: int = 50,
    customer_id: int | None = None,
) -> tuple[list[AccountRow], int]:
    """Accounts with their holder and branch, newest last."""
    require(actor, "accounts.read")
    with uow:
        return uow.reports.accounts(
            scope_of(actor), customer_id=customer_id, offset=offset, limit=limit
        )


@dataclass(frozen=True)
class AccountReportRow:
    account: AccountRow
    business_date: date
    entitlement: Decision[Entitlement]


def accounts_report(uow: UnitOfWork, actor: Actor, policy: PolicyReader) -> list[AccountReportRow]:
    """Every account in the caller's scope with its balance and its entitlement at the
    business date (the Foundation rule on the account's real history)."""
    require(actor, "accounts.read")
    with uow:
        on = _today(uow)
        out: list[AccountReportRow] = []
        for h in uow.reports.account_histories(scope_of(actor)):
            acc = h.account
            as_of = acc.closed_on or on
            d = entitlement(
                policy,
                opened_on=acc.opened_on,
                tier=acc.tier,
                events=h.events,
                as_of=max(as_of, acc.opened_on),
            )
            out.append(AccountReportRow(acc, on, d))
        return out


# -- loans ------------------------------------------------------------------------------------


def loans(
    uow: UnitOfWork,
    actor: Actor,
    *,
    status: str | None = None,
    account_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[LoanRow], int]:
    """Loans with maker, checker and what is still owed at the business date."""
    require(actor, "loans.read")
    with uow:
        return uow.reports.loans(
            scope_of(actor),
            on=_today(uow),
            status=status,
            account_id=account_id,
            offset=offset,
            limit=limit,
        )


def loan(uow: UnitOfWork, actor: Actor, loan_id: int) -> LoanRow:
    """One loan, with the same scoping as ``services.loans.get_loan``."""
    require(actor, "loans.read")
    with uow:
        row = uow.reports.loan(loan_id, on=_today(uow))
        if row is None:
            raise not_found("loan", "وام", loan_id)
        require_owner(actor, row.customer_id)
        require_branch(actor, row.branch_id)
        return row


def approvers(uow: UnitOfWork, actor: Actor, loan_row: LoanRow) -> list[str]:
    """Who may approve a requested loan: active users whose role approves loans, in the
    loan's branch or bank-wide, other than the person who requested it (four eyes)."""
    require(actor, "loans.read")
    roles = [r for r, perms in PERMISSIONS.items() if "loans.approve" in perms]
    with uow:
        return [
            u.username
            for u in uow.reports.active_users(roles)
            if u.id != loan_row.requested_by_id
            and (u.role == "admin" or u.branch_id == loan_row.branch_id)
        ]


# -- audit, branches, users -----------------------------------------------------------------


def audit_log(
    uow: UnitOfWork,
    actor: Actor,
    *,
    offset: int = 0,
    limit: int = 50,
    where: AuditFilter | None = None,
) -> tuple[list[AuditRow], int]:
    """The audit log, newest first (auditors and admins), optionally filtered."""
    require(actor, "audit.read")
    with uow:
        return uow.reports.audit_log(where or AuditFilter(), offset=offset, limit=limit)


def audit_choices(uow: UnitOfWork, actor: Actor) -> tuple[list[str], list[str]]:
    """The usernames and actions that occur in the log (for the filters' lists)."""
    require(actor, "audit.read")
    with uow:
        return uow.reports.audit_choices()


def branches(uow: UnitOfWork, ids: Iterable[int] | None = None) -> list[BranchRow]:
    with uow:
        return uow.reports.branches(None if ids is None else list(ids))


def customer_names(uow: UnitOfWork, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """Names of customers the caller may see (for showing who holds a privilege)."""
    require(actor, "customers.read")
    wanted = list(set(ids))
    with uow:
        return uow.reports.customer_names(scope_of(actor), wanted)


def pending_approvals(uow: UnitOfWork, actor: Actor) -> int:
    """Requested loans waiting for a checker in the caller's scope."""
    require(actor, "loans.read")
    with uow:
        return uow.reports.pending_loans(scope_of(actor))


# -- employment-generating loans (the web pages' read-only views) ------------------------------


def _employment_visible(actor: Actor, agency_id: int, bank_id: int | None) -> bool:
    """The scoping of ``services.employment``: agency officers see their agency's
    applications, bank officers and the bank's supervisors those introduced to their bank."""
    if actor.bank_wide:
        return True
    if actor.role == "agency_officer":
        return actor.agency_id is not None and actor.agency_id == agency_id
    if actor.role in ("bank_officer", "supervisor"):
        return actor.bank_id is not None and actor.bank_id == bank_id
    return False


def agencies(uow: UnitOfWork, actor: Actor) -> list[NamedRow]:
    require(actor, "employment.read")
    with uow:
        return uow.reports.agencies()


def agent_banks(uow: UnitOfWork, actor: Actor) -> list[NamedRow]:
    require(actor, "employment.read")
    with uow:
        return uow.reports.agent_banks()


def approved_categories(
    uow: UnitOfWork, actor: Actor, *, year: int, agency_id: int | None = None
) -> list[CategoryRow]:
    """The approved job categories of a year (of one agency, or of every agency)."""
    require(actor, "employment.read")
    with uow:
        return uow.reports.approved_categories(year=year, agency_id=agency_id)


def allocation_provinces(
    uow: UnitOfWork, actor: Actor, *, year: int, agency_id: int | None = None
) -> list[str]:
    """The provinces an agency (or any agency) has an allocation for in a year."""
    require(actor, "employment.read")
    with uow:
        return uow.reports.allocation_provinces(year=year, agency_id=agency_id)


def bank_monthly_limits(
    uow: UnitOfWork, actor: Actor, *, year: int | None = None
) -> list[MonthlyLimitRow]:
    """The agent banks' monthly limits: a bank's officers and supervisors see their bank,
    admins and auditors every bank, agency officers none."""
    require(actor, "employment.read")
    if actor.bank_wide:
        bank_id = None
    elif actor.role in ("bank_officer", "supervisor") and actor.bank_id is not None:
        bank_id = actor.bank_id
    else:
        return []
    with uow:
        return uow.reports.bank_monthly_limits(year=year, bank_id=bank_id)


class _Application(Protocol):
    """What ``employment_names`` reads of an application."""

    @property
    def agency_id(self) -> int: ...
    @property
    def bank_id(self) -> int | None: ...
    @property
    def applicant_id(self) -> int: ...
    @property
    def submitted_by(self) -> int | None: ...
    @property
    def introduced_by(self) -> int | None: ...
    @property
    def approved_by(self) -> int | None: ...
    @property
    def disbursed_by(self) -> int | None: ...
    @property
    def samat_loan_id(self) -> int | None: ...
    @property
    def id(self) -> int: ...


def employment_names(
    uow: UnitOfWork, actor: Actor, apps: Iterable[_Application]
) -> EmploymentNames:
    require(actor, "employment.read")
    rows = [a for a in apps if _employment_visible(actor, a.agency_id, a.bank_id)]
    with uow:
        found = uow.reports.employment_names(
            applicant_ids={a.applicant_id for a in rows},
            user_ids={
                u
                for a in rows
                for u in (a.submitted_by, a.introduced_by, a.approved_by, a.disbursed_by)
                if u is not None
            },
            samat_ids={a.samat_loan_id for a in rows if a.samat_loan_id is not None},
        )
    codes = found.samat_codes
    return EmploymentNames(
        found.applicants,
        found.agencies,
        found.banks,
        found.users,
        {
            a.id: codes[a.samat_loan_id]
            for a in rows
            if a.samat_loan_id is not None and a.samat_loan_id in codes
        },
    )


def employment_guarantees(uow: UnitOfWork, actor: Actor, app_id: int) -> list[GuaranteeRow]:
    """The guarantees recorded for an application (in the caller's scope)."""
    require(actor, "employment.read")
    with uow:
        _require_application(uow, actor, app_id)
        return uow.reports.guarantees(app_id)


def _require_application(uow: UnitOfWork, actor: Actor, app_id: int) -> None:
    """Refuse an application that does not exist (404) or is not in the caller's agency or
    bank (403)."""
    owner = uow.reports.application_owner(app_id)
    if owner is None:
        raise not_found("application", "درخواست", app_id)
    if not _employment_visible(actor, owner.agency_id, owner.bank_id):
        raise Forbidden(
            "employment.scope",
            "این درخواست در حوزه شما نیست.",
            "This application is not yours to see.",
        )


def employment_payers(
    uow: UnitOfWork, actor: Actor, *, bank_id: int | None, approved_by: int | None
) -> list[str]:
    """Who may pay an approved employment loan: active users whose role disburses, of the
    loan's bank (or admins), other than its approver (four eyes)."""
    require(actor, "employment.read")
    roles = [r for r, perms in PERMISSIONS.items() if "employment.disburse" in perms]
    with uow:
        return [
            u.username
            for u in uow.reports.active_users(roles)
            if (approved_by is None or u.id != approved_by)
            and (u.role == "admin" or (u.bank_id is not None and u.bank_id == bank_id))
        ]


# -- receipts ---------------------------------------------------------------------------------


def account_receipt(
    uow: UnitOfWork, actor: Actor, account_id: int, tracking: str
) -> Receipt | None:
    """The receipt of a deposit or withdrawal on a youth-fund account (``None`` when the
    account has no movement with that tracking number). Scoped like the statement."""
    from tashilat.services import youth

    acc, _, lines = youth.statement(uow, actor, account_id)
    line = next((x for x in lines if x.request_id == tracking), None)
    if line is None:
        return None
    with uow:
        at = uow.reports.entry_recorded_at(line.entry_id)
    return Receipt(
        kind=line.kind,
        tracking=tracking,
        entry_id=line.entry_id,
        amount=abs(line.amount),
        balance_after=line.balance,
        business_date=line.business_date,
        recorded_at=at or datetime.combine(line.business_date, datetime.min.time()),
        account_number=acc.number,
    )


def loan_receipt(uow: UnitOfWork, actor: Actor, loan_id: int, tracking: str) -> Receipt | None:
    """The receipt of a loan repayment: the amount, how it was applied (penalty, profit,
    principal) and the principal left after it. Scoped like the loan itself."""
    from tashilat.services.loans import principal_code

    row = loan(uow, actor, loan_id)
    with uow:
        entry = uow.reports.posted_entry(request_id=tracking, kind="loan.repay")
        if entry is None:
            return None
        legs = entry.legs
        code = principal_code(loan_id)
        if code not in legs:
            return None
        left = uow.reports.ledger_balance_through(code, entry.id)
        principal = -legs.get(code, 0)
        penalty = -legs.get(f"LOAN:{loan_id}:PENALTY", 0)
        amount = legs.get("BANK:SETTLEMENT", 0)
        return Receipt(
            kind="loan.repay",
            tracking=tracking,
            entry_id=entry.id,
            amount=amount,
            balance_after=left,
            business_date=entry.business_date,
            recorded_at=entry.recorded_at,
            account_number=row.account_number,
            principal=principal,
            profit=amount - principal - penalty,
            penalty=penalty,
        )


def employment_receipt(uow: UnitOfWork, actor: Actor, app_id: int, tracking: str) -> Receipt | None:
    """The receipt of an employment-loan repayment: the amount, how it was applied (late
    charge, fee, principal) and the principal left after it (``None`` when no repayment of
    this application has that tracking number). Scoped like the application itself."""
    from tashilat.services.employment._common import penalty_code, principal_code

    require(actor, "employment.read")
    code, penalty_at = principal_code(app_id), penalty_code(app_id)
    with uow:
        _require_application(uow, actor, app_id)
        entry = uow.reports.posted_entry(request_id=tracking, kind="employment.repay")
        if entry is None:
            return None
        legs = entry.legs
        # a payment that only covered a fee touches none of the application's own accounts;
        # the pages' tracking numbers name the application
        if not (tracking.startswith(f"emp-repay:{app_id}:") or code in legs or penalty_at in legs):
            return None
        amount = legs.get("BANK:SETTLEMENT", 0)
        principal = -legs.get(code, 0)
        penalty = -legs.get(penalty_at, 0)
        return Receipt(
            kind="employment.repay",
            tracking=tracking,
            entry_id=entry.id,
            amount=amount,
            balance_after=uow.reports.ledger_balance_through(code, entry.id),
            business_date=entry.business_date,
            recorded_at=entry.recorded_at,
            principal=principal,
            profit=amount - principal - penalty,
            penalty=penalty,
            application_id=app_id,
        )
