"""Deposits per second through the service layer on PostgreSQL, against raw psycopg inserts
of the same journal rows, in the same run.

The raw path writes exactly the rows the service writes (journal entry, two postings, the
account balance, the audit line) with hand-written SQL. Both paths run single-client and commit every deposit, interleaved in rounds so that
machine noise hits both alike; the report gives each round's ratio and the median. After
the run every deposit is checked: nothing lost, nothing doubled, the ledger sums to zero.

    .venv/bin/python -m bench.deposits [--deposits 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg

from bench.common import fresh_pg_database, machine
from tashilat.bootstrap import build, init_database
from tashilat.domain.jalali import parse_jalali
from tashilat.services import youth
from tashilat.settings import Settings


def setup(url: str):  # type: ignore[no-untyped-def]
    from tests.integration.helpers import customer, world

    c = build(Settings(database_url=url))
    init_database(c, business_date=parse_jalali("1403/01/15"))
    w = world(c)
    ids = ["0499370899", "0790419904", "0084575948", "0067749828"]
    accounts = []
    for i, nid in enumerate(ids):
        cid = customer(w, nid)
        accounts.append(
            youth.open_account(
                c.uow(),
                w.officer,
                c.policy,
                customer_id=cid,
                city="تهران",
                opening_deposit=20_000_000,
                request_id=f"open-{i}",
            )
        )
    return c, w, accounts


def service_round(c, w, accounts, n: int, tag: str) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for i in range(n):
        acc = accounts[i % len(accounts)]
        youth.deposit(
            c.uow(), w.officer, account_id=acc.id, amount=1_000_000 + i, request_id=f"svc-{tag}-{i}"
        )
    return n / (time.perf_counter() - t0)


def raw_round(
    conninfo: str, accounts, ids: dict[str, int], n: int, tag: str, *, journal_only: bool = False
) -> float:  # type: ignore[no-untyped-def]
    """The same rows the service writes (entry, two postings, the balance, the audit line),
    with hand-written SQL, one statement each, one commit per deposit."""
    settlement = ids["BANK:SETTLEMENT"]
    on = date(2024, 4, 3)
    with psycopg.connect(conninfo) as conn:
        t0 = time.perf_counter()
        for i in range(n):
            acc = accounts[i % len(accounts)]
            amount = 1_000_000 + i
            with conn.transaction():
                entry = conn.execute(
                    "INSERT INTO journal_entries (request_id, kind, business_date, memo, created_at) "
                    "VALUES (%s, 'youth.deposit', %s, '', %s) RETURNING id",
                    (f"raw-{tag}-{i}", on, datetime.now(UTC)),
                ).fetchone()[0]  # type: ignore[index]
                conn.execute(
                    "INSERT INTO postings (entry_id, ledger_account_id, amount) VALUES (%s, %s, %s), (%s, %s, %s)",
                    (entry, settlement, amount, entry, acc.ledger_account_id, -amount),
                )
                if journal_only:
                    continue
                conn.execute(
                    "UPDATE youth_accounts SET balance = balance + %s WHERE id = %s",
                    (amount, acc.id),
                )
                conn.execute(
                    "INSERT INTO audit_log (at, user_id, username, action, target, request_id, outcome, detail) "
                    "VALUES (%s, %s, 'officer', 'accounts.deposit', %s, %s, 'ok', %s)",
                    (datetime.now(UTC), 2, f"account:{acc.id}", f"raw-{tag}-{i}", str(amount)),
                )
        return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deposits", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with fresh_pg_database() as url:
        c, w, accounts = setup(url)
        conninfo = url
        with psycopg.connect(conninfo) as conn:
            ids = dict(conn.execute("SELECT code, id FROM ledger_accounts").fetchall())
        # warm-up
        service_round(c, w, accounts, 50, "warm")
        raw_round(conninfo, accounts, ids, 50, "warm")
        rows = []
        for r in range(args.rounds):
            svc = service_round(c, w, accounts, args.deposits, str(r))
            raw = raw_round(conninfo, accounts, ids, args.deposits, str(r))
            journal = raw_round(conninfo, accounts, ids, args.deposits, f"j{r}", journal_only=True)
            rows.append((svc, raw, svc / raw, journal, svc / journal))
        # nothing lost or doubled
        with psycopg.connect(conninfo) as conn:
            n_svc = conn.execute(
                "SELECT count(*) FROM journal_entries WHERE request_id LIKE 'svc-%%'"
            ).fetchone()[0]  # type: ignore[index]
            n_raw = conn.execute(
                "SELECT count(*) FROM journal_entries WHERE request_id LIKE 'raw-%%' "
                "AND request_id NOT LIKE 'raw-j%%'"
            ).fetchone()[0]  # type: ignore[index]
            total = conn.execute("SELECT sum(amount) FROM postings").fetchone()[0]  # type: ignore[index]
            # the journal-only raw path leaves balances alone: compare them without its rows
            mism = conn.execute(
                "SELECT count(*) FROM (SELECT a.id FROM youth_accounts a JOIN postings p "
                "ON p.ledger_account_id = a.ledger_account_id JOIN journal_entries e ON e.id = p.entry_id "
                "WHERE e.request_id NOT LIKE 'raw-j%%' GROUP BY a.id, a.balance "
                "HAVING a.balance <> -sum(p.amount)) x"
            ).fetchone()[0]  # type: ignore[index]
        expected = args.rounds * args.deposits + 50
        assert n_svc == expected and n_raw == expected, (n_svc, n_raw, expected)
        assert total == 0 and mism == 0
        c.dispose()
    lines = [
        "## Deposits through the service layer (PostgreSQL)",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `.venv/bin/python -m bench.deposits --deposits {args.deposits} --rounds {args.rounds}`",
        "",
        "Single client, one commit per deposit, rounds interleaved so that noise hits every path alike.",
        "*Raw same rows* writes exactly what the service writes (journal entry, two postings, the",
        "account balance, the audit line) with hand-written psycopg; *raw journal rows* writes only",
        "the entry and its two postings.",
        "",
        "| round | service /s | raw same rows /s | ratio | raw journal rows /s | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for i, (svc, raw, ratio, journal, jratio) in enumerate(rows, 1):
        lines.append(
            f"| {i} | {svc:,.0f} | {raw:,.0f} | {ratio:.2f} | {journal:,.0f} | {jratio:.2f} |"
        )
    med = statistics.median(r[2] for r in rows)
    jmed = statistics.median(r[4] for r in rows)
    lines += [
        "",
        f"Median ratio service / raw same rows: **{med:.2f}**; service / raw journal rows only: "
        f"**{jmed:.2f}** (target: at least 0.33).",
        "",
        f"Checked after the run: {expected} service and {expected} raw deposits, none lost or doubled; "
        "the ledger sums to zero and every balance equals its postings.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    out = Path(__file__).parent / "results" / "deposits.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
