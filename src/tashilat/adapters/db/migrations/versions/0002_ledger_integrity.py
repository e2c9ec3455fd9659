"""Ledger integrity in the database: zero-sum entries (PostgreSQL, deferred constraint
trigger) and append-only journal, postings and audit log (both databases).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("journal_entries", "postings", "audit_log")

PG_UP = """
CREATE FUNCTION tashilat_entry_balanced() RETURNS trigger AS $$
DECLARE total bigint; n integer;
BEGIN
  SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n
    FROM postings WHERE entry_id = NEW.entry_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (sum %)', NEW.entry_id, total
      USING ERRCODE = '23514';
  END IF;
  IF n < 2 THEN
    RAISE EXCEPTION 'journal entry % has fewer than two postings', NEW.entry_id
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER postings_balanced
  AFTER INSERT ON postings DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION tashilat_entry_balanced();

CREATE FUNCTION tashilat_entry_has_postings() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM postings WHERE entry_id = NEW.id) THEN
    RAISE EXCEPTION 'journal entry % has no postings', NEW.id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER journal_entries_have_postings
  AFTER INSERT ON journal_entries DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION tashilat_entry_has_postings();

CREATE FUNCTION tashilat_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: correct it with a reversing entry', TG_TABLE_NAME
    USING ERRCODE = '42501';
END $$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_UP)
        for t in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION tashilat_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tashilat_append_only()"
            )
    else:
        for t in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {t}_no_{verb.lower()} BEFORE {verb} ON {t} "
                    f"BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for t in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
            op.execute(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}")
        op.execute("DROP TRIGGER IF EXISTS postings_balanced ON postings")
        op.execute("DROP TRIGGER IF EXISTS journal_entries_have_postings ON journal_entries")
        op.execute("DROP FUNCTION IF EXISTS tashilat_entry_balanced()")
        op.execute("DROP FUNCTION IF EXISTS tashilat_entry_has_postings()")
        op.execute("DROP FUNCTION IF EXISTS tashilat_append_only()")
    else:
        for t in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {t}_no_{verb}")
