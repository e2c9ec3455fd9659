"""The comparison for the benchmark: one straightforward hand-written DuckDB query.

It computes the same monthly structures, yearly averages and entitlements as the batch,
the way one would write it in SQL: end-of-day balances by a window function, a grid of
account-months joined to month boundaries (precomputed per distinct opening date, as the
batch does), the balance carried into each month by an ``ASOF`` join, then group-bys for
the months and years and window functions for the running sums. Exact integer (HUGEINT)
arithmetic for the entitlement, and none where the account's privilege was used.
``tests/batch/test_runs.py`` checks it against the batch, so the benchmark compares two
programs that agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.runner import context_for, read_manifest

ACC = """
acc AS (
    SELECT a.account_id, a.opened_on, a.tier, a.privilege_used_on, o.piece, o.months,
           least(o.months // 12, p.max_wait) AS counted, o.months // 12 AS years,
           p.min_wait, p.closing, p.all_or_nothing, p.keep_best, p.unit, o.eligible_on
    FROM read_parquet($accounts) a
    JOIN opens o USING (opened_on)
    JOIN pieces p USING (piece)
)"""

MONTHS_SQL = (
    "WITH"
    + ACC
    + """,
day_totals AS (
    SELECT account_id, "on", sum(amount) AS amount
    FROM read_parquet($events) WHERE "on" < $as_of GROUP BY account_id, "on"
),
eod AS (  -- end-of-day balances: running sum by account
    SELECT account_id, "on",
           sum(amount) OVER (PARTITION BY account_id ORDER BY "on"
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS balance
    FROM day_totals
),
grid AS (  -- every completed account month
    SELECT acc.account_id, acc.closing, b.m, b.start, b.next_start
    FROM acc JOIN bounds b ON b.opened_on = acc.opened_on AND b.m < acc.months
),
inside AS (  -- end-of-day balances inside each month: each day finds its month (ASOF)
    SELECT g.account_id, g.m, min(e.balance) AS low, arg_max(e.balance, e."on") AS close,
           min(e."on") AS first_day
    FROM eod e ASOF JOIN grid g ON g.account_id = e.account_id AND g.start <= e."on"
    WHERE e."on" < g.next_start
    GROUP BY g.account_id, g.m
),
carried AS (  -- the balance carried into each month
    SELECT g.account_id, g.m, coalesce(e.balance, 0) AS carried
    FROM grid g ASOF LEFT JOIN eod e ON e.account_id = g.account_id AND e."on" < g.start
)
SELECT g.account_id, g.m + 1 AS month,
       CASE WHEN g.closing THEN coalesce(i.close, c.carried)
            WHEN i.low IS NULL THEN c.carried
            WHEN i.first_day = g.start THEN i.low
            ELSE least(i.low, c.carried) END AS structure
FROM grid g JOIN carried c USING (account_id, m)
LEFT JOIN inside i USING (account_id, m)
"""
)

YEARS_SQL = (
    "WITH"
    + ACC
    + """,
year_sums AS (
    SELECT m.account_id, (m.month - 1) // 12 + 1 AS year, sum(m.structure) AS total
    FROM months_t m JOIN acc USING (account_id)
    WHERE m.month <= acc.counted * 12
    GROUP BY m.account_id, (m.month - 1) // 12 + 1
),
years AS (
    SELECT y.account_id, y.year,
           (y.total - ((y.total % 12) + 12) % 12) // 12 AS average
    FROM year_sums y
),
running AS (
    SELECT y.account_id, y.year, y.average, r.ref, r.cum_ref AS sr,
           sum(y.average) OVER (PARTITION BY y.account_id ORDER BY y.year) AS sa,
           acc.tier, acc.piece, acc.min_wait, acc.all_or_nothing, acc.keep_best, acc.unit
    FROM years y JOIN acc USING (account_id)
    JOIN refs r ON r.piece = acc.piece AND r.year = y.year
),
ent AS (
    SELECT r.*, CASE WHEN r.year >= r.min_wait THEN c.cap END AS cap,
           CASE WHEN r.year < r.min_wait OR r.sr <= 0 THEN 0::HUGEINT
                WHEN r.all_or_nothing THEN CASE WHEN r.sa >= r.sr THEN c.cap ELSE 0 END
                WHEN r.sa <= 0 THEN 0::HUGEINT
                ELSE (c.cap::HUGEINT * least(r.sa, r.sr)) // r.sr END AS raw
    FROM running r LEFT JOIN caps c ON c.piece = r.piece AND c.tier = r.tier AND c.year = r.year
)
SELECT account_id, year, average, ref, cap,
       CASE WHEN keep_best
            THEN max(raw - raw % unit) OVER (PARTITION BY account_id ORDER BY year)
            ELSE raw - raw % unit END AS entitlement
FROM ent
"""
)

ACCOUNTS_SQL = (
    "WITH"
    + ACC
    + """
SELECT acc.account_id, acc.months, acc.years, acc.counted,
       CASE WHEN acc.years < acc.min_wait THEN f.cap ELSE y.cap END AS cap,
       CASE WHEN acc.privilege_used_on <= CAST($as_of AS DATE) THEN 0
            WHEN acc.years < acc.min_wait THEN 0 ELSE coalesce(y.entitlement, 0) END
           AS entitlement,
       acc.eligible_on
FROM acc LEFT JOIN years_t y ON y.account_id = acc.account_id AND y.year = acc.counted
JOIN future f ON f.piece = acc.piece AND f.tier = acc.tier
"""
)


def _helpers(run: Path, policy: Any) -> dict[str, pa.Table]:
    """Small tables: month boundaries per distinct opening date, and the cohort terms."""
    manifest = read_manifest(run)
    ctx = context_for(manifest, policy)
    tab, terms = ctx.days, ctx.terms
    opens = np.array(manifest["open_days"], dtype=np.int64)
    months = tab.completed_months(opens, ctx.as_of)
    u = tab.u_of(opens)
    piece = terms.piece_of(opens)
    row = np.repeat(np.arange(len(opens)), months)
    off = np.concatenate([[0], np.cumsum(months)])
    m = np.arange(len(row)) - off[:-1][row]
    date = pa.date32()

    def d(x: Any) -> pa.Array:
        return pa.array(np.asarray(x, dtype=np.int32)).cast(date)

    bounds = pa.table(
        {
            "opened_on": d(opens[row]),
            "m": m,
            "start": d(tab.month_start(u[row], m + 1)),
            "next_start": d(tab.month_start(u[row], m + 2)),
        }
    )
    open_t = pa.table(
        {
            "opened_on": d(opens),
            "piece": piece,
            "months": months,
            "eligible_on": d(tab.month_start(u, 12 * terms.min_wait[piece] + 1)),
        }
    )
    g = np.arange(len(terms.starts))
    pieces = pa.table(
        {
            "piece": g,
            "min_wait": terms.min_wait,
            "max_wait": terms.max_wait,
            "closing": terms.closing,
            "all_or_nothing": terms.all_or_nothing,
            "keep_best": terms.keep_best,
            "unit": terms.unit,
        }
    )
    k = np.arange(1, terms.kmax + 1)
    gg, kk = np.meshgrid(g, k, indexing="ij")
    refs = pa.table(
        {
            "piece": gg.ravel(),
            "year": kk.ravel(),
            "ref": terms.ref.ravel(),
            "cum_ref": terms.cum_ref[:, 1:].ravel(),
        }
    )
    g3, t3, k3 = np.meshgrid(g, np.arange(1, 4), k, indexing="ij")
    caps = pa.table(
        {"piece": g3.ravel(), "tier": t3.ravel(), "year": k3.ravel(), "cap": terms.caps.ravel()}
    )
    g2, t2 = np.meshgrid(g, np.arange(1, 4), indexing="ij")
    future = pa.table({"piece": g2.ravel(), "tier": t2.ravel(), "cap": terms.future_cap.ravel()})
    return {
        "bounds": bounds,
        "opens": open_t,
        "pieces": pieces,
        "refs": refs,
        "caps": caps,
        "future": future,
    }


def run_query(
    run: Path, policy: Any, out: Path | None = None, *, threads: int = 1, memory: str = "6GB"
) -> dict[str, Any]:
    """Run the hand-written query over a run's input; write its results to ``out`` (Parquet)
    if given. Returns row counts (and the tables when ``out`` is ``None``)."""
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute("SET preserve_insertion_order = false")
    for name, table in _helpers(run, policy).items():
        con.register(name, table)
    manifest = read_manifest(run)
    params = {
        "accounts": str(run / "input" / "accounts-*.parquet"),
        "events": str(run / "input" / "events-*.parquet"),
        "as_of": manifest["as_of"],
    }
    con.execute("CREATE TEMP TABLE months_t AS " + MONTHS_SQL, params)
    acc_params = {"accounts": params["accounts"]}
    con.execute("CREATE TEMP TABLE years_t AS " + YEARS_SQL, acc_params)
    acc_params["as_of"] = params["as_of"]
    accounts_q = ACCOUNTS_SQL
    result: dict[str, Any] = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * FROM months_t) TO '{out / 'months.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT * FROM years_t) TO '{out / 'years.parquet'}' (FORMAT parquet)")
        con.execute(
            f"COPY ({accounts_q}) TO '{out / 'accounts.parquet'}' (FORMAT parquet)", acc_params
        )
        for name in ("months", "years", "accounts"):
            result[name] = con.execute(
                f"SELECT count(*) FROM read_parquet('{out / (name + '.parquet')}')"
            ).fetchone()[0]  # type: ignore[index]
    else:
        result["months"] = con.sql(
            "SELECT * FROM months_t ORDER BY account_id, month"
        ).to_arrow_table()
        result["years"] = con.sql(
            "SELECT * FROM years_t ORDER BY account_id, year"
        ).to_arrow_table()
        result["accounts"] = con.sql(
            accounts_q + " ORDER BY acc.account_id", params=acc_params
        ).to_arrow_table()
    con.close()
    return result


__all__ = ["layout", "run_query"]
