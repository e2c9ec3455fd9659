"""``services.ports.reports.ReportsReader`` on SQLAlchemy: the queries behind lists, reports,
receipts and exports, each answering in the port's plain records."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, false, func, select
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    Applicant,
    ApprovedCategory,
    AuditLog,
    BankMonthlyLimit,
    Branch,
    BusinessDate,
    Customer,
    EmploymentApplication,
    Guarantee,
    JournalEntryRow,
    LedgerAccount,
    Loan,
    LoanInstalment,
    PostingRow,
    SamatLoan,
    User,
    YouthAccount,
)
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.services.ports.reports import (
    OPEN_STATES,
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


def _scoped(q: Any, scope: Scope, branch_col: Any, customer_col: Any) -> Any:
    """``q`` (a ``Select``) limited to ``scope``."""
    if scope.nothing:
        return q.where(false())
    if scope.customer_id is not None:
        q = q.where(customer_col == scope.customer_id)
    if scope.branch_id is not None:
        q = q.where(branch_col == scope.branch_id)
    return q


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


def _named(row: Agency | AgentBank) -> NamedRow:
    return NamedRow(row.id, row.code, row.name_fa, row.name_en)


class SqlReportsReader:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _count(self, q: Any) -> int:
        return self._s.scalar(select(func.count()).select_from(q.subquery())) or 0

    def business_date(self) -> date | None:
        row = self._s.get(BusinessDate, 1)
        return None if row is None else row.current

    # -- accounts and loans

    def accounts(
        self, scope: Scope, *, customer_id: int | None, offset: int, limit: int
    ) -> tuple[list[AccountRow], int]:
        q = _scoped(_account_query(), scope, YouthAccount.branch_id, YouthAccount.customer_id)
        if customer_id is not None:
            q = q.where(YouthAccount.customer_id == customer_id)
        total = self._count(q)
        rows = self._s.execute(q.order_by(YouthAccount.id).offset(offset).limit(limit)).all()
        return [_account_row(*r) for r in rows], total

    def account_histories(self, scope: Scope) -> list[AccountHistory]:
        q = _scoped(_account_query(), scope, YouthAccount.branch_id, YouthAccount.customer_id)
        out: list[AccountHistory] = []
        for acc, nid, name, code in self._s.execute(q.order_by(YouthAccount.id)).all():
            moves = self._s.execute(
                select(JournalEntryRow.business_date, PostingRow.amount)
                .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
                .where(PostingRow.ledger_account_id == acc.ledger_account_id)
            ).all()
            out.append(
                AccountHistory(
                    _account_row(acc, nid, name, code), [Event(on, -amount) for on, amount in moves]
                )
            )
        return out

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
        q = _scoped(_loan_query(on), scope, Loan.branch_id, Loan.customer_id)
        if status:
            q = q.where(Loan.status == status)
        if account_id is not None:
            q = q.where(Loan.account_id == account_id)
        total = self._count(q)
        rows = self._s.execute(q.order_by(Loan.id).offset(offset).limit(limit)).all()
        return [_loan_row(r) for r in rows], total

    def loan(self, loan_id: int, *, on: date) -> LoanRow | None:
        r = self._s.execute(_loan_query(on).where(Loan.id == loan_id)).first()
        return None if r is None else _loan_row(r)

    def pending_loans(self, scope: Scope) -> int:
        q = _scoped(
            select(func.count()).select_from(Loan).where(Loan.status == "requested"),
            scope,
            Loan.branch_id,
            Loan.customer_id,
        )
        return self._s.scalar(q) or 0

    def active_users(self, roles: Collection[str]) -> list[UserRoleRow]:
        q = select(User.id, User.username, User.role, User.branch_id, User.bank_id).where(
            User.active.is_(True), User.role.in_(list(roles))
        )
        return [UserRoleRow(*r) for r in self._s.execute(q.order_by(User.username)).all()]

    # -- audit, branches, customers

    def audit_log(
        self, where: AuditFilter, *, offset: int, limit: int
    ) -> tuple[list[AuditRow], int]:
        conditions: list[Any] = []
        if where.username:
            conditions.append(AuditLog.username == where.username)
        if where.action:
            conditions.append(AuditLog.action == where.action)
        if where.target:
            escaped = where.target.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(AuditLog.target.like(f"%{escaped}%", escape="\\"))
        if where.since is not None:
            conditions.append(AuditLog.at >= where.since)
        if where.until is not None:
            conditions.append(AuditLog.at < where.until)
        total = self._s.scalar(select(func.count()).select_from(AuditLog).where(*conditions)) or 0
        rows = self._s.scalars(
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

    def audit_choices(self) -> tuple[list[str], list[str]]:
        users = self._s.scalars(select(AuditLog.username).where(AuditLog.username != "").distinct())
        actions = self._s.scalars(select(AuditLog.action).distinct())
        return sorted(set(users)), sorted(set(actions))

    def branches(self, ids: Collection[int] | None) -> list[BranchRow]:
        q = select(Branch).order_by(Branch.code)
        if ids is not None:
            q = q.where(Branch.id.in_(list(ids)))
        return [BranchRow(b.id, b.code, b.name_fa, b.name_en, b.city) for b in self._s.scalars(q)]

    def customer_names(self, scope: Scope, ids: Collection[int]) -> dict[int, str]:
        q = _scoped(
            select(Customer.id, Customer.name).where(Customer.id.in_(list(ids))),
            scope,
            Customer.branch_id,
            Customer.id,
        )
        return {i: n for i, n in self._s.execute(q).all()}

    # -- employment-generating loans

    def agencies(self) -> list[NamedRow]:
        return [_named(a) for a in self._s.scalars(select(Agency).order_by(Agency.code))]

    def agent_banks(self) -> list[NamedRow]:
        return [_named(b) for b in self._s.scalars(select(AgentBank).order_by(AgentBank.code))]

    def approved_categories(self, *, year: int, agency_id: int | None) -> list[CategoryRow]:
        q = select(ApprovedCategory).where(ApprovedCategory.year == year)
        if agency_id is not None:
            q = q.where(ApprovedCategory.agency_id == agency_id)
        return [
            CategoryRow(c.agency_id, c.year, c.code, c.name_fa)
            for c in self._s.scalars(q.order_by(ApprovedCategory.code))
        ]

    def allocation_provinces(self, *, year: int, agency_id: int | None) -> list[str]:
        q = select(Allocation.province).where(Allocation.year == year).distinct()
        if agency_id is not None:
            q = q.where(Allocation.agency_id == agency_id)
        return sorted(self._s.scalars(q))

    def bank_monthly_limits(
        self, *, year: int | None, bank_id: int | None
    ) -> list[MonthlyLimitRow]:
        q = select(BankMonthlyLimit, AgentBank).join(
            AgentBank, AgentBank.id == BankMonthlyLimit.bank_id
        )
        if year is not None:
            q = q.where(BankMonthlyLimit.year == year)
        if bank_id is not None:
            q = q.where(BankMonthlyLimit.bank_id == bank_id)
        rows = self._s.execute(
            q.order_by(AgentBank.code, BankMonthlyLimit.year, BankMonthlyLimit.month)
        ).all()
        return [
            MonthlyLimitRow(
                b.id, b.code, b.name_fa, b.name_en, m.year, m.month, m.amount, m.used, m.exempt_used
            )
            for m, b in rows
        ]

    def employment_names(
        self,
        *,
        applicant_ids: Collection[int],
        user_ids: Collection[int],
        samat_ids: Collection[int],
    ) -> EmploymentNames:
        s = self._s
        applicants = {
            i: (n, name)
            for i, n, name in s.execute(
                select(Applicant.id, Applicant.national_id, Applicant.name).where(
                    Applicant.id.in_(list(applicant_ids))
                )
            ).all()
        }
        users = {
            i: name
            for i, name in s.execute(
                select(User.id, User.username).where(User.id.in_(list(user_ids)))
            ).all()
        }
        codes = {
            i: code
            for i, code in s.execute(
                select(SamatLoan.id, SamatLoan.tracking_code).where(
                    SamatLoan.id.in_(list(samat_ids))
                )
            ).all()
        }
        agencies = {a.id: _named(a) for a in s.scalars(select(Agency))}
        banks = {b.id: _named(b) for b in s.scalars(select(AgentBank))}
        return EmploymentNames(applicants, agencies, banks, users, codes)

    def application_owner(self, app_id: int) -> ApplicationOwner | None:
        app = self._s.get(EmploymentApplication, app_id)
        return None if app is None else ApplicationOwner(app.agency_id, app.bank_id)

    def guarantees(self, app_id: int) -> list[GuaranteeRow]:
        return [
            GuaranteeRow(g.id, g.kind, g.national_id, g.grade)
            for g in self._s.scalars(
                select(Guarantee).where(Guarantee.application_id == app_id).order_by(Guarantee.id)
            )
        ]

    def open_applications(self) -> list[OpenApplicationRow]:
        q = (
            select(
                EmploymentApplication, Applicant.national_id, Applicant.legal_entity, AgentBank.code
            )
            .join(Applicant, Applicant.id == EmploymentApplication.applicant_id)
            .outerjoin(AgentBank, AgentBank.id == EmploymentApplication.bank_id)
            .where(EmploymentApplication.state.in_(OPEN_STATES))
            .order_by(EmploymentApplication.id)
        )
        return [
            OpenApplicationRow(
                a.id,
                nid,
                bool(legal),
                a.clients_hired,
                a.amount,
                a.approved_category,
                a.repeat,
                bank,
            )
            for a, nid, legal, bank in self._s.execute(q).all()
        ]

    # -- receipts

    def entry_recorded_at(self, entry_id: int) -> datetime | None:
        return self._s.scalar(
            select(JournalEntryRow.created_at).where(JournalEntryRow.id == entry_id)
        )

    def posted_entry(self, *, request_id: str, kind: str) -> PostedEntry | None:
        entry = self._s.scalar(
            select(JournalEntryRow).where(
                JournalEntryRow.request_id == request_id, JournalEntryRow.kind == kind
            )
        )
        if entry is None:
            return None
        legs = {
            code: int(amount)
            for code, amount in self._s.execute(
                select(LedgerAccount.code, PostingRow.amount)
                .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
                .where(PostingRow.entry_id == entry.id)
            ).all()
        }
        return PostedEntry(entry.id, entry.business_date, entry.created_at, legs)

    def ledger_balance_through(self, code: str, entry_id: int) -> int:
        left = self._s.scalar(
            select(func.coalesce(func.sum(PostingRow.amount), 0))
            .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
            .where(LedgerAccount.code == code, PostingRow.entry_id <= entry_id)
        )
        return int(left or 0)
