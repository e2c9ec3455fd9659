"""users may have the role analyst (the fund's forecasts and what-ifs)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BEFORE = (
    "role IN ('admin','officer','supervisor','auditor','customer','agency_officer',"
    "'bank_officer','policy_editor','policy_approver')"
)
AFTER = (
    "role IN ('admin','officer','supervisor','auditor','customer','agency_officer',"
    "'bank_officer','policy_editor','policy_approver','analyst')"
)


def _replace(check: str) -> None:
    # batch mode: SQLite cannot alter a constraint in place, so the table is rebuilt there
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), check)


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    # an analyst's audit lines and tokens refer to the user, so the user cannot simply go;
    # and no older role means "forecasts only": the operator decides, the migration refuses
    n = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'analyst'"))
    if n.scalar_one():
        raise RuntimeError("users with the role analyst exist: change their role first")
    _replace(BEFORE)
