"""What the savings profit costs the month-end kernel.

Generated partitions (seeded, the batch's own generator) go through
``kernel.account_month_end`` twice per round, interleaved: as shipped (each completed
account month's profit), and with the profit step replaced by one that returns zeros (the
floor: the same kernel without profit). The ratio floor / with profit is the share of the
kernel's time that is not profit.

.venv/bin/python -m bench.savings_profit [--accounts 65536] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import machine
from tashilat.adapters.batch import generate, kernel, runner
from tashilat.domain.jalali import parse_jalali
from tashilat.policy import default_policy

OUT = Path(__file__).resolve().parent / "results" / "savings_profit.md"


def _no_profit(low: Any, goff: Any, months: Any, *args: Any, **kw: Any) -> Any:
    return np.zeros(len(low), dtype=np.int64), np.zeros(len(months), dtype=np.int64), None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=65536)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    policy = default_policy()
    as_of = parse_jalali("1404/01/01")
    spec = generate.Spec(accounts=args.accounts, as_of=as_of)
    run = Path(tempfile.mkdtemp(prefix="tashilat-profit-bench-"))
    try:
        generate.write_partitions(spec, policy, run)
        ctx = runner.context_for(runner.read_manifest(run), policy)
        parts = [runner.read_accounts(run, p) for p in range(spec.partitions)]
        months = sum(int(kernel.account_month_end(a, ctx).completed_months.sum()) for a in parts)
        real = kernel.month_profits
        rows = []
        for r in range(1, args.rounds + 1):
            times = {}
            for name, fn in (("with", real), ("floor", _no_profit)):
                kernel.month_profits = fn  # type: ignore[assignment]
                t = time.perf_counter()
                for a in parts:
                    kernel.account_month_end(a, ctx)
                times[name] = time.perf_counter() - t
            kernel.month_profits = real
            rows.append((r, times["with"], times["floor"], times["floor"] / times["with"]))
    finally:
        kernel.month_profits = real
        shutil.rmtree(run, ignore_errors=True)
    median = statistics.median(x[3] for x in rows)
    lines = [
        "## Savings profit in the month-end kernel",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `.venv/bin/python -m bench.savings_profit --accounts {args.accounts} "
        f"--rounds {args.rounds}`",
        "",
        f"{args.accounts:,} generated accounts ({spec.partitions} partitions, "
        f"{months:,} completed account-months, as of 1404/01/01) through "
        "`kernel.account_month_end`, rounds interleaved: with each account month's savings "
        "profit (as shipped), and the floor, the same kernel with the profit step returning "
        "zeros.",
        "",
        "| round | with profit (s) | floor (s) | floor / with profit |",
        "|---|---:|---:|---:|",
        *(f"| {r} | {w:.3f} | {f:.3f} | {q:.2f} |" for r, w, f, q in rows),
        "",
        f"Median floor / with profit: **{median:.2f}** (target: at least 0.75, i.e. profit "
        "adds at most a third to the kernel).",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
