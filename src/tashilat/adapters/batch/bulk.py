"""Set-based write-back: results and postings through a staging table, one statement each
(docs/adr/0008-copy-speed-batch-io.md).

* ``stage``: a temporary table filled from an Arrow table — by ``COPY`` on PostgreSQL
  (``pgcopy.copy_in``), by one executemany elsewhere — inside the caller's transaction.
* ``replace_results``: a partition's result rows for an as-of date replaced by the staged
  ones (delete the partition's id range, ``INSERT … SELECT`` from the stage).
* ``post_staged``: one journal entry per staged row marked ``ok``, ``amount`` from
  ``debit_code`` to ``credit_code`` (ADR 0004: debit +, credit −), in three statements:
  missing ledger accounts, the entries, their two postings each. Rows whose request id a
  journal entry already carries are never posted (the unique request id is the guard a
  rerun, a resumed run and the services share). Each posted quantity is one staged table
  with these columns and one call; which rows are ``ok`` is the caller's claim (for late
  charges: ``claim_charges``, the conditional move of the instalment; for savings profit:
  ``claim_profits``, the account still open and its balance moved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import Connection, Date, DateTime, bindparam, text

from tashilat.adapters.batch import pgcopy

# the staged columns every posted quantity has (plus its own, e.g. the instalment's state)
POSTING_STAGE = (
    "request_id VARCHAR(200) NOT NULL PRIMARY KEY",
    "debit_code VARCHAR(80) NOT NULL",
    "credit_code VARCHAR(80) NOT NULL",
    "amount BIGINT NOT NULL",
    "ok INTEGER NOT NULL DEFAULT 0",
)
CHARGE_STAGE = (
    *POSTING_STAGE,
    "instalment_id BIGINT NOT NULL",
    "expected BIGINT NOT NULL",
    "paid_principal BIGINT NOT NULL",
    "paid_profit BIGINT NOT NULL",
    "target BIGINT NOT NULL",
)
# savings profit: each row its own kind, date and memo (``post_staged(kind=None, on=None,
# memo=None)``), and the account whose balance it raises
PROFIT_STAGE = (
    *POSTING_STAGE,
    "account_id BIGINT NOT NULL",
    "kind VARCHAR(50) NOT NULL",
    "business_date DATE NOT NULL",
    "memo TEXT NOT NULL",
)


class LedgerMismatch(RuntimeError):
    """An entry written here does not balance (never expected: a bug guard)."""


@dataclass(frozen=True)
class Posted:
    posted: int
    rial: int
    skipped: int


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def analyze(conn: Connection, name: str) -> None:
    """Fresh statistics for a staging table on PostgreSQL (a temporary table has none, and
    the planner would take its rows for a handful and join them by nested loops)."""
    if _is_pg(conn):
        conn.execute(text(f"ANALYZE {name}"))


def stage(conn: Connection, name: str, columns: tuple[str, ...], data: pa.Table) -> int:
    """(Re)create temporary table ``name`` with ``columns`` (SQL column definitions) and
    load ``data`` (its columns by name) into it."""
    conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {name} ({', '.join(columns)})"))
    if data.num_rows == 0:
        return 0
    if _is_pg(conn):
        n = pgcopy.copy_in(conn.connection.driver_connection, name, data)
        analyze(conn, name)
        return n
    names = data.column_names
    conn.execute(
        text(
            f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
        ),
        data.to_pylist(),
    )
    return int(data.num_rows)


def replace_results(
    conn: Connection,
    table: str,
    key: str,
    columns: tuple[str, ...],
    data: pa.Table,
    as_of: date,
) -> int:
    """Replace ``table``'s rows at ``as_of`` whose ``key`` is in ``data``'s key range by
    ``data`` (whose columns are ``columns``, without ``as_of``): COPY into a staging table,
    then one delete and one ``INSERT … SELECT`` (PostgreSQL; SQLite keeps the executemany
    of ``store``)."""
    if data.num_rows == 0:
        return 0
    staged = f"stage_{table}"
    conn.execute(text(f"DROP TABLE IF EXISTS {staged}"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {staged} (LIKE {table} INCLUDING DEFAULTS)"))
    with_as_of = data.append_column("as_of", pa.array([as_of] * data.num_rows, pa.date32()))
    pgcopy.copy_in(conn.connection.driver_connection, staged, with_as_of)
    keys = data[key]
    lo, hi = pc.min(keys).as_py(), pc.max(keys).as_py()
    conn.execute(
        text(f"DELETE FROM {table} WHERE as_of = :d AND {key} >= :lo AND {key} <= :hi"),
        {"d": as_of, "lo": lo, "hi": hi},
    )
    names = ", ".join(("as_of", *columns))
    conn.execute(text(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staged}"))
    conn.execute(text(f"DROP TABLE {staged}"))
    return int(data.num_rows)


def claim_charges(conn: Connection, staged: str, instalments: str) -> None:
    """Mark ``ok`` the staged late charges whose request id is free and whose instalment
    is still exactly as exported (same accrued charge, same payments, unpaid), and move
    those instalments' ``penalty_accrued`` to the run's target — the set-based form of
    ``store.move_charge``. On PostgreSQL the instalments are locked first, so the check
    and the move see the same rows."""
    if _is_pg(conn):
        conn.execute(
            text(
                f"SELECT i.id FROM {instalments} i JOIN {staged} s ON s.instalment_id = i.id "
                "ORDER BY i.id FOR UPDATE OF i"
            )
        )
    conn.execute(
        text(
            f"UPDATE {staged} SET ok = 1 WHERE amount > 0 "
            f"AND NOT EXISTS (SELECT 1 FROM journal_entries j "
            f"WHERE j.request_id = {staged}.request_id) "
            f"AND EXISTS (SELECT 1 FROM {instalments} i WHERE i.id = {staged}.instalment_id "
            f"AND i.penalty_accrued = {staged}.expected "
            f"AND i.paid_principal = {staged}.paid_principal "
            f"AND i.paid_profit = {staged}.paid_profit AND i.paid_on IS NULL)"
        )
    )
    analyze(conn, staged)
    conn.execute(
        text(
            f"UPDATE {instalments} SET penalty_accrued = s.target, "
            f"penalty_from = COALESCE({instalments}.penalty_from, {instalments}.due) "
            f"FROM {staged} s WHERE s.instalment_id = {instalments}.id AND s.ok = 1"
        )
    )


def claim_profits(conn: Connection, staged: str) -> int:
    """Mark ``ok`` the staged profits whose request id is free and whose account is still
    open, and raise each such account's ``balance`` by the sum of its claimed rows in one
    update — the set-based form of ``accounts.credit`` (which refuses a closed account and
    moves the balance with the entry); returns how many rows were claimed. On PostgreSQL
    the accounts are locked first, in id order as the day-end locks them one by one, so a
    day-end crediting the same months either finished before (its ids are taken here) or
    waits for this transaction (and finds them taken)."""
    if _is_pg(conn):
        conn.execute(
            text(
                f"SELECT a.id FROM youth_accounts a WHERE a.id IN "
                f"(SELECT account_id FROM {staged}) ORDER BY a.id FOR UPDATE OF a"
            )
        )
    conn.execute(
        text(
            f"UPDATE {staged} SET ok = 1 WHERE amount > 0 "
            f"AND NOT EXISTS (SELECT 1 FROM journal_entries j "
            f"WHERE j.request_id = {staged}.request_id) "
            f"AND EXISTS (SELECT 1 FROM youth_accounts a WHERE a.id = {staged}.account_id "
            "AND a.status = 'open')"
        )
    )
    analyze(conn, staged)
    conn.execute(
        text(
            "UPDATE youth_accounts SET balance = youth_accounts.balance + c.amount "
            f"FROM (SELECT account_id, SUM(amount) AS amount FROM {staged} WHERE ok = 1 "
            "GROUP BY account_id) c WHERE c.account_id = youth_accounts.id"
        )
    )
    return int(conn.execute(text(f"SELECT COALESCE(SUM(ok), 0) FROM {staged}")).scalar_one())


def post_staged(
    conn: Connection,
    staged: str,
    *,
    kind: str | None,
    on: date | None,
    memo: str | None,
) -> Posted:
    """Post every ``ok`` row of ``staged`` as a journal entry of ``kind`` dated ``on`` with
    ``memo`` (``None``: the staged row's own ``kind`` / ``business_date`` / ``memo``
    column)."""
    conn.execute(
        text(
            f"UPDATE {staged} SET ok = 0 WHERE ok = 1 AND EXISTS (SELECT 1 FROM "
            f"journal_entries j WHERE j.request_id = {staged}.request_id)"
        )
    )
    analyze(conn, staged)  # ``ok`` changed since the load: plans depend on how many
    for side in ("debit_code", "credit_code"):
        # accounts posted to for the first time: named by their code, as the ledger
        # repository creates them
        conn.execute(
            text(
                "INSERT INTO ledger_accounts (code, name, type) "
                f"SELECT DISTINCT s.{side}, s.{side}, 'asset' FROM {staged} s WHERE s.ok = 1 "
                "AND NOT EXISTS (SELECT 1 FROM ledger_accounts la WHERE la.code = s."
                f"{side})"
            )
        )
    params: dict[str, Any] = {"now": datetime.now(UTC)}
    binds: list[Any] = [bindparam("now", type_=DateTime(True))]
    if memo is not None:
        params["memo"] = memo
    if kind is not None:
        params["kind"] = kind
    if on is not None:
        params["on"] = on
        binds.append(bindparam("on", type_=Date()))
    columns = (
        "kind" if kind is None else ":kind",
        "business_date" if on is None else ":on",
        "memo" if memo is None else ":memo",
    )
    if _is_pg(conn):
        _post_pg(conn, staged, columns, binds, params)
    else:
        _post_sqlite(conn, staged, columns, binds, params)
    posted, rial, total = conn.execute(
        text(f"SELECT COALESCE(SUM(ok), 0), COALESCE(SUM(ok * amount), 0), COUNT(*) FROM {staged}")
    ).one()
    conn.execute(text(f"DROP TABLE {staged}"))
    return Posted(int(posted), int(rial), int(total) - int(posted))


def _post_pg(
    conn: Connection,
    staged: str,
    columns: tuple[str, str, str],
    binds: list[Any],
    params: dict[str, Any],
) -> None:
    """The entries and postings of ``staged``'s ``ok`` rows in two statements, checked
    set-based (migration 0010, docs/adr/0010-set-based-ledger-checks.md): each entry takes
    its id from the journal's sequence in a staging table that also carries both sides'
    ledger ids, so neither insert joins back on the request id; the per-row balance
    triggers are off for exactly these two statements, and one query over the written id
    range checks what they check (every entry has postings, at least two, summing to
    zero) before the caller commits."""
    entries = f"{staged}_entries"
    kind_sql, on_sql, memo_sql = (c if c.startswith(":") else f"s.{c}" for c in columns)
    conn.execute(text(f"DROP TABLE IF EXISTS {entries}"))
    conn.execute(
        text(
            f"CREATE TEMPORARY TABLE {entries} AS SELECT "
            "nextval(pg_get_serial_sequence('journal_entries', 'id')) AS entry_id, "
            f"s.request_id, {kind_sql} AS kind, {on_sql} AS business_date, "
            f"{memo_sql} AS memo, d.id AS debit_id, c.id AS credit_id, s.amount "
            f"FROM {staged} s JOIN ledger_accounts d ON d.code = s.debit_code "
            "JOIN ledger_accounts c ON c.code = s.credit_code WHERE s.ok = 1"
        ).bindparams(*[b for b in binds if b.key != "now"]),
        {k: v for k, v in params.items() if k in ("kind", "on", "memo")},
    )
    lo, hi, n = conn.execute(
        text(f"SELECT MIN(entry_id), MAX(entry_id), COUNT(*) FROM {entries}")
    ).one()
    if not n:
        conn.execute(text(f"DROP TABLE {entries}"))
        return
    conn.execute(text("SELECT set_config('tashilat.ledger_checks', 'set-based', true)"))
    conn.execute(
        text(
            "INSERT INTO journal_entries (id, request_id, kind, business_date, memo, "
            "created_by, created_at) SELECT entry_id, request_id, kind, business_date, "
            f"memo, NULL, :now FROM {entries} ORDER BY entry_id"
        ).bindparams(bindparam("now", type_=DateTime(True))),
        {"now": params["now"]},
    )
    written = conn.execute(
        text(
            "INSERT INTO postings (entry_id, ledger_account_id, amount) "
            f"SELECT entry_id, debit_id, amount FROM {entries} UNION ALL "
            f"SELECT entry_id, credit_id, -amount FROM {entries}"
        )
    ).rowcount
    # later writes of this transaction are checked per row again
    conn.execute(text("SELECT set_config('tashilat.ledger_checks', '', true)"))
    conn.execute(text(f"DROP TABLE {entries}"))
    if written != 2 * n:
        raise LedgerMismatch(f"{written} postings written for {n} entries from {staged}")
    check_entries(conn, int(lo), int(hi))


def check_entries(conn: Connection, lo: int, hi: int) -> None:
    """What the ledger's per-row triggers check, for the journal entries with ids ``lo`` to
    ``hi``, in one query: each has postings, at least two, summing to zero. Raises
    ``LedgerMismatch`` otherwise (the caller's transaction then rolls back)."""
    entries, groups, unbalanced = conn.execute(
        text(
            "SELECT (SELECT COUNT(*) FROM journal_entries WHERE id BETWEEN :lo AND :hi), "
            "COUNT(*), COALESCE(SUM(CASE WHEN total <> 0 OR n < 2 THEN 1 ELSE 0 END), 0) "
            "FROM (SELECT entry_id, SUM(amount) AS total, COUNT(*) AS n FROM postings "
            "WHERE entry_id BETWEEN :lo AND :hi GROUP BY entry_id) g"
        ),
        {"lo": lo, "hi": hi},
    ).one()
    if unbalanced or entries != groups:
        raise LedgerMismatch(
            f"{unbalanced} journal entries in {lo}..{hi} do not balance, "
            f"{entries - groups} have no postings"
        )


def _post_sqlite(
    conn: Connection,
    staged: str,
    columns: tuple[str, str, str],
    binds: list[Any],
    params: dict[str, Any],
) -> None:
    """The entries of ``staged``'s ``ok`` rows, then their two postings each (joined back on
    the request id), then a check that every entry written balances."""
    kind_sql, on_sql, memo_sql = columns
    conn.execute(
        text(
            "INSERT INTO journal_entries (request_id, kind, business_date, memo, created_by, "
            f"created_at) SELECT request_id, {kind_sql}, {on_sql}, {memo_sql}, NULL, :now "
            f"FROM {staged} WHERE ok = 1 ORDER BY request_id"
        ).bindparams(*binds),
        params,
    )
    legs = (
        f"SELECT j.id AS entry_id, la.id AS ledger_account_id, {{sign}}s.amount AS amount "
        f"FROM {staged} s JOIN journal_entries j ON j.request_id = s.request_id "
        "JOIN ledger_accounts la ON la.code = s.{side} WHERE s.ok = 1"
    )
    conn.execute(
        text(
            "INSERT INTO postings (entry_id, ledger_account_id, amount) "
            + legs.format(sign="", side="debit_code")
            + " UNION ALL "
            + legs.format(sign="-", side="credit_code")
        )
    )
    unbalanced = conn.execute(
        text(
            "SELECT COUNT(*) FROM (SELECT p.entry_id FROM postings p JOIN journal_entries j "
            f"ON j.id = p.entry_id JOIN {staged} s ON s.request_id = j.request_id "
            "WHERE s.ok = 1 GROUP BY p.entry_id HAVING SUM(p.amount) <> 0 OR COUNT(*) <> 2) u"
        )
    ).scalar_one()
    if unbalanced:
        raise LedgerMismatch(f"{unbalanced} entries written from {staged} do not balance")


def charge_stage(charges: pa.Table, owner: str, receivable: Any, credit: str) -> pa.Table:
    """The staged form of a partition's late charges (``penalties-*.parquet``): the
    receivable of the charge's loan (``receivable(owner id)``) debited, ``credit``
    credited."""
    owners = charges[owner].to_pylist()
    n = charges.num_rows
    return pa.table(
        {
            "request_id": charges["request_id"],
            "debit_code": pa.array([receivable(o) for o in owners], pa.string()),
            "credit_code": pa.array([credit] * n, pa.string()),
            "amount": charges["increment_rial"],
            "instalment_id": charges["instalment_id"],
            "expected": charges["expected_accrued_rial"],
            "paid_principal": charges["paid_principal"],
            "paid_profit": charges["paid_profit"],
            "target": charges["target_rial"],
        }
    )
