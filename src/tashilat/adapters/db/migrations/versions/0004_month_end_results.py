"""month-end batch results

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OUTCOMES = "outcome IN ('not_yet_eligible','no_entitlement','eligible')"


def upgrade() -> None:
    op.create_table(
        "month_end_runs",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        sa.Column("eligible", sa.BigInteger(), nullable=False),
        sa.Column("entitlement_rial", sa.BigInteger(), nullable=False),
        sa.Column("loans", sa.BigInteger(), nullable=False),
        sa.Column("overdue_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalties_posted", sa.BigInteger(), nullable=False),
        sa.Column("penalty_posted_rial", sa.BigInteger(), nullable=False),
        sa.Column("output_digest", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_month_end_runs")),
    )
    op.create_table(
        "month_end_accounts",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("completed_months", sa.Integer(), nullable=False),
        sa.Column("completed_years", sa.Integer(), nullable=False),
        sa.Column("counted_years", sa.Integer(), nullable=False),
        sa.Column("balance_rial", sa.BigInteger(), nullable=False),
        sa.Column("structure_rial", sa.BigInteger(), nullable=True),
        sa.Column("average_rial", sa.BigInteger(), nullable=True),
        sa.Column("reference_average_rial", sa.BigInteger(), nullable=True),
        sa.Column("cap_rial", sa.BigInteger(), nullable=False),
        sa.Column("entitlement_rial", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("eligible_on", sa.Date(), nullable=False),
        sa.CheckConstraint(OUTCOMES, name=op.f("ck_month_end_accounts_outcome")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["youth_accounts.id"],
            name=op.f("fk_month_end_accounts_account_id_youth_accounts"),
        ),
        sa.PrimaryKeyConstraint("as_of", "account_id", name=op.f("pk_month_end_accounts")),
    )
    op.create_table(
        "month_end_loans",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("instalments_due", sa.Integer(), nullable=False),
        sa.Column("due_rial", sa.BigInteger(), nullable=False),
        sa.Column("paid_rial", sa.BigInteger(), nullable=False),
        sa.Column("overdue_instalments", sa.Integer(), nullable=False),
        sa.Column("overdue_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_accrued_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_increment_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_unpaid_rial", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_month_end_loans_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("as_of", "loan_id", name=op.f("pk_month_end_loans")),
    )
    with op.batch_alter_table("month_end_loans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_month_end_loans_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("month_end_loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_month_end_loans_account_id"))
    op.drop_table("month_end_loans")
    op.drop_table("month_end_accounts")
    op.drop_table("month_end_runs")
