"""the ledger's per-row balance triggers step aside for a writer that checks set-based

A bulk writer (``adapters/batch/bulk.post_staged``: month-end charges and profit, imports)
writes many thousands of entries in one statement. The deferred per-row constraint triggers
of revision 0002 would then run one query per posting and one per entry at commit, a third
of the load's time. Such a writer sets ``tashilat.ledger_checks = 'set-based'`` for its
transaction only (``SET LOCAL``) and runs the same checks itself over the entries it wrote,
in one query, before it commits (docs/adr/0010-set-based-ledger-checks.md). Every other
writer, and every transaction that does not set it, is checked per row as before.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UNLESS_SET_BASED = (
    "WHEN (current_setting('tashilat.ledger_checks', true) IS DISTINCT FROM 'set-based')"
)


def _triggers(when: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS postings_balanced ON postings")
    op.execute("DROP TRIGGER IF EXISTS journal_entries_have_postings ON journal_entries")
    op.execute(
        "CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when} "
        "EXECUTE FUNCTION tashilat_entry_balanced()"
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entries_have_postings AFTER INSERT ON "
        f"journal_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when} "
        "EXECUTE FUNCTION tashilat_entry_has_postings()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _triggers(UNLESS_SET_BASED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _triggers("")
