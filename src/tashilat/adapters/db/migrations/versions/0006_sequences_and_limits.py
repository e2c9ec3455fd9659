"""numbers from sequences (no duplicate under concurrency) and a ceiling on balances

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# sequence -> the table whose row count it continues from
SEQUENCES = {
    "youth_account_number_seq": "youth_accounts",
    "samat_tracking_code_seq": "samat_loans",
}
MAX_BALANCE_RIAL = 10**17  # domain.money.MAX_BALANCE_RIAL, as it was when this ran


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # SQLite serialises writers (BEGIN IMMEDIATE), so counting rows cannot race there;
        # the balance ceiling is checked by the service before every credit.
        return
    for seq, table in SEQUENCES.items():
        op.execute(f"CREATE SEQUENCE {seq} AS bigint START WITH 1")
        op.execute(f"SELECT setval('{seq}', (SELECT count(*) FROM {table}) + 1, false)")
    op.execute(
        "ALTER TABLE youth_accounts ADD CONSTRAINT ck_youth_accounts_balance_max "
        f"CHECK (balance <= {MAX_BALANCE_RIAL})"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE youth_accounts DROP CONSTRAINT ck_youth_accounts_balance_max")
    for seq in SEQUENCES:
        op.execute(f"DROP SEQUENCE {seq}")
