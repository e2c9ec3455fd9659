"""A finished month-end run back into the database, and its late charges posted exactly once.

* Per partition the results replace that partition's rows (``adapters.batch.store``; on
  PostgreSQL by COPY into a staging table and one set-based replace), so a rerun rewrites
  the same rows and never duplicates them.
* Late charges are posted with the very request ids the loan services use
  (``penalty:{instalment}:{date}`` for housing loans, ``emp-penalty:{instalment}:{date}``
  against ``EMP:{id}:PENALTY`` for employment loans), after moving the instalment's
  ``penalty_accrued`` from the exported value to the new one with a conditional update (the
  instalment must still be exactly as exported). By default a partition's charges are
  posted set-based in one transaction (``store.post_charges``); ``set_based=False`` posts
  them one by one through ``services.ledger.post`` (the reference the tests compare with).
  A charge already posted — by an earlier run, or by the day-end when the business date
  moved — finds either its request id taken or the instalment already moved, and is
  skipped; nothing is ever posted twice.
* Savings profit: each account month's profit not posted yet (``profit_store.due_table``,
  after the account's last posted month) is posted with the day-end's request ids
  ``yf-profit:{account}:{month}`` and the entries ``services.youth_profit.entry_for``
  makes, so neither a rerun nor the day-end can post a month twice. By default set-based
  (``profit_stage`` → ``profit_store.post_profits``: claimed where the id is free and the
  account still open, the balances moved in one update, on PostgreSQL after locking the
  accounts as the day-end's ``accounts.credit`` does); ``set_based=False`` credits them
  one by one through ``accounts.credit``, the reference.
* ``month_end_runs`` gets one row per as-of date with the totals and the digest of the
  Parquet outputs.

Progress is recorded per partition in ``done/NNNNN.db.json`` so a restart resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout, profit_store, store
from tashilat.adapters.batch.runner import Progress, RunError, read_manifest
from tashilat.domain.ledger import transfer
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND as PROFIT_KIND
from tashilat.jobs import Target
from tashilat.services import employment, ledger, youth_profit
from tashilat.services.loans import penalty_code

POST_CHUNK = 500


@dataclass(frozen=True)
class WriteBack:
    accounts: int
    loans: int
    penalties_posted: int
    penalty_posted_rial: int
    penalties_skipped: int
    partitions_skipped: int
    employment_loans: int = 0
    employment_penalties_posted: int = 0
    employment_penalty_posted_rial: int = 0
    employment_penalties_skipped: int = 0
    profits_posted: int = 0
    profit_posted_rial: int = 0


def _post_penalties(
    c: Target,
    run: Path,
    part: int,
    as_of: date,
    *,
    employment_loans: bool = False,
    set_based: bool = True,
) -> tuple[int, int, int]:
    """Post the partition's late charges; returns (posted, rial, skipped). Set-based (one
    transaction of a few statements, ``store.post_charges``) unless ``set_based=False``:
    then one unit of work per chunk and one ``ledger.post`` per charge (the reference the
    set-based path is tested against)."""
    receivable: Callable[[int], str] = penalty_code
    owner = "loan_id"
    if employment_loans:
        owner = "application_id"
        receivable = employment.penalty_code
    if set_based:
        done = store.post_charges(
            c.engine,
            run,
            part,
            as_of,
            receivable=receivable,
            credit=ledger.PENALTY_INCOME,
            employment_loans=employment_loans,
        )
        return done.posted, done.rial, done.skipped
    rows = store.charges(run, part, employment_loans=employment_loans)
    posted = amount = skipped = 0
    for i in range(0, len(rows), POST_CHUNK):
        chunk = rows[i : i + POST_CHUNK]
        uow = c.uow()
        with uow:
            conn = uow.session.connection()
            taken = store.taken_request_ids(conn, (r["request_id"] for r in chunk))
            for r in chunk:
                if r["request_id"] in taken:
                    skipped += 1
                    continue
                if not store.move_charge(conn, r, employment_loans=employment_loans):
                    skipped += 1  # changed since the export (or charged already)
                    continue
                ledger.post(
                    uow,
                    transfer(
                        r["request_id"],
                        "loan.penalty",
                        as_of,
                        debit=receivable(r[owner]),
                        credit=ledger.PENALTY_INCOME,
                        amount=r["increment_rial"],
                        memo="month-end batch",
                    ),
                    user_id=None,
                )
                posted += 1
                amount += r["increment_rial"]
            uow.commit()
    return posted, amount, skipped


def profit_stage(due: pa.Table) -> pa.Table:
    """The staged form (``bulk.PROFIT_STAGE``) of due account-month profits
    (``profit_store.DUE_SCHEMA``): each row the entry ``youth_profit.entry_for`` would
    post — its request id, bank profit expense debited, the account's ``YF:`` account
    credited, the profit's kind, credit day and memo."""
    accounts = due["account_id"].to_pylist()
    months = due["month"].to_pylist()
    n = due.num_rows
    return pa.table(
        {
            "request_id": pa.array(
                [youth_profit.request_id(a, m) for a, m in zip(accounts, months, strict=True)],
                pa.string(),
            ),
            "debit_code": pa.array([ledger.SAVINGS_PROFIT_EXPENSE] * n, pa.string()),
            "credit_code": pa.array(
                [youth_profit.account_code(x) for x in due["number"].to_pylist()], pa.string()
            ),
            "amount": due["profit_rial"],
            "account_id": due["account_id"],
            "kind": pa.array([PROFIT_KIND] * n, pa.string()),
            "business_date": due["credited_on"],
            "memo": pa.array([youth_profit.memo(m) for m in months], pa.string()),
        }
    )


def _post_profits(
    c: Target,
    run: Path,
    part: int,
    *,
    set_based: bool = True,
    last_posted: profit_store.Posted | None = None,
) -> tuple[int, int]:
    """Post the partition's savings profit not posted yet; returns (entries, rial).
    Set-based (one transaction, ``profit_store.post_profits``) unless ``set_based=False``:
    then one unit of work per chunk and one ``accounts.credit`` per account month (the
    reference the set-based path is tested against). Either way an account closed since
    the export gets nothing, and a month whose request id is taken is skipped."""
    if set_based:
        done = profit_store.post_profits(
            c.engine, profit_stage(profit_store.due_table(c.engine, run, part, last_posted))
        )
        return done.posted, done.rial
    due = profit_store.due_profits(c.engine, run, part)
    posted = amount = 0
    for i in range(0, len(due), POST_CHUNK):
        chunk = due[i : i + POST_CHUNK]
        uow = c.uow()
        with uow:
            conn = uow.session.connection()
            ids = {youth_profit.request_id(d.account_id, d.month): d for d in chunk}
            taken = store.taken_request_ids(conn, ids)
            for rid, d in ids.items():
                if rid in taken:
                    continue
                entry = youth_profit.entry_for(
                    d.account_id, d.number, d.month, d.credited_on, d.profit_rial
                )
                credited = uow.accounts.credit(account_id=d.account_id, entry=entry, user_id=None)
                if credited is not None:  # None: the account closed since the export
                    posted += 1
                    amount += d.profit_rial
            uow.commit()
    return posted, amount


def _each(
    fn: Callable[[int], dict[str, Any]], parts: list[int], workers: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``fn`` of each partition, the first alone, the rest on ``workers`` threads (each
    waits on its database connection, outside the GIL); in partition order."""
    if not parts:
        return
    yield parts[0], fn(parts[0])
    if workers <= 1:
        for part in parts[1:]:
            yield part, fn(part)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from zip(parts[1:], pool.map(fn, parts[1:]), strict=True)


def write_back(
    c: Target,
    run: Path,
    *,
    post_penalties: bool = True,
    progress: Progress | None = None,
    set_based: bool = True,
    connections: int = 2,
) -> WriteBack:
    """Write a finished run's results into ``c``'s database and post its late charges and
    savings profit, partitions on ``connections`` connections (PostgreSQL; one on SQLite)."""
    manifest = read_manifest(run)
    if not (run / "summary.json").exists():
        raise RunError(
            "batch.unfinished",
            "این اجرا هنوز کامل نشده است.",
            "This run has unfinished partitions; run it again first.",
        )
    if manifest["policy_hash"] != c.policy.hash:
        raise RunError(
            "batch.policy_changed",
            "سیاست‌ها پس از این اجرا تغییر کرده است.",
            "The policy differs from the one the run used.",
        )
    as_of = date.fromisoformat(manifest["as_of"])
    target = store.database_label(c.engine)
    n = int(manifest["partitions"])
    n_acc = n_loans = posted = rial = skipped = parts_skipped = 0
    profits = profit_rial = 0
    todo: list[int] = []
    done: dict[int, dict[str, Any]] = {}
    for part in range(n):
        rec = layout.try_read_json(run / "done" / f"{part:05d}.db.json")
        if rec and rec.get("database") == target:
            done[part] = rec
            parts_skipped += 1
        else:
            todo.append(part)
    # every account's last posted profit month, once for the run (a day-end posting a
    # month meanwhile is found by the claim: its request id is taken)
    last_posted = (
        profit_store.posted_months(c.engine, youth_profit.PREFIX)
        if todo and post_penalties and set_based
        else None
    )

    def one(part: int) -> dict[str, Any]:
        a, ln = store.write_results(c.engine, run, part, as_of)
        p, r, s = (
            _post_penalties(c, run, part, as_of, set_based=set_based)
            if post_penalties
            else (0, 0, 0)
        )
        pp, pr = (
            _post_profits(c, run, part, set_based=set_based, last_posted=last_posted)
            if post_penalties
            else (0, 0)
        )
        rec = {
            "database": target,
            "accounts": a,
            "loans": ln,
            "posted": p,
            "posted_rial": r,
            "skipped": s,
            "profits_posted": pp,
            "profit_posted_rial": pr,
        }
        layout.write_json(run / "done" / f"{part:05d}.db.json", rec)
        return rec

    # the first partition alone (it creates the ledger accounts every partition shares),
    # then the others on ``connections`` connections: partitions hold disjoint accounts and
    # loans, so their transactions never wait on each other's rows
    parallel = connections if c.engine.dialect.name == "postgresql" else 1
    for part, rec in _each(one, todo, parallel):
        done[part] = rec
        if progress:
            progress(part, rec)
    for rec in done.values():
        n_acc += rec["accounts"]
        n_loans += rec["loans"]
        posted += rec["posted"]
        rial += rec["posted_rial"]
        skipped += rec["skipped"]
        profits += rec.get("profits_posted", 0)
        profit_rial += rec.get("profit_posted_rial", 0)
    n_emp = int(manifest.get("employment_partitions") or 0)
    e_loans = e_posted = e_rial = e_skipped = 0
    for part in range(n_emp):
        marker = run / "done" / f"emp-{part:05d}.db.json"
        rec = layout.try_read_json(marker)
        if not (rec and rec.get("database") == target):
            ln = store.write_employment(c.engine, run, part, as_of)
            p, r, s = (
                _post_penalties(c, run, part, as_of, employment_loans=True, set_based=set_based)
                if post_penalties
                else (0, 0, 0)
            )
            rec = {"database": target, "loans": ln, "posted": p, "posted_rial": r, "skipped": s}
            layout.write_json(marker, rec)
            if progress:
                progress(part, rec)
        else:
            parts_skipped += 1
        e_loans += rec["loans"]
        e_posted += rec["posted"]
        e_rial += rec["posted_rial"]
        e_skipped += rec["skipped"]
    summary = layout.read_json(run / "summary.json")["totals"]
    store.record_run(
        c.engine,
        {
            "as_of": as_of,
            "policy_hash": manifest["policy_hash"],
            "accounts": summary["accounts"],
            "eligible": summary["eligible"],
            "entitlement_rial": summary["entitlement_rial"],
            "loans": summary["loans"],
            "overdue_rial": summary["overdue_rial"],
            "penalties_posted": posted,
            "penalty_posted_rial": rial,
            "output_digest": store.digest(run, n, n_emp, bool(manifest.get("statistics"))),
            "finished_at": datetime.now(UTC),
            "employment_loans": summary.get("employment_loans", 0),
            "employment_overdue_rial": summary.get("employment_overdue_rial", 0),
            "employment_penalties_posted": e_posted,
            "employment_penalty_posted_rial": e_rial,
        },
    )
    return WriteBack(
        n_acc,
        n_loans,
        posted,
        rial,
        skipped,
        parts_skipped,
        employment_loans=e_loans,
        employment_penalties_posted=e_posted,
        employment_penalty_posted_rial=e_rial,
        employment_penalties_skipped=e_skipped,
        profits_posted=profits,
        profit_posted_rial=profit_rial,
    )
