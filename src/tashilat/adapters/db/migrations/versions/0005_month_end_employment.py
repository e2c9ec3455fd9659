"""month-end batch: employment loans' results

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RUN_COLUMNS = (
    "employment_loans",
    "employment_overdue_rial",
    "employment_penalties_posted",
    "employment_penalty_posted_rial",
)


def upgrade() -> None:
    op.create_table(
        "month_end_employment_loans",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("instalments_due", sa.Integer(), nullable=False),
        sa.Column("due_rial", sa.BigInteger(), nullable=False),
        sa.Column("paid_rial", sa.BigInteger(), nullable=False),
        sa.Column("overdue_instalments", sa.Integer(), nullable=False),
        sa.Column("overdue_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_accrued_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_increment_rial", sa.BigInteger(), nullable=False),
        sa.Column("penalty_unpaid_rial", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["employment_applications.id"],
            name=op.f("fk_month_end_employment_loans_application_id_employment_applications"),
        ),
        sa.PrimaryKeyConstraint(
            "as_of", "application_id", name=op.f("pk_month_end_employment_loans")
        ),
    )
    with op.batch_alter_table("month_end_runs", schema=None) as batch_op:
        for name in RUN_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("month_end_runs", schema=None) as batch_op:
        for name in reversed(RUN_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("month_end_employment_loans")
