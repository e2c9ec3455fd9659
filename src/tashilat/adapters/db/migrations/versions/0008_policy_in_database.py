"""policy parameters in the database: dated values, proposals, versions; policy roles

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ROLES_OLD = (
    "role IN ('admin','officer','supervisor','auditor','customer','agency_officer','bank_officer')"
)
ROLES_NEW = (
    "role IN ('admin','officer','supervisor','auditor','customer','agency_officer',"
    "'bank_officer','policy_editor','policy_approver')"
)


def _roles(check: str) -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), check)


def upgrade() -> None:
    op.create_table(
        "policy_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("change_set", sa.JSON(), nullable=False),
        sa.Column("earliest_valid_from", sa.Date(), nullable=False),
        sa.Column("retroactive", sa.Boolean(), nullable=False),
        sa.Column("base_change_id", sa.Integer(), nullable=False),
        sa.Column("proposed_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending','approved','rejected')",
            name=op.f("ck_policy_proposals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_policy_proposals_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_policy_proposals_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_proposals")),
    )
    op.create_table(
        "policy_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_from_jalali", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("retroactive", sa.Boolean(), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["policy_proposals.id"],
            name=op.f("fk_policy_values_proposal_id_policy_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_values")),
    )
    op.create_index("ix_policy_values_path_valid_from", "policy_values", ["path", "valid_from"])
    op.create_index(op.f("ix_policy_values_recorded_at"), "policy_values", ["recorded_at"])
    op.create_table(
        "policy_versions",
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("as_known_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("policy_hash", name=op.f("pk_policy_versions")),
    )
    _roles(ROLES_NEW)


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role IN ('policy_editor','policy_approver')")
    _roles(ROLES_OLD)
    op.drop_table("policy_versions")
    op.drop_index(op.f("ix_policy_values_recorded_at"), table_name="policy_values")
    op.drop_index("ix_policy_values_path_valid_from", table_name="policy_values")
    op.drop_table("policy_values")
    op.drop_table("policy_proposals")
