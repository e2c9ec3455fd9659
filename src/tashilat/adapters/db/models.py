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
            "role IN ('admin','officer','supervisor','auditor','customer')", name="role"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
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
