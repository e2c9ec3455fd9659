"""Rows written by the month-end batch (migrations 0004, 0005). Shares ``Base`` with
models.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tashilat.adapters.db.models import Base


class MonthEndRun(Base):
    """One finished month-end: its totals and the digest of its Parquet outputs."""

    __tablename__ = "month_end_runs"
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    policy_hash: Mapped[str] = mapped_column(String(64))
    accounts: Mapped[int] = mapped_column(BigInteger)
    eligible: Mapped[int] = mapped_column(BigInteger)
    entitlement_rial: Mapped[int] = mapped_column(BigInteger)
    loans: Mapped[int] = mapped_column(BigInteger)
    overdue_rial: Mapped[int] = mapped_column(BigInteger)
    penalties_posted: Mapped[int] = mapped_column(BigInteger)
    penalty_posted_rial: Mapped[int] = mapped_column(BigInteger)
    output_digest: Mapped[str] = mapped_column(String(64))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # employment loans (migration 0005)
    employment_loans: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    employment_overdue_rial: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    employment_penalties_posted: Mapped[int] = mapped_column(
        BigInteger, default=0, server_default="0"
    )
    employment_penalty_posted_rial: Mapped[int] = mapped_column(
        BigInteger, default=0, server_default="0"
    )


class MonthEndAccount(Base):
    """A youth-fund account's month-end figures at ``as_of`` (the batch's accounts file)."""

    __tablename__ = "month_end_accounts"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('not_yet_eligible','no_entitlement','eligible','privilege_used')",
            name="outcome",
        ),
    )
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("youth_accounts.id"), primary_key=True)
    completed_months: Mapped[int] = mapped_column(Integer)
    completed_years: Mapped[int] = mapped_column(Integer)
    counted_years: Mapped[int] = mapped_column(Integer)
    balance_rial: Mapped[int] = mapped_column(BigInteger)
    structure_rial: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    average_rial: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reference_average_rial: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cap_rial: Mapped[int] = mapped_column(BigInteger)
    entitlement_rial: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))
    eligible_on: Mapped[date] = mapped_column(Date)


class MonthEndLoan(Base):
    """A disbursed loan's instalments due, overdue amounts and late charges at ``as_of``."""

    __tablename__ = "month_end_loans"
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    instalments_due: Mapped[int] = mapped_column(Integer)
    due_rial: Mapped[int] = mapped_column(BigInteger)
    paid_rial: Mapped[int] = mapped_column(BigInteger)
    overdue_instalments: Mapped[int] = mapped_column(Integer)
    overdue_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_accrued_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_increment_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_unpaid_rial: Mapped[int] = mapped_column(BigInteger)


class MonthEndEmploymentLoan(Base):
    """A live employment loan's instalments due, overdue amounts and late charges at
    ``as_of`` (migration 0005; the batch's ``emp_loans`` file)."""

    __tablename__ = "month_end_employment_loans"
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("employment_applications.id"), primary_key=True
    )
    instalments_due: Mapped[int] = mapped_column(Integer)
    due_rial: Mapped[int] = mapped_column(BigInteger)
    paid_rial: Mapped[int] = mapped_column(BigInteger)
    overdue_instalments: Mapped[int] = mapped_column(Integer)
    overdue_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_accrued_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_increment_rial: Mapped[int] = mapped_column(BigInteger)
    penalty_unpaid_rial: Mapped[int] = mapped_column(BigInteger)
