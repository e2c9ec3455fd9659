"""Introductions per second on PostgreSQL with 16 concurrent clients competing for one
allocation, with zero over-allocation.

Every client is its own process with its own database connection (no shared interpreter
lock between them) running the introduction use case (rules,
slot reservation, conditional update of the allocation, audit, commit). The allocation
fits three quarters of the applications, so the last quarter are refused by the database
while the others succeed. The baseline in the same run: 16 raw psycopg clients doing only
the allocation's conditional update and a commit — the least any introduction must do.

    .venv/bin/python -m bench.introductions [--applications 3000] [--clients 16]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from bench.common import fresh_pg_database, machine
from tashilat.adapters.db.models import Allocation, EmploymentApplication
from tashilat.bootstrap import build, init_database
from tashilat.domain.errors import TashilatError
from tashilat.domain.jalali import parse_jalali
from tashilat.services import employment
from tashilat.settings import Settings

AMOUNT = 1_000_000_000


def _client(args: tuple[str, str, list[int], int, object]) -> tuple[int, int]:
    """One client process: its own engine and connection; waits at the start barrier."""
    kind, url, items, alloc_id, barrier = args
    refused = 0
    if kind == "service":
        from tests.integration.helpers import actor_of

        c = build(Settings(database_url=url))
        actor = actor_of(c, "agency1")
        c.uow().__enter__().session.execute(select(1))  # connect before the start
        barrier.wait()  # type: ignore[attr-defined]
        for app_id in items:
            try:
                employment.introduce(c.uow(), actor, c.policy, app_id=app_id, bank_code="B1")
            except TashilatError:
                refused += 1
        c.dispose()
    else:
        with psycopg.connect(url) as conn:
            barrier.wait()  # type: ignore[attr-defined]
            for _ in items:
                conn.execute(
                    "UPDATE allocations SET reserved = reserved + %s WHERE id = %s AND "
                    "reserved + posted + %s <= amount",
                    (AMOUNT, alloc_id, AMOUNT),
                )
                conn.commit()
    return len(items), refused


def run(
    kind: str, url: str, clients: int, items: list[int], alloc_id: int = 0
) -> tuple[float, int]:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(clients + 1)
        with ctx.Pool(clients) as pool:
            res = pool.map_async(
                _client,
                [(kind, url, items[k::clients], alloc_id, barrier) for k in range(clients)],
                chunksize=1,
            )
            barrier.wait()
            t0 = time.perf_counter()
            out = res.get()
            elapsed = time.perf_counter() - t0
    return sum(n for n, _ in out) / elapsed, sum(r for _, r in out)


def main() -> None:
    from tests.integration.employment_helpers import emp_world, national_id

    ap = argparse.ArgumentParser()
    ap.add_argument("--applications", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=16)
    args = ap.parse_args()
    n, k = args.applications, args.clients
    fits = n * 3 // 4
    with fresh_pg_database() as url:
        c = build(Settings(database_url=url))
        c.engine.pool._pool.maxsize = k + 4  # type: ignore[attr-defined]
        init_database(c, business_date=parse_jalali("1403/01/15"))
        ew = emp_world(c, allocation=fits * AMOUNT)
        ids = [
            employment.submit(
                c.uow(),
                ew.agency,
                c.policy,
                national_id=national_id(10_000 + i),
                name="x",
                province="تهران",
                agency_code="A1",
                amount=AMOUNT,
                jobs=1,
            )[0].id
            for i in range(n)
        ]
        c.dispose()
        rate, refused = run("service", url, k, ids)
        uow = c.uow()
        with uow:
            a = uow.session.scalar(select(Allocation).where(Allocation.agency_id == 1))
            assert a is not None
            introduced = uow.session.scalar(
                select(func.count())
                .select_from(EmploymentApplication)
                .where(EmploymentApplication.state == "introduced")
            )
            assert a.reserved == fits * AMOUNT == introduced * AMOUNT and a.reserved <= a.amount
            alloc_id = a.id
        c.dispose()
        # baseline: the bare conditional update of the same row by k raw client processes
        with psycopg.connect(url) as conn0:
            conn0.execute(
                "UPDATE allocations SET amount = amount + %s WHERE id = %s", (n * AMOUNT, alloc_id)
            )
        base, _ = run("raw", url, k, list(range(n)), alloc_id)
    lines = [
        "## Employment-loan introductions under contention (PostgreSQL)",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `.venv/bin/python -m bench.introductions --applications {n} --clients {k}`",
        "",
        f"{k} concurrent client processes (one connection each) introduce {n:,} applications of "
        f"{AMOUNT:,} rial against one allocation that fits {fits:,}. Each introduction runs the "
        "whole use case: the rules, the person's loan-slot reservation, the conditional update of the "
        "allocation under its CHECK constraints, the application's state, the audit line, the commit.",
        "",
        "| path | per second |",
        "|---|---:|",
        f"| introductions (service, {fits:,} reserved + {refused:,} refused by the database) | {rate:,.0f} |",
        f"| baseline: bare conditional update + commit of the same row, {k} raw client processes | {base:,.0f} |",
        "",
        f"Introductions: **{rate:,.0f}/s** (target ≥ 500/s), {rate / base:.2f} of the bare-update baseline. "
        f"Over-allocation: **none** — reserved = {fits:,} × {AMOUNT:,} = the allocation, checked after the run.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    out = Path(__file__).parent / "results" / "introductions.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
