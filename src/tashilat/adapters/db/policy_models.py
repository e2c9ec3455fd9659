"""Policy parameters in the database (migration 0008, docs/adr/0009-policy-in-the-database.md).
Shares ``Base`` with models.py.

``policy_values`` is append-only: a value is never updated or deleted; a correction is a new
row with the same path and start date, recorded later. The id orders the changes, so the
largest id recorded by a time names the policy as known then."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tashilat.adapters.db.models import Base


class PolicyProposal(Base):
    """A change set proposed by a policy editor, decided by a different policy approver."""

    __tablename__ = "policy_proposals"
    __table_args__ = (
        CheckConstraint("status IN ('pending','approved','rejected')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    change_set: Mapped[Any] = mapped_column(JSON)
    earliest_valid_from: Mapped[date] = mapped_column(Date)
    retroactive: Mapped[bool] = mapped_column(Boolean, default=False)
    base_change_id: Mapped[int] = mapped_column(Integer, default=0)
    proposed_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class PolicyValue(Base):
    """One dated value of one parameter, as recorded at ``recorded_at``."""

    __tablename__ = "policy_values"
    __table_args__ = (Index("ix_policy_values_path_valid_from", "path", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_from_jalali: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    entry: Mapped[Any] = mapped_column(JSON)  # the whole dated value, as in the YAML
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str] = mapped_column(String(20))  # shipped | proposal
    retroactive: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_proposals.id"), nullable=True
    )


class PolicyVersion(Base):
    """A policy hash a decision, plan or run recorded, and the change it was known at: the
    key to recomputing "as known then"."""

    __tablename__ = "policy_versions"
    policy_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    change_id: Mapped[int] = mapped_column(Integer)
    as_known_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
