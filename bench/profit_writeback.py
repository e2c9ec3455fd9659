"""The month-end write-back before and after a change, on PostgreSQL, on the same book.

    .venv/bin/python -m bench.profit_writeback --accounts 5000 --before-src ../tashilat-before/src
    .venv/bin/python -m bench.profit_writeback --accounts 20000 --before-src … --after-only

One synthetic book (``batch generate``, seeded; cohorts 1397–1403 as of 1404/01/01, no
savings profit posted yet, so every completed account month's profit is due) is loaded,
exported and computed once; then two copies of the database (``CREATE DATABASE … TEMPLATE``)
and of the run directory get the write-back, each timed in a fresh process: one with the
package from ``--before-src`` first on ``PYTHONPATH``, one with this checkout's. Printed per
side: the write-back's seconds, what it posted, accounts whose balance differs from their
ledger postings (0 expected) and the ledger's total (0 expected); and whether the two
databases end with the same entries, postings and balances. Nothing is written to
``bench/results``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from bench.common import ADMIN_URL

AS_OF = "1404/01/01"
SAME = (
    "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (SELECT j.request_id || '|' || j.kind "
    "|| '|' || j.business_date || '|' || j.memo || '|' || la.code || '|' || p.amount AS x "
    "FROM postings p JOIN journal_entries j ON j.id = p.entry_id JOIN ledger_accounts la "
    "ON la.id = p.ledger_account_id) s",
    "SELECT md5(string_agg(id || ':' || balance || ':' || status, ',' ORDER BY id)) "
    "FROM youth_accounts",
)


def _url(name: str) -> str:
    return f"{ADMIN_URL.rpartition('/')[0]}/{name}"


def prepare(accounts: int, workdir: Path, name: str) -> Path:
    from tashilat.adapters.batch import export, generate, generate_load, runner
    from tashilat.bootstrap import build, init_database
    from tashilat.domain.jalali import parse_jalali
    from tashilat.settings import Settings

    as_of = parse_jalali(AS_OF)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    c = build(Settings(database_url=_url(name)))
    init_database(c, business_date=as_of)
    spec = generate.Spec(accounts=accounts, as_of=as_of, seed=7)
    # setup, not measured: the per-row balance trigger and foreign keys off for the load
    fast = _url(name) + "?options=-c%20session_replication_role%3Dreplica"
    generate_load.load_database(spec, c.policy, fast)
    with psycopg.connect(_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    run = workdir / "run"
    shutil.rmtree(run, ignore_errors=True)
    export.export(c.engine, run, as_of=as_of, policy=c.policy, connections=2)
    assert runner.run_partitions(run, c.policy).complete
    c.dispose()
    return run


def timed(url: str, run: Path) -> dict[str, Any]:
    """One write-back in this process (the child side)."""
    from sqlalchemy import text

    import tashilat
    from tashilat.bootstrap import build
    from tashilat.jobs import writeback
    from tashilat.settings import Settings

    c = build(Settings(database_url=url))
    t = time.perf_counter()
    wb = writeback.write_back(c, run)
    took = time.perf_counter() - t
    with c.engine.connect() as conn:
        off = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT a.id FROM youth_accounts a LEFT JOIN postings p "
                "ON p.ledger_account_id = a.ledger_account_id GROUP BY a.id, a.balance "
                "HAVING a.balance <> COALESCE(-SUM(p.amount), 0)) x"
            )
        ).scalar_one()
        total = conn.execute(text("SELECT COALESCE(SUM(amount), 0) FROM postings")).scalar_one()
    c.dispose()
    return {
        "package": str(Path(tashilat.__file__).parent),
        "write_back_s": round(took, 2),
        "profits_posted": wb.profits_posted,
        "profit_posted_rial": wb.profit_posted_rial,
        "penalties_posted": wb.penalties_posted,
        "accounts_off_ledger": int(off),
        "ledger_total": int(total),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--before-src", type=Path, required=True, help="the 'before' src/ tree")
    ap.add_argument("--workdir", type=Path, default=Path("var/bench/profit_writeback"))
    ap.add_argument("--after-only", action="store_true", help="time this checkout only")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(timed(args.child[0], Path(args.child[1]))))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    base = f"tashilat_bench_{uuid.uuid4().hex[:10]}"
    names = [base]
    try:
        run = prepare(args.accounts, args.workdir, base)
        out: dict[str, Any] = {"accounts": args.accounts, "load": os.getloadavg()[0]}
        here = Path(__file__).resolve().parents[1] / "src"
        sides = [("before", args.before_src.resolve()), ("after", here)]
        for side, src in sides[1:] if args.after_only else sides:
            name = f"{base}_{side}"
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
            names.append(name)
            side_run = args.workdir / side
            shutil.rmtree(side_run, ignore_errors=True)
            shutil.copytree(run, side_run)
            env = {**os.environ, "PYTHONPATH": f"{src}:{Path(__file__).resolve().parents[1]}"}
            child = subprocess.run(
                [
                    sys.executable,
                    *("-m", "bench.profit_writeback", "--before-src", str(src)),
                    *("--child", _url(name), str(side_run)),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            out[side] = json.loads(child.stdout.strip().splitlines()[-1])
            print(side, out[side], flush=True)
        if not args.after_only:
            digests = []
            for name in names[1:]:
                with psycopg.connect(_url(name)) as conn:
                    digests.append([conn.execute(q).fetchone() for q in SAME])
            out["same_entries_postings_balances"] = digests[0] == digests[1]
        print(json.dumps(out))
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
