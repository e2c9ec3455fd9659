"""Database rows (SQLAlchemy 2). Schema changes go through Alembic migrations only."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Branch(Base):
    __tablename__ = "branches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    national_id: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','officer','supervisor','auditor','customer',"
            "'agency_officer','bank_officer','policy_editor','policy_approver','analyst')",
            name="role",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("agent_banks.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BusinessDate(Base):
    """One row: the bank's business date, moved only forward by supervisors."""

    __tablename__ = "business_date"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    current: Mapped[date] = mapped_column(Date)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint("type IN ('asset','liability','income','equity','expense')", name="type"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(12))


class JournalEntryRow(Base):
    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    business_date: Mapped[date] = mapped_column(Date, index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), nullable=True, unique=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PostingRow(Base):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="non_zero"),
        Index("ix_postings_account_entry", "ledger_account_id", "entry_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    ledger_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)


class YouthAccount(Base):
    """A Youth Housing Savings Fund account. ``balance`` mirrors its ledger account so that
    the withdrawal floor is a database constraint (``balance >= min_balance``)."""

    __tablename__ = "youth_accounts"
    __table_args__ = (
        CheckConstraint("balance >= min_balance", name="floor"),
        CheckConstraint("min_balance >= 0", name="min_balance_non_negative"),
        CheckConstraint("tier IN (1, 2, 3)", name="tier"),
        CheckConstraint("status IN ('open','closed')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    ledger_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    opened_on: Mapped[date] = mapped_column(Date)
    cohort: Mapped[int] = mapped_column(Integer)
    city: Mapped[str] = mapped_column(String(100))
    tier: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    min_balance: Mapped[int] = mapped_column(BigInteger)
    privilege_holder_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    privilege_used: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class PrivilegeTransfer(Base):
    __tablename__ = "privilege_transfers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("youth_accounts.id"), index=True)
    from_customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    to_customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    relation: Mapped[str] = mapped_column(String(20))
    business_date: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Loan(Base):
    """A housing loan on a youth-fund account. Four eyes are a constraint: the approver is
    never the maker."""

    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("approved_by IS NULL OR approved_by <> requested_by", name="four_eyes"),
        CheckConstraint(
            "status IN ('requested','approved','rejected','disbursed','settled')", name="status"
        ),
        CheckConstraint("principal > 0", name="principal_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("youth_accounts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    principal: Mapped[int] = mapped_column(BigInteger)
    rate_percent: Mapped[str] = mapped_column(Numeric(9, 4))
    months: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    appraisal: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    disbursed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    settled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    policy_hash: Mapped[str] = mapped_column(String(64))


class LoanInstalment(Base):
    __tablename__ = "loan_instalments"
    __table_args__ = (
        UniqueConstraint("loan_id", "number", name="loan_number"),
        CheckConstraint(
            "paid_principal <= principal AND paid_profit <= profit", name="not_overpaid"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger)
    profit: Mapped[int] = mapped_column(BigInteger)
    paid_principal: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_profit: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Late-payment charge: accrued so far, paid so far; ``penalty_prior`` is what earlier
    # stretches of a different overdue amount earned, ``penalty_from`` where this one starts.
    penalty_accrued: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_prior: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_from: Mapped[date | None] = mapped_column(Date, nullable=True)


class AuditLog(Base):
    """Append-only record of every state-changing request."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    username: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200), default="")
    request_id: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")


# -- employment-generating loans (docs/rules.md §2) ----------------------------------------------


class Agency(Base):
    """A supporting agency (دستگاه حمایتی) that introduces applicants to banks."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class AgentBank(Base):
    __tablename__ = "agent_banks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Allocation(Base):
    """An agency's resources for a province and year. The limits are CHECK constraints and
    every reservation is a conditional update, so concurrent introductions cannot pass them:
    reserved + posted ≤ amount; approved-category loans ≤ their share; repeat loans ≤ theirs."""

    __tablename__ = "allocations"
    __table_args__ = (
        UniqueConstraint("agency_id", "province", "year", name="agency_province_year"),
        CheckConstraint("reserved >= 0 AND posted >= 0", name="non_negative"),
        CheckConstraint("reserved + posted <= amount", name="within_amount"),
        CheckConstraint(
            "category_reserved >= 0 AND category_posted >= 0", name="category_non_negative"
        ),
        CheckConstraint(
            "category_reserved + category_posted <= category_cap", name="within_category_cap"
        ),
        CheckConstraint("repeat_reserved >= 0 AND repeat_posted >= 0", name="repeat_non_negative"),
        CheckConstraint("repeat_reserved + repeat_posted <= repeat_cap", name="within_repeat_cap"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    province: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    category_cap: Mapped[int] = mapped_column(BigInteger)
    repeat_cap: Mapped[int] = mapped_column(BigInteger)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    posted: Mapped[int] = mapped_column(BigInteger, default=0)
    category_reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    category_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    repeat_reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    repeat_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    policy_hash: Mapped[str] = mapped_column(String(64))


class ApprovedCategory(Base):
    __tablename__ = "approved_categories"
    __table_args__ = (UniqueConstraint("agency_id", "year", "code", name="agency_year_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    name_fa: Mapped[str] = mapped_column(String(200))


class BankMonthlyLimit(Base):
    """The Central Bank's monthly lending limit for a bank in SAMAT. ``used`` counts loans
    under the limit; mandated loans under 3 billion are paid beyond it (``exempt_used``)."""

    __tablename__ = "bank_monthly_limits"
    __table_args__ = (
        UniqueConstraint("bank_id", "year", "month", name="bank_month"),
        CheckConstraint("used >= 0 AND used <= amount", name="within_limit"),
        CheckConstraint("exempt_used >= 0", name="exempt_non_negative"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("agent_banks.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(BigInteger, default=0)
    exempt_used: Mapped[int] = mapped_column(BigInteger, default=0)


class Applicant(Base):
    __tablename__ = "applicants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    national_id: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_entity: Mapped[bool] = mapped_column(Boolean, default=False)
    province: Mapped[str] = mapped_column(String(100))


class SamatLoan(Base):
    """The local SAMAT registry: every employment loan ever paid, by any bank, including
    imported historical loans. Issues tracking codes."""

    __tablename__ = "samat_loans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(40), unique=True)
    national_id: Mapped[str] = mapped_column(String(11), index=True)
    bank_code: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    disbursed_on: Mapped[date] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)


class EmploymentSlot(Base):
    """One row per loan a person may hold: slot 1 the first loan ever, slot 2 the 1404 repeat.
    The primary key makes "one loan per person" a database fact: two concurrent
    applications with one national ID cannot both take slot 1."""

    __tablename__ = "employment_slots"
    __table_args__ = (
        CheckConstraint("slot IN (1, 2)", name="slot"),
        CheckConstraint("state IN ('reserved','posted')", name="state"),
    )
    national_id: Mapped[str] = mapped_column(String(11), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("employment_applications.id"), nullable=True
    )
    samat_loan_id: Mapped[int | None] = mapped_column(ForeignKey("samat_loans.id"), nullable=True)


class EmploymentApplication(Base):
    """A business plan from submission to settlement (docs/rules.md §2.4)."""

    __tablename__ = "employment_applications"
    __table_args__ = (
        CheckConstraint(
            "state IN ('submitted','agency_review','introduced','bank_review','approved',"
            "'disbursed','repaying','settled','rejected','withdrawn')",
            name="state",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "approved_by IS NULL OR disbursed_by IS NULL OR approved_by <> disbursed_by",
            name="four_eyes",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    bank_id: Mapped[int | None] = mapped_column(
        ForeignKey("agent_banks.id"), nullable=True, index=True
    )
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"), nullable=True)
    province: Mapped[str] = mapped_column(String(100))
    category_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    approved_category: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    mandated: Mapped[bool] = mapped_column(Boolean, default=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    jobs: Mapped[int] = mapped_column(Integer)
    clients_hired: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(15), index=True)
    reasons: Mapped[str] = mapped_column(Text, default="")
    submitted_on: Mapped[date] = mapped_column(Date)
    introduced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    disbursed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    waiting_for_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    introduced_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    disbursed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    samat_loan_id: Mapped[int | None] = mapped_column(ForeignKey("samat_loans.id"), nullable=True)
    policy_hash: Mapped[str] = mapped_column(String(64))


class Guarantee(Base):
    __tablename__ = "guarantees"
    __table_args__ = (
        CheckConstraint("kind IN ('credit_score','promissory_note','guarantor')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("employment_applications.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    national_id: Mapped[str | None] = mapped_column(String(11), nullable=True)
    grade: Mapped[str | None] = mapped_column(String(2), nullable=True)
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class EmploymentInstalment(Base):
    __tablename__ = "employment_instalments"
    __table_args__ = (
        UniqueConstraint("application_id", "number", name="application_number"),
        CheckConstraint(
            "paid_principal <= principal AND paid_profit <= profit "
            "AND penalty_paid <= penalty_accrued",
            name="not_overpaid",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("employment_applications.id"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger)
    profit: Mapped[int] = mapped_column(BigInteger)  # the qard al-hasan fee
    paid_principal: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_profit: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    penalty_accrued: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_prior: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_from: Mapped[date | None] = mapped_column(Date, nullable=True)
