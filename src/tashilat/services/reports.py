"""Read-only views for people and reports: accounts with their holders, loans with who made
and who checked them and what is still owed, the audit log, branches and usernames; for
the employment-loan pages, agencies, banks, approved categories, the banks' monthly limits
and the names and guarantees of applications.

Every function checks the caller's permission and applies the same scoping as the rest of
the services: officers and supervisors see their branch, admins and auditors the whole bank,
a customer only their own records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, false, func, select

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    Applicant,
    ApprovedCategory,
    AuditLog,
    BankMonthlyLimit,
    Branch,
    Customer,
    EmploymentApplication,
    Guarantee,
    Loan,
    LoanInstalment,
    SamatLoan,
    User,
    YouthAccount,
)
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.programs.youth_fund.rules import Entitlement, entitlement
from tashilat.services import calendar
from tashilat.services.auth import PERMISSIONS, Actor, require
from tashilat.services.errors import Forbidden, not_found
from tashilat.services.uow import UnitOfWork
from tashilat.services.youth import events_of


def _scoped(q: Any, actor: Actor, branch_col: Any, customer_col: Any) -> Any:
    """``q`` limited to what ``actor`` may see (a SQLAlchemy ``Select``). A missing customer
    or branch id limits it to nothing (``== None`` would become ``IS NULL``)."""
    if actor.role == "customer":
        if actor.customer_id is None:
            return q.where(false())
        return q.where(customer_col == actor.customer_id)
    if not actor.bank_wide:
        if actor.branch_id is None:
            return q.where(false())
        return q.where(branch_col == actor.branch_id)
    return q


# -- accounts ---------------------------------------------------------------------------------


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


def _account_query() -> Any:
    return (
        select(YouthAccount, Customer.national_id, Customer.name, Branch.code)
        .join(Customer, Customer.id == YouthAccount.customer_id)
        .join(Branch, Branch.id == YouthAccount.branch_id)
    )


def _account_row(acc: YouthAccount, nid: str, name: str, code: str) -> AccountRow:
    return AccountRow(
        id=acc.id,
        number=acc.number,
        branch_id=acc.branch_id,
        branch_code=code,
        customer_id=acc.customer_id,
        holder_national_id=nid,
        holder_name=name,
        city=acc.city,
        tier=acc.tier,
        cohort=acc.cohort,
        opened_on=acc.opened_on,
        status=acc.status,
        balance=acc.balance,
        min_balance=acc.min_balance,
        privilege_used=acc.privilege_used,
        closed_on=acc.closed_on,
    )


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
        q = _scoped(_account_query(), actor, YouthAccount.branch_id, YouthAccount.customer_id)
        if customer_id is not None:
            q = q.where(YouthAccount.customer_id == customer_id)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = uow.session.execute(q.order_by(YouthAccount.id).offset(offset).limit(limit)).all()
        return [_account_row(*r) for r in rows], total


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
        on = calendar.current(uow)
        q = _scoped(_account_query(), actor, YouthAccount.branch_id, YouthAccount.customer_id)
        out: list[AccountReportRow] = []
        for acc, nid, name, code in uow.session.execute(q.order_by(YouthAccount.id)).all():
            as_of = acc.closed_on or on
            d = entitlement(
                policy,
                opened_on=acc.opened_on,
                tier=acc.tier,
                events=events_of(uow, acc),
                as_of=max(as_of, acc.opened_on),
            )
            out.append(AccountReportRow(_account_row(acc, nid, name, code), on, d))
        return out


# -- loans ------------------------------------------------------------------------------------


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


def _loan_query(on: date) -> Any:
    maker = User.__table__.alias("maker")
    checker = User.__table__.alias("checker")
    inst = (
        select(
            LoanInstalment.loan_id.label("loan_id"),
            func.sum(LoanInstalment.paid_principal).label("repaid"),
            func.sum(
                case(
                    (
                        and_(LoanInstalment.due < on, LoanInstalment.paid_on.is_(None)),
                        LoanInstalment.principal
                        - LoanInstalment.paid_principal
                        + LoanInstalment.profit
                        - LoanInstalment.paid_profit,
                    ),
                    else_=0,
                )
            ).label("overdue"),
            func.sum(LoanInstalment.penalty_accrued - LoanInstalment.penalty_paid).label("penalty"),
        )
        .group_by(LoanInstalment.loan_id)
        .subquery()
    )
    return (
        select(
            Loan,
            YouthAccount.number,
            Branch.code,
            Customer.name,
            maker.c.username,
            checker.c.username,
            func.coalesce(inst.c.repaid, 0),
            func.coalesce(inst.c.overdue, 0),
            func.coalesce(inst.c.penalty, 0),
        )
        .join(YouthAccount, YouthAccount.id == Loan.account_id)
        .join(Branch, Branch.id == Loan.branch_id)
        .join(Customer, Customer.id == Loan.customer_id)
        .join(maker, maker.c.id == Loan.requested_by)
        .outerjoin(checker, checker.c.id == Loan.approved_by)
        .outerjoin(inst, inst.c.loan_id == Loan.id)
    )


def _loan_row(r: Any) -> LoanRow:
    loan, number, code, name, maker, checker, repaid, overdue, penalty = r
    lent = loan.status in ("disbursed", "settled")
    return LoanRow(
        id=loan.id,
        account_id=loan.account_id,
        account_number=number,
        branch_id=loan.branch_id,
        branch_code=code,
        customer_id=loan.customer_id,
        holder_name=name,
        principal=loan.principal,
        rate_percent=str(loan.rate_percent),
        months=loan.months,
        method=loan.method,
        appraisal=loan.appraisal,
        status=loan.status,
        requested_by_id=loan.requested_by,
        requested_by=maker,
        requested_on=loan.requested_on,
        approved_by_id=loan.approved_by,
        approved_by=checker,
        approved_on=loan.approved_on,
        disbursed_on=loan.disbursed_on,
        settled_on=loan.settled_on,
        decision_note=loan.decision_note or "",
        principal_repaid=int(repaid),
        outstanding_principal=loan.principal - int(repaid) if lent else 0,
        overdue=int(overdue) if lent else 0,
        penalty_outstanding=int(penalty) if lent else 0,
    )


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
        on = calendar.current(uow)
        q = _scoped(_loan_query(on), actor, Loan.branch_id, Loan.customer_id)
        if status:
            q = q.where(Loan.status == status)
        if account_id is not None:
            q = q.where(Loan.account_id == account_id)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = uow.session.execute(q.order_by(Loan.id).offset(offset).limit(limit)).all()
        return [_loan_row(r) for r in rows], total


def loan(uow: UnitOfWork, actor: Actor, loan_id: int) -> LoanRow:
    """One loan, with the same scoping as ``services.loans.get_loan``."""
    from tashilat.services.auth import require_branch, require_owner

    require(actor, "loans.read")
    with uow:
        on = calendar.current(uow)
        r = uow.session.execute(_loan_query(on).where(Loan.id == loan_id)).first()
        if r is None:
            raise not_found("loan", "وام", loan_id)
        row = _loan_row(r)
        require_owner(actor, row.customer_id)
        require_branch(actor, row.branch_id)
        return row


def approvers(uow: UnitOfWork, actor: Actor, loan_row: LoanRow) -> list[str]:
    """Who may approve a requested loan: active users whose role approves loans, in the
    loan's branch or bank-wide, other than the person who requested it (four eyes)."""
    require(actor, "loans.read")
    roles = [r for r, perms in PERMISSIONS.items() if "loans.approve" in perms]
    with uow:
        q = select(User.username, User.role, User.branch_id).where(
            User.active.is_(True), User.role.in_(roles), User.id != loan_row.requested_by_id
        )
        return [
            u
            for u, role, branch in uow.session.execute(q.order_by(User.username)).all()
            if role == "admin" or branch == loan_row.branch_id
        ]


# -- audit, branches, users -----------------------------------------------------------------


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
    f = where or AuditFilter()
    conditions: list[Any] = []
    if f.username:
        conditions.append(AuditLog.username == f.username)
    if f.action:
        conditions.append(AuditLog.action == f.action)
    if f.target:
        escaped = f.target.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(AuditLog.target.like(f"%{escaped}%", escape="\\"))
    if f.since is not None:
        conditions.append(AuditLog.at >= f.since)
    if f.until is not None:
        conditions.append(AuditLog.at < f.until)
    with uow:
        total = (
            uow.session.scalar(select(func.count()).select_from(AuditLog).where(*conditions)) or 0
        )
        rows = uow.session.scalars(
            select(AuditLog)
            .where(*conditions)
            .order_by(AuditLog.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            AuditRow(
                r.id,
                r.at,
                r.username,
                r.action,
                r.target,
                r.request_id,
                r.outcome,
                r.detail,
                user_id=r.user_id,
            )
            for r in rows
        ], total


def audit_choices(uow: UnitOfWork, actor: Actor) -> tuple[list[str], list[str]]:
    """The usernames and actions that occur in the log (for the filters' lists)."""
    require(actor, "audit.read")
    with uow:
        users = uow.session.scalars(
            select(AuditLog.username).where(AuditLog.username != "").distinct()
        )
        actions = uow.session.scalars(select(AuditLog.action).distinct())
        return sorted(set(users)), sorted(set(actions))


@dataclass(frozen=True)
class BranchRow:
    id: int
    code: str
    name_fa: str
    name_en: str
    city: str


def branches(uow: UnitOfWork, ids: Iterable[int] | None = None) -> list[BranchRow]:
    with uow:
        q = select(Branch).order_by(Branch.code)
        if ids is not None:
            q = q.where(Branch.id.in_(list(ids)))
        return [
            BranchRow(b.id, b.code, b.name_fa, b.name_en, b.city) for b in uow.session.scalars(q)
        ]


def customer_names(uow: UnitOfWork, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """Names of customers the caller may see (for showing who holds a privilege)."""
    require(actor, "customers.read")
    wanted = list(set(ids))
    with uow:
        q = _scoped(
            select(Customer.id, Customer.name).where(Customer.id.in_(wanted)),
            actor,
            Customer.branch_id,
            Customer.id,
        )
        return {i: n for i, n in uow.session.execute(q).all()}


def pending_approvals(uow: UnitOfWork, actor: Actor) -> int:
    """Requested loans waiting for a checker in the caller's scope."""
    require(actor, "loans.read")
    with uow:
        q = _scoped(
            select(func.count()).select_from(Loan).where(Loan.status == "requested"),
            actor,
            Loan.branch_id,
            Loan.customer_id,
        )
        return uow.session.scalar(q) or 0


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


@dataclass(frozen=True)
class NamedRow:
    """An agency or an agent bank."""

    id: int
    code: str
    name_fa: str
    name_en: str


def agencies(uow: UnitOfWork, actor: Actor) -> list[NamedRow]:
    require(actor, "employment.read")
    with uow:
        return [
            NamedRow(a.id, a.code, a.name_fa, a.name_en)
            for a in uow.session.scalars(select(Agency).order_by(Agency.code))
        ]


def agent_banks(uow: UnitOfWork, actor: Actor) -> list[NamedRow]:
    require(actor, "employment.read")
    with uow:
        return [
            NamedRow(b.id, b.code, b.name_fa, b.name_en)
            for b in uow.session.scalars(select(AgentBank).order_by(AgentBank.code))
        ]


@dataclass(frozen=True)
class CategoryRow:
    agency_id: int
    year: int
    code: str
    name_fa: str


def approved_categories(
    uow: UnitOfWork, actor: Actor, *, year: int, agency_id: int | None = None
) -> list[CategoryRow]:
    """The approved job categories of a year (of one agency, or of every agency)."""
    require(actor, "employment.read")
    with uow:
        q = select(ApprovedCategory).where(ApprovedCategory.year == year)
        if agency_id is not None:
            q = q.where(ApprovedCategory.agency_id == agency_id)
        return [
            CategoryRow(c.agency_id, c.year, c.code, c.name_fa)
            for c in uow.session.scalars(q.order_by(ApprovedCategory.code))
        ]


def allocation_provinces(
    uow: UnitOfWork, actor: Actor, *, year: int, agency_id: int | None = None
) -> list[str]:
    """The provinces an agency (or any agency) has an allocation for in a year."""
    require(actor, "employment.read")
    with uow:
        q = select(Allocation.province).where(Allocation.year == year).distinct()
        if agency_id is not None:
            q = q.where(Allocation.agency_id == agency_id)
        return sorted(uow.session.scalars(q))


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


def bank_monthly_limits(
    uow: UnitOfWork, actor: Actor, *, year: int | None = None
) -> list[MonthlyLimitRow]:
    """The agent banks' monthly limits: a bank's officers and supervisors see their bank,
    admins and auditors every bank, agency officers none."""
    require(actor, "employment.read")
    with uow:
        q = select(BankMonthlyLimit, AgentBank).join(
            AgentBank, AgentBank.id == BankMonthlyLimit.bank_id
        )
        if year is not None:
            q = q.where(BankMonthlyLimit.year == year)
        if not actor.bank_wide:
            if actor.role not in ("bank_officer", "supervisor") or actor.bank_id is None:
                return []
            q = q.where(BankMonthlyLimit.bank_id == actor.bank_id)
        rows = uow.session.execute(
            q.order_by(AgentBank.code, BankMonthlyLimit.year, BankMonthlyLimit.month)
        ).all()
        return [
            MonthlyLimitRow(
                b.id, b.code, b.name_fa, b.name_en, m.year, m.month, m.amount, m.used, m.exempt_used
            )
            for m, b in rows
        ]


@dataclass(frozen=True)
class EmploymentNames:
    """Names for a page of applications: applicants (national ID, name), agencies, banks,
    the users who acted, and the SAMAT codes of paid loans."""

    applicants: dict[int, tuple[str, str]]
    agencies: dict[int, NamedRow]
    banks: dict[int, NamedRow]
    users: dict[int, str]
    samat_codes: dict[int, str]


def employment_names(
    uow: UnitOfWork, actor: Actor, apps: Iterable[EmploymentApplication]
) -> EmploymentNames:
    require(actor, "employment.read")
    rows = [a for a in apps if _employment_visible(actor, a.agency_id, a.bank_id)]
    applicant_ids = {a.applicant_id for a in rows}
    user_ids = {
        u
        for a in rows
        for u in (a.submitted_by, a.introduced_by, a.approved_by, a.disbursed_by)
        if u is not None
    }
    samat_ids = {a.samat_loan_id for a in rows if a.samat_loan_id is not None}
    with uow:
        s = uow.session
        applicants = {
            i: (n, name)
            for i, n, name in s.execute(
                select(Applicant.id, Applicant.national_id, Applicant.name).where(
                    Applicant.id.in_(applicant_ids)
                )
            ).all()
        }
        users = {
            i: name
            for i, name in s.execute(
                select(User.id, User.username).where(User.id.in_(user_ids))
            ).all()
        }
        codes = {
            i: code
            for i, code in s.execute(
                select(SamatLoan.id, SamatLoan.tracking_code).where(SamatLoan.id.in_(samat_ids))
            ).all()
        }
        ags = {
            a.id: NamedRow(a.id, a.code, a.name_fa, a.name_en) for a in s.scalars(select(Agency))
        }
        banks = {
            b.id: NamedRow(b.id, b.code, b.name_fa, b.name_en) for b in s.scalars(select(AgentBank))
        }
    return EmploymentNames(
        applicants,
        ags,
        banks,
        users,
        {a.id: codes[a.samat_loan_id] for a in rows if a.samat_loan_id in codes},
    )


@dataclass(frozen=True)
class GuaranteeRow:
    id: int
    kind: str
    national_id: str | None
    grade: str | None


def employment_guarantees(uow: UnitOfWork, actor: Actor, app_id: int) -> list[GuaranteeRow]:
    """The guarantees recorded for an application (in the caller's scope)."""
    require(actor, "employment.read")
    with uow:
        app = uow.session.get(EmploymentApplication, app_id)
        if app is None:
            raise not_found("application", "درخواست", app_id)
        if not _employment_visible(actor, app.agency_id, app.bank_id):
            raise Forbidden(
                "employment.scope",
                "این درخواست در حوزه شما نیست.",
                "This application is not yours to see.",
            )
        return [
            GuaranteeRow(g.id, g.kind, g.national_id, g.grade)
            for g in uow.session.scalars(
                select(Guarantee).where(Guarantee.application_id == app_id).order_by(Guarantee.id)
            )
        ]


def employment_payers(
    uow: UnitOfWork, actor: Actor, *, bank_id: int | None, approved_by: int | None
) -> list[str]:
    """Who may pay an approved employment loan: active users whose role disburses, of the
    loan's bank (or admins), other than its approver (four eyes)."""
    require(actor, "employment.read")
    roles = [r for r, perms in PERMISSIONS.items() if "employment.disburse" in perms]
    with uow:
        q = select(User.username, User.role, User.bank_id).where(
            User.active.is_(True), User.role.in_(roles)
        )
        if approved_by is not None:
            q = q.where(User.id != approved_by)
        return [
            u
            for u, role, bank in uow.session.execute(q.order_by(User.username)).all()
            if role == "admin" or (bank is not None and bank == bank_id)
        ]


# -- receipts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """A money movement as a person keeps it: what, how much, the balance after it, the
    tracking number (the request's idempotency key) and when it was recorded."""

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


def account_receipt(
    uow: UnitOfWork, actor: Actor, account_id: int, tracking: str
) -> Receipt | None:
    """The receipt of a deposit or withdrawal on a youth-fund account (``None`` when the
    account has no movement with that tracking number). Scoped like the statement."""
    from tashilat.adapters.db.models import JournalEntryRow
    from tashilat.services import youth

    acc, _, lines = youth.statement(uow, actor, account_id)
    line = next((x for x in lines if x.request_id == tracking), None)
    if line is None:
        return None
    with uow:
        at = uow.session.scalar(
            select(JournalEntryRow.created_at).where(JournalEntryRow.id == line.entry_id)
        )
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
    from tashilat.adapters.db.models import JournalEntryRow, LedgerAccount, PostingRow
    from tashilat.services.loans import principal_code

    row = loan(uow, actor, loan_id)
    with uow:
        s = uow.session
        entry = s.scalar(
            select(JournalEntryRow).where(
                JournalEntryRow.request_id == tracking, JournalEntryRow.kind == "loan.repay"
            )
        )
        if entry is None:
            return None
        legs = dict(
            s.execute(
                select(LedgerAccount.code, PostingRow.amount)
                .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
                .where(PostingRow.entry_id == entry.id)
            ).all()
        )
        code = principal_code(loan_id)
        if code not in legs:
            return None
        left = s.scalar(
            select(func.coalesce(func.sum(PostingRow.amount), 0))
            .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
            .where(LedgerAccount.code == code, PostingRow.entry_id <= entry.id)
        )
        principal = -int(legs.get(code, 0))
        penalty = -int(legs.get(f"LOAN:{loan_id}:PENALTY", 0))
        amount = int(legs.get("BANK:SETTLEMENT", 0))
        return Receipt(
            kind="loan.repay",
            tracking=tracking,
            entry_id=entry.id,
            amount=amount,
            balance_after=int(left or 0),
            business_date=entry.business_date,
            recorded_at=entry.created_at,
            account_number=row.account_number,
            principal=principal,
            profit=amount - principal - penalty,
            penalty=penalty,
        )
