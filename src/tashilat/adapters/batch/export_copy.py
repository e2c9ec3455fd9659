"""PostgreSQL → input partitions at COPY speed (docs/adr/0008-copy-speed-batch-io.md).

The same partitions, rows and Arrow tables as ``export.export_partition`` (the same
queries, written in SQL), but each query runs as one binary ``COPY`` parsed into numpy
arrays (``pgcopy``) instead of a Python tuple per row, and partitions are exported over
several connections at once. The written Parquet files are byte for byte those of the
row-by-row path (tests/batch/test_copy_path.py).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import Engine

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.pgcopy import copy_out, date_array, day, day_or_null, driver_connection
from tashilat.adapters.batch.runner import RunError
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND as PROFIT_KIND

INST_COLUMNS = (
    ("instalment_id", "int8"),
    ("loan_id", "int8"),
    ("number", "int4"),
    ("due", "int4"),
    ("amount", "int8"),
    ("principal", "int8"),
    ("profit", "int8"),
    ("paid_principal", "int8"),
    ("paid_profit", "int8"),
    ("paid_on", "int4"),
    ("penalty_accrued", "int8"),
    ("penalty_paid", "int8"),
    ("penalty_prior", "int8"),
    ("penalty_from", "int4"),
)
DATES = ("due", "paid_on", "penalty_from")


def _range(col: str, lo: int, hi: int | None) -> str:
    return f"{col} >= {int(lo)}" + ("" if hi is None else f" AND {col} <= {int(hi)}")


def boundaries(
    engine: Engine, as_of: date, partition_size: int
) -> tuple[list[int], list[int], int]:
    """First account id of every partition, the distinct opening days (days since
    1970-01-01) and the number of accounts: one COPY of the accounts' ids and dates."""
    q = (
        f"SELECT id::int8, {day('opened_on')} FROM youth_accounts "
        f"WHERE status = 'open' AND opened_on <= DATE '{as_of.isoformat()}' ORDER BY id"
    )
    with driver_connection(engine) as conn:
        cols = copy_out(conn, q, (("id", "int8"), ("opened", "int4")))
    ids = cols["id"]
    firsts = ids[::partition_size].tolist() or [0]
    return [int(x) for x in firsts], np.unique(cols["opened"]).tolist(), len(ids)


Columns = dict[str, dict[str, np.ndarray]]


def fetch(conn: Any, lo: int, hi: int | None, as_of: date) -> Columns:
    """The accounts with ids in ``[lo, hi]``, their movements before ``as_of``, the day
    each first used the privilege, their disbursed loans and the instalments due by
    ``as_of``: one binary COPY (one scan) per table, rows in account order."""
    d = f"DATE '{as_of.isoformat()}'"
    open_acc = f"a.status = 'open' AND a.opened_on <= {d} AND {_range('a.id', lo, hi)}"
    acc = copy_out(
        conn,
        f"SELECT a.id::int8, {day('a.opened_on')}, a.tier::int2 FROM youth_accounts a "
        f"WHERE {open_acc} ORDER BY a.id",
        (("id", "int8"), ("opened", "int4"), ("tier", "int2")),
    )
    ev = copy_out(
        conn,
        f"SELECT a.id::int8, {day('j.business_date')}, (-p.amount)::int8 FROM postings p "
        "JOIN journal_entries j ON j.id = p.entry_id "
        "JOIN youth_accounts a ON a.ledger_account_id = p.ledger_account_id "
        f"WHERE {open_acc} AND j.business_date < {d} "
        # the kernel computes the profit from the other movements (as the row-by-row path)
        f"AND j.kind <> '{PROFIT_KIND}' ORDER BY a.id, j.business_date, j.id",
        (("account", "int8"), ("day", "int4"), ("amount", "int8")),
    )
    loan_range = _range("l.account_id", lo, hi)
    used = copy_out(
        conn,
        f"SELECT l.account_id::int8, {day('min(l.disbursed_on)')} FROM loans l "
        f"WHERE {loan_range} AND l.status IN ('disbursed', 'settled') "
        f"AND l.disbursed_on IS NOT NULL AND l.disbursed_on <= {d} "
        "GROUP BY l.account_id ORDER BY l.account_id",
        (("account", "int8"), ("day", "int4")),
    )
    loans = copy_out(
        conn,
        "SELECT l.id::int8, l.account_id::int8, (l.rate_percent * 10000)::int8, "
        "(l.rate_percent * 10000 <> trunc(l.rate_percent * 10000))::int4::int2 FROM loans l "
        f"WHERE {loan_range} AND l.status = 'disbursed' ORDER BY l.account_id, l.id",
        (("id", "int8"), ("account", "int8"), ("rate_e4", "int8"), ("inexact", "int2")),
    )
    if loans["inexact"].any():
        raise RunError(
            "batch.rate_precision",
            "نرخ وام بیش از چهار رقم اعشار دارد.",
            "A loan rate has more than four decimals.",
        )
    inst = copy_out(
        conn,
        "SELECT l.account_id::int8, i.id::int8, i.loan_id::int8, i.number::int4, "
        f"{day('i.due')}, i.amount::int8, i.principal::int8, i.profit::int8, "
        f"i.paid_principal::int8, i.paid_profit::int8, {day_or_null('i.paid_on')}, "
        "i.penalty_accrued::int8, i.penalty_paid::int8, i.penalty_prior::int8, "
        f"{day_or_null('i.penalty_from')} FROM loan_instalments i "
        f"JOIN loans l ON l.id = i.loan_id WHERE {loan_range} AND l.status = 'disbursed' "
        f"AND i.due <= {d} ORDER BY l.account_id, l.id, i.number",
        (("account", "int8"), *INST_COLUMNS),
    )
    return {"acc": acc, "ev": ev, "used": used, "loans": loans, "inst": inst}


KEYS = {"acc": "id", "ev": "account", "used": "account", "loans": "account", "inst": "account"}


def cut(cols: Columns, lo: int, hi: int | None) -> Columns:
    """The rows of accounts with ids in ``[lo, hi]`` (every table is in account order)."""
    out: Columns = {}
    for name, table in cols.items():
        key = table[KEYS[name]]
        a = int(np.searchsorted(key, lo, side="left"))
        b = len(key) if hi is None else int(np.searchsorted(key, hi, side="right"))
        out[name] = {c: v[a:b] for c, v in table.items()}
    return out


def write_partition(run: Path, part: int, cols: Columns) -> dict[str, int]:
    """A partition's four input files from its rows (``fetch``/``cut``)."""
    acc, ev, used, loans, inst = (cols[k] for k in ("acc", "ev", "used", "loans", "inst"))
    ids = acc["id"]
    n_events = np.searchsorted(ev["account"], ids, side="right") - np.searchsorted(
        ev["account"], ids
    )
    used_day = np.full(len(ids), -(2**31), dtype=np.int32)
    at = np.searchsorted(ids, used["account"])
    hit = (at < len(ids)) & (ids[np.minimum(at, max(len(ids) - 1, 0))] == used["account"])
    used_day[at[hit]] = used["day"][hit]
    loan_ids = loans["id"]
    sorter = np.argsort(loan_ids, kind="stable")
    owner = (
        sorter[np.searchsorted(loan_ids, inst["loan_id"], sorter=sorter)]
        if len(loan_ids)
        else inst["loan_id"]
    )
    counts = np.bincount(owner, minlength=len(loan_ids))
    tables = {
        "accounts": pa.table(
            [
                ids,
                date_array(acc["opened"]),
                acc["tier"].astype(np.int8),
                n_events.astype(np.int32),
                date_array(used_day),
            ],
            schema=layout.ACCOUNTS_IN,
        ),
        "events": pa.table(
            [ev["account"], date_array(ev["day"]), ev["amount"]], schema=layout.EVENTS_IN
        ),
        "loans": pa.table(
            [loan_ids, loans["account"], loans["rate_e4"], counts.astype(np.int32)],
            schema=layout.LOANS_IN,
        ),
        "instalments": pa.table(
            [date_array(inst[n]) if n in DATES else inst[n] for n, _ in INST_COLUMNS],
            schema=layout.INSTALMENTS_IN,
        ),
    }
    for kind, table in tables.items():
        layout.write_table(layout.input_path(run, kind, part), table)
    return {
        "accounts": len(ids),
        "events": len(ev["day"]),
        "loans": len(loan_ids),
        "instalments": len(inst["due"]),
    }


def export_partitions(
    engine: Engine,
    run: Path,
    firsts: list[int],
    as_of: date,
    *,
    connections: int = 2,
    progress: Callable[[int, dict[str, int]], None] | None = None,
) -> None:
    """Every partition not yet in place, over ``connections`` connections in parallel
    (the database does the work; the threads wait on sockets and write Parquet). Groups
    of consecutive partitions are read whole, so each connection scans each table once;
    a group's rows are held in memory (about 35 bytes a movement)."""
    todo = []
    for part, lo in enumerate(firsts):
        hi = firsts[part + 1] - 1 if part + 1 < len(firsts) else None
        if not all(layout.input_path(run, k, part).exists() for k in layout.INPUTS):
            # loans of accounts before the first open account land in partition 0
            todo.append((part, 0 if part == 0 else lo, hi))
    if not todo:
        return

    # one scan per table and connection: the partitions still to do, in ``connections``
    # contiguous groups, each fetched whole and cut into its partitions
    n = max(1, min(connections, len(todo)))
    size = -(-len(todo) // n)
    groups = [todo[k : k + size] for k in range(0, len(todo), size)]

    def one(group: list[tuple[int, int, int | None]]) -> list[tuple[int, dict[str, int]]]:
        with driver_connection(engine) as conn:
            cols = fetch(conn, group[0][1], group[-1][2], as_of)
            conn.rollback()
        return [(part, write_partition(run, part, cut(cols, lo, hi))) for part, lo, hi in group]

    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        for fut in as_completed([pool.submit(one, g) for g in groups]):
            for part, counts in fut.result():
                if progress:
                    progress(part, counts)
