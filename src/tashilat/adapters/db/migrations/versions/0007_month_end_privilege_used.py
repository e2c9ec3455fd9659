"""month-end accounts may carry the outcome privilege_used

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BEFORE = "outcome IN ('not_yet_eligible','no_entitlement','eligible')"
AFTER = "outcome IN ('not_yet_eligible','no_entitlement','eligible','privilege_used')"


def _replace(check: str) -> None:
    # batch mode: SQLite cannot alter a constraint in place, so the table is rebuilt there
    with op.batch_alter_table("month_end_accounts") as batch:
        batch.drop_constraint(op.f("ck_month_end_accounts_outcome"), type_="check")
        batch.create_check_constraint(op.f("ck_month_end_accounts_outcome"), check)


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM month_end_accounts WHERE outcome = 'privilege_used'")
    _replace(BEFORE)
