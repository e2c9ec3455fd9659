"""Month-end and import at database speed: regenerates bench/results/db_speed.md.

    .venv/bin/python -m bench.db_speed      # month-end at 100,000 accounts, import of 20,000
    .venv/bin/python -m bench.db_speed --accounts 0 --import-accounts 5000   # the import only

In one run, each in a fresh PostgreSQL database created for it:

(a) **month-end database → database**: the synthetic book (seeded; cohorts 1397–1403 as of
    1404/01/01) loaded with ``batch generate --database-url``; then the month-end's three
    phases timed: export (binary COPY, 2 connections), partitions (the partition function,
    one process), write-back (results by COPY into staging + merge, late charges posted
    set-based). The **floor**, in the same run on the same database: ``COPY (…) TO STDOUT
    (FORMAT binary)`` of the same rows (accounts, movements, loans, instalments due; one
    connection, output discarded) + the partition function's time + ``COPY … FROM STDIN``
    of the same result rows into unlogged tables. The row-by-row export of before is timed
    on the same database for comparison.
(b) **import**: the same kind of book written as the CSV files a bank would hand over
    (accounts, then movements), loaded with ``tashilat import`` (``jobs.onboarding``), against
    two floors: (a) binary ``COPY`` of every row the loaded book occupies into copies of its
    tables with the same indexes and foreign keys, in one transaction (the database's own
    cost of holding those rows), and (b) ``COPY … FROM STDIN (FORMAT csv)`` of the two
    files into plain text tables; file rows per second each.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from bench.common import fresh_pg_database, machine

AS_OF = "1404/01/01"
RESULTS = Path(__file__).parent / "results" / "db_speed.md"


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    took = time.perf_counter() - t
    print(f"  {getattr(fn, '__qualname__', fn)}: {took:.2f} s", flush=True)
    return took, out


def _container(url: str, as_of: date) -> Any:
    from tashilat.bootstrap import build, init_database
    from tashilat.settings import Settings

    c = build(Settings(database_url=url))
    init_database(c, business_date=as_of)
    return c


def _pg(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def copy_out_floor(url: str, as_of: date) -> tuple[float, int]:
    """Binary COPY of the rows the export reads, whole tables at once, output discarded."""
    from tashilat.adapters.batch.export_copy import INST_COLUMNS  # noqa: F401 (same rows)

    d = f"DATE '{as_of.isoformat()}'"
    queries = [
        f"SELECT id, opened_on, tier FROM youth_accounts WHERE status = 'open' "
        f"AND opened_on <= {d}",
        "SELECT a.id, j.business_date, p.amount FROM postings p JOIN journal_entries j "
        "ON j.id = p.entry_id JOIN youth_accounts a ON a.ledger_account_id = p.ledger_account_id "
        f"WHERE a.status = 'open' AND a.opened_on <= {d} AND j.business_date < {d} "
        "ORDER BY a.id, j.business_date, j.id",
        "SELECT id, account_id, rate_percent FROM loans WHERE status = 'disbursed'",
        "SELECT i.* FROM loan_instalments i JOIN loans l ON l.id = i.loan_id "
        f"WHERE l.status = 'disbursed' AND i.due <= {d} ORDER BY l.account_id, l.id, i.number",
    ]
    n = 0
    t = time.perf_counter()
    with psycopg.connect(_pg(url)) as conn, conn.cursor() as cur:
        for q in queries:
            with cur.copy(f"COPY ({q}) TO STDOUT (FORMAT binary)") as copy:
                for block in copy:
                    n += len(block)
    return time.perf_counter() - t, n


def _as_of(run: Path) -> str:
    from tashilat.adapters.batch import layout

    return str(layout.read_json(run / "manifest.json")["as_of"])


def copy_in_floor(url: str, run: Path, partitions: int) -> float:
    """COPY of the result rows the write-back stores into unlogged tables (no merge)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from tashilat.adapters.batch import layout, pgcopy, store

    acc = pa.concat_tables(
        pq.read_table(layout.output_path(run, "accounts", p), columns=list(store.ACCOUNT_COLUMNS))
        for p in range(partitions)
    )
    loans = pa.concat_tables(
        pq.read_table(layout.output_path(run, "loans", p), columns=list(store.LOAN_COLUMNS))
        for p in range(partitions)
    )
    as_of = pa.array([date.fromisoformat(str(d)) for d in [_as_of(run)]] * 1, pa.date32())[0]
    acc = acc.append_column("as_of", pa.array([as_of.as_py()] * acc.num_rows, pa.date32()))
    loans = loans.append_column("as_of", pa.array([as_of.as_py()] * loans.num_rows, pa.date32()))
    with psycopg.connect(_pg(url)) as conn:
        for t in ("month_end_accounts", "month_end_loans"):
            conn.execute(f"CREATE UNLOGGED TABLE floor_{t} (LIKE {t})")
        conn.commit()
        t0 = time.perf_counter()
        pgcopy.copy_in(conn, "floor_month_end_accounts", acc)
        pgcopy.copy_in(conn, "floor_month_end_loans", loans)
        conn.commit()
        return time.perf_counter() - t0


def _month_before(as_of: date) -> date:
    """The same day of the Jalali month before ``as_of`` (a month's first day): a
    month-end run then finds every account's month since completed once."""
    from tashilat.domain.jalali import format_jalali, parse_jalali

    y, m, d = (int(x) for x in format_jalali(as_of).split("/"))
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return parse_jalali(f"{y}/{m:02d}/{d:02d}")


def _month_end_run(c: Any, run: Path, as_of: date) -> None:
    from tashilat.adapters.batch import export, runner
    from tashilat.jobs import writeback

    export.export(c.engine, run, as_of=as_of, policy=c.policy, connections=2)
    runner.run_partitions(run, c.policy)
    writeback.write_back(c, run)


def posted_floor(url: str, after_id: int) -> tuple[float, int]:
    """COPY of the journal entries (and their postings) the measured write-back posted —
    the month's profit and late charges — into copies of the journal's tables with the
    same indexes and foreign keys, in one transaction."""
    with psycopg.connect(_pg(url)) as conn:
        data: dict[str, bytes] = {}
        rows = 0
        queries = {
            "journal_entries": f"SELECT * FROM journal_entries WHERE id > {after_id}",
            "postings": f"SELECT * FROM postings WHERE entry_id > {after_id}",
        }
        for t, q in queries.items():
            buf = bytearray()
            with conn.cursor() as cur, cur.copy(f"COPY ({q}) TO STDOUT (FORMAT binary)") as cp:
                for block in cp:
                    buf += block
            data[t] = bytes(buf)
            rows += int(conn.execute(f"SELECT COUNT(*) FROM ({q}) q").fetchone()[0])
            conn.execute(f"CREATE TABLE floor_{t} (LIKE {t} INCLUDING ALL)")
        conn.execute(
            "ALTER TABLE floor_postings ADD FOREIGN KEY (entry_id) "
            "REFERENCES floor_journal_entries (id), ADD FOREIGN KEY (ledger_account_id) "
            "REFERENCES ledger_accounts (id)"
        )
        conn.commit()
        t0 = time.perf_counter()
        for t in queries:
            with conn.cursor() as cur, cur.copy(f"COPY floor_{t} FROM STDIN (FORMAT binary)") as cp:
                cp.write(data[t])
        conn.commit()
        took = time.perf_counter() - t0
        conn.execute("DROP TABLE floor_postings")
        conn.execute("DROP TABLE floor_journal_entries")
        conn.commit()
        print(f"  posted-entries COPY floor: {took:.2f} s ({rows:,} rows)", flush=True)
        return took, rows


def month_end(accounts: int, workdir: Path) -> dict[str, Any]:
    from tashilat.adapters.batch import export, generate, generate_load, runner
    from tashilat.domain.jalali import parse_jalali
    from tashilat.jobs import writeback

    as_of = parse_jalali(AS_OF)
    out: dict[str, Any] = {"accounts": accounts}
    with fresh_pg_database() as url:
        c = _container(url, as_of)
        spec = generate.Spec(accounts=accounts, as_of=as_of, seed=7)
        # setup, not compared: the import's store, as ``batch generate --database-url``
        out["load_s"], counts = _timed(generate_load.load_database, spec, c.policy, url)
        out.update(counts)
        # setup, not compared: the month-end of the month before, so that the savings
        # profit of every earlier month is posted, as in a bank that runs tashilat; the
        # month-end measured below then posts one month of profit per account
        prior = workdir / "month-end-prior"
        shutil.rmtree(prior, ignore_errors=True)
        before = _month_before(as_of)
        out["prior_s"], _ = _timed(_month_end_run, c, prior, before)
        with psycopg.connect(_pg(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            first_new = int(conn.execute("SELECT MAX(id) FROM journal_entries").fetchone()[0])
        run = workdir / "month-end"
        shutil.rmtree(run, ignore_errors=True)
        out["export_s"], m = _timed(
            export.export, c.engine, run, as_of=as_of, policy=c.policy, connections=2
        )
        rows = workdir / "month-end-rows"
        shutil.rmtree(rows, ignore_errors=True)
        out["rows_export_s"], _ = _timed(
            export.export, c.engine, rows, as_of=as_of, policy=c.policy, copy=False
        )
        same = all(
            (run / "input" / f.name).read_bytes() == f.read_bytes()
            for f in (rows / "input").glob("*.parquet")
        )
        out["same_input_bytes"] = same
        out["compute_s"], res = _timed(runner.run_partitions, run, c.policy)
        out["write_s"], wb = _timed(writeback.write_back, c, run)
        out["posted"] = wb.penalties_posted
        out["total_s"] = out["export_s"] + out["compute_s"] + out["write_s"]
        out["copy_out_s"], out["copy_out_bytes"] = copy_out_floor(url, as_of)
        out["copy_in_s"] = copy_in_floor(url, run, int(m["partitions"]))
        out["ledger_in_s"], out["ledger_in_rows"] = posted_floor(url, first_new)
        out["profits"] = wb.profits_posted
        out["floor_s"] = (
            out["copy_out_s"] + out["compute_s"] + out["copy_in_s"] + out["ledger_in_s"]
        )
        out["events_exported"] = res.totals["events"]
        c.dispose()
    return out


def write_import_files(accounts: int, workdir: Path) -> tuple[Path, Path, int, int]:
    """The generated book as a bank's CSV files (accounts; movements after the opening)."""
    from tashilat.adapters.batch import generate, generate_load
    from tashilat.adapters.batch.calendar import from_epoch_day
    from tashilat.domain.jalali import format_jalali, parse_jalali
    from tashilat.policy import default_policy

    spec = generate.Spec(accounts=accounts, as_of=parse_jalali(AS_OF), seed=11)
    gen = generate.Generator(spec, default_policy())
    acc_path, mv_path = workdir / "accounts.csv", workdir / "movements.csv"
    days: dict[int, str] = {}

    def jal(d: int) -> str:
        s = days.get(d)
        if s is None:
            s = days[d] = format_jalali(from_epoch_day(d))
        return s

    n_acc = n_mv = 0
    with acc_path.open("w", newline="") as fa, mv_path.open("w", newline="") as fm:
        wa, wm = csv.writer(fa), csv.writer(fm)
        wa.writerow(
            [
                "number",
                "national_id",
                "name",
                "birth_date",
                "opened_on",
                "city",
                "branch",
                "opening_deposit",
            ]
        )
        wm.writerow(["number", "reference", "on", "amount"])
        for part in range(spec.partitions):
            p = gen.partition(part)
            acc, mv = generate_load.book_tables(gen, p, part)
            opened = p.open_day.tolist()
            # the book a bank hands over opens every account with at least the floor (the
            # generator lets a saver skip the first month)
            floors = gen.floors[gen.terms.piece_of(p.open_day)]
            opening = np.maximum(acc["amount"].to_numpy(), floors)
            for number, nid, amount, od in zip(
                acc["number"].to_pylist(),
                acc["national_id"].to_pylist(),
                opening.tolist(),
                opened,
                strict=True,
            ):
                wa.writerow(
                    [number, nid, f"مشتری {number}", "1373/10/11", jal(od), "تهران", "GEN", amount]
                )
            mv_days = (
                mv["business_date"].cast("int32").to_numpy()
                if mv.num_rows
                else np.zeros(0, np.int32)
            )
            for number, ref, d, amount in zip(
                mv["number"].to_pylist(),
                mv["request_id"].to_pylist(),
                mv_days.tolist(),
                mv["signed"].to_pylist(),
                strict=True,
            ):
                wm.writerow([number, ref.rsplit(":", 1)[1], jal(d), amount])
            n_acc += acc.num_rows
            n_mv += mv.num_rows
    return acc_path, mv_path, n_acc, n_mv


def raw_copy(url: str, path: Path, columns: int) -> float:
    cols = ", ".join(f"c{i} text" for i in range(columns))
    with psycopg.connect(_pg(url)) as conn:
        conn.execute(f"CREATE TABLE raw_{path.stem} ({cols})")
        conn.commit()
        t = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY raw_{path.stem} FROM STDIN (FORMAT csv, HEADER)") as copy,
            path.open("rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        conn.commit()
        return time.perf_counter() - t


LEDGER_TABLES = ("customers", "ledger_accounts", "youth_accounts", "journal_entries", "postings")


def ledger_copy_floor(url: str) -> tuple[float, dict[str, int]]:
    """The database's own cost of holding the imported book: every row of the tables the
    import writes, read out by binary COPY (not timed), then COPYed in one transaction into
    copies of those tables with the same columns, checks, indexes and foreign keys among
    them (the per-row balance triggers aside, as on the import's set-based path)."""
    import re

    with psycopg.connect(_pg(url)) as conn:
        data: dict[str, bytes] = {}
        counts: dict[str, int] = {}
        for t in LEDGER_TABLES:
            buf = bytearray()
            with conn.cursor() as cur, cur.copy(f"COPY {t} TO STDOUT (FORMAT binary)") as cp:
                for block in cp:
                    buf += block
            data[t] = bytes(buf)
            counts[t] = int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            conn.execute(f"CREATE TABLE floor_{t} (LIKE {t} INCLUDING ALL)")
        for t in LEDGER_TABLES:
            fks = conn.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                (t,),
            ).fetchall()
            for (d,) in fks:
                for u in LEDGER_TABLES:
                    d = re.sub(rf"REFERENCES {u}\(", f"REFERENCES floor_{u}(", d)
                conn.execute(f"ALTER TABLE floor_{t} ADD {d}")
        conn.commit()
        t0 = time.perf_counter()
        for t in LEDGER_TABLES:
            with conn.cursor() as cur, cur.copy(f"COPY floor_{t} FROM STDIN (FORMAT binary)") as cp:
                cp.write(data[t])
        conn.commit()
        took = time.perf_counter() - t0
        for t in reversed(LEDGER_TABLES):
            conn.execute(f"DROP TABLE floor_{t}")
        conn.commit()
        print(f"  ledger COPY floor: {took:.2f} s {counts}", flush=True)
        return took, counts


def import_bench(accounts: int, workdir: Path) -> dict[str, Any]:
    from sqlalchemy import text

    from tashilat.data import load_city_index
    from tashilat.domain.jalali import parse_jalali
    from tashilat.jobs import onboarding

    out: dict[str, Any] = {}
    acc_path, mv_path, out["accounts"], out["movements"] = write_import_files(accounts, workdir)
    with fresh_pg_database() as url:
        c = _container(url, parse_jalali(AS_OF))
        with c.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO branches (code, name_fa, name_en, city) "
                    "VALUES ('GEN', 'شعبه آزمایشی', 'Generated', 'تهران')"
                )
            )
        cities = load_city_index()
        out["import_accounts_s"], ra = _timed(
            onboarding.import_book, "accounts", acc_path, c, cities
        )
        out["import_movements_s"], rm = _timed(
            onboarding.import_book, "movements", mv_path, c, cities
        )
        assert ra.ok and rm.ok, (ra.rejects[:3], rm.rejects[:3])
        out["rerun_s"], again = _timed(onboarding.import_book, "movements", mv_path, c, cities)
        assert again.loaded == 0
        out["ledger_floor_s"], out["ledger_rows"] = ledger_copy_floor(url)
        out["raw_accounts_s"] = raw_copy(url, acc_path, 8)
        out["raw_movements_s"] = raw_copy(url, mv_path, 4)
        c.dispose()
    return out


def report(me: dict[str, Any] | None, imp: dict[str, Any] | None, load: str) -> str:
    lines = [
        "## Month-end and import at database speed",
        "",
        f"Machine: {machine()}. {load}",
        "Regenerate: `.venv/bin/python -m bench.db_speed` (each part in a fresh database).",
        "",
    ]
    if me:
        lines += _month_end_lines(me)
    if imp:
        lines += _import_lines(imp)
    return "\n".join(lines) + "\n"


def _month_end_lines(me: dict[str, Any]) -> list[str]:
    return [
        f"### Month-end database → database, {me['accounts']:,} accounts",
        "",
        f"{me['accounts']:,} accounts, {me['events']:,} movements, {me['loans']:,} loans, "
        f"{me['instalments']:,} instalments; {me['profits']:,} months of savings profit and "
        f"{me['posted']:,} late charges posted. Setup, not timed: the month-end of the month "
        f"before ({me['prior_s']:.1f} s), which posts every earlier month's profit.",
        "",
        "| phase | seconds |",
        "|---|---:|",
        f"| export (binary COPY → numpy, 2 connections) | {me['export_s']:.2f} |",
        f"| partitions (the partition function) | {me['compute_s']:.2f} |",
        f"| write-back (COPY → staging → merge; profit and charges set-based) | "
        f"{me['write_s']:.2f} |",
        f"| **month-end total** | **{me['total_s']:.2f}** |",
        f"| floor: COPY out of the same rows (binary, 1 connection) | {me['copy_out_s']:.2f} |",
        f"| floor: the partition function (same run) | {me['compute_s']:.2f} |",
        f"| floor: COPY in of the same result rows | {me['copy_in_s']:.2f} |",
        f"| floor: COPY in of the same {me['ledger_in_rows']:,} journal rows (the month's "
        f"profit and charges) into the same tables | {me['ledger_in_s']:.2f} |",
        f"| **floor total** | **{me['floor_s']:.2f}** |",
        f"| the row-by-row export of before, same database | {me['rows_export_s']:.2f} |",
        "",
        f"**Month-end / floor = {me['total_s'] / me['floor_s']:.2f}×** (target ≤ 1.5×). "
        f"Export: {me['rows_export_s'] / me['export_s']:.1f}× faster than the row-by-row "
        f"export; both wrote the same input bytes: {me['same_input_bytes']}.",
        "",
        f"Setup (not compared): the book loaded with `batch generate --database-url`'s "
        f"code (the import's store): {me['load_s']:.1f} s.",
        "",
    ]


def _import_lines(imp: dict[str, Any]) -> list[str]:
    rows = imp["accounts"] + imp["movements"]
    t_imp = imp["import_accounts_s"] + imp["import_movements_s"]
    t_raw = imp["raw_accounts_s"] + imp["raw_movements_s"]
    t_floor = imp["ledger_floor_s"]
    written = sum(imp["ledger_rows"].values())
    return [
        f"### Import, {imp['accounts']:,} accounts and {imp['movements']:,} movements (CSV)",
        "",
        "| | seconds | file rows/s |",
        "|---|---:|---:|",
        f"| `tashilat import accounts` | {imp['import_accounts_s']:.2f} | "
        f"{imp['accounts'] / imp['import_accounts_s']:,.0f} |",
        f"| `tashilat import movements` | {imp['import_movements_s']:.2f} | "
        f"{imp['movements'] / imp['import_movements_s']:,.0f} |",
        f"| **import, both files** | **{t_imp:.2f}** | **{rows / t_imp:,.0f}** |",
        f"| floor (a): raw COPY of the {written:,} rows the book occupies (customers, ledger "
        "accounts, accounts, journal entries, postings) into the same tables with the same "
        f"indexes and foreign keys | {t_floor:.2f} | {rows / t_floor:,.0f} |",
        f"| floor (b): raw `COPY … FROM STDIN (FORMAT csv)` of the two files into text tables "
        f"| {t_raw:.2f} | {rows / t_raw:,.0f} |",
        f"| rerun of the movements file (nothing to load) | {imp['rerun_s']:.2f} | |",
        "",
        f"**Import / floor (a) = {t_floor / t_imp:.2f}** of its rows per second "
        f"(target ≥ 1/3 ≈ 0.33); against floor (b), the files into text tables: "
        f"**{t_raw / t_imp:.3f}**.",
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--import-accounts", type=int, default=20_000)
    ap.add_argument("--workdir", type=Path, default=Path("var/bench/db_speed"))
    ap.add_argument("--load-note", default="")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load = f"Load average at start: {os.getloadavg()[0]:.1f}. {args.load_note}".strip()
    me = month_end(args.accounts, args.workdir) if args.accounts else None
    print(me, flush=True)
    imp = import_bench(args.import_accounts, args.workdir) if args.import_accounts else None
    print(imp, flush=True)
    text = report(me, imp, load + f" Load average at end: {os.getloadavg()[0]:.1f}.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
