"""Fund forecast benchmark: regenerates bench/results/forecast.md.

    .venv/bin/python -m bench.forecast                         # 1,000,000 accounts, 10 years
    .venv/bin/python -m bench.forecast --accounts 100000 --naive-sample 100   # a quick look

In one run, on the same synthetic data (``tashilat batch generate``, seeded, as of
1404/01/01), one process, one core:

(a) one month-end over the accounts (``run_partitions``: read Parquet, compute, write
    Parquet) — the floor every ratio is measured against;
(b) the forecast of the baseline alone, and of the baseline with two variants (every cap
    × 125%, and a fourth waiting year for the 1403 cohort on), 10 projected years, reading
    every partition once and projecting it under each scenario (variants that project the
    same deposits share the baseline's pass over the months);
(c) the per-account domain rule: for a random sample of accounts, the same projection in
    plain Python (history to Python objects, projected deposits as ``rules.Event``s, one
    ``rules.entitlement`` at the end of the horizon), extrapolated to every account and
    scenario.

Each measurement runs in a fresh interpreter (its own peak memory). Generated input is kept
under --workdir and reused (generation is not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import machine
from bench.month_end import _rss_mb

AS_OF = "1404/01/01"
RESULTS = Path(__file__).parent / "results" / "forecast.md"


def _scenarios(variants: bool) -> list[Any]:
    from tashilat.jobs import forecast as job
    from tashilat.policy import default_policy
    from tashilat.policy.overlay import parse_overlay, snapshot_with

    out = [job.Scenario("baseline", default_policy())]
    if variants:
        four = parse_overlay(
            {
                "name": "a fourth waiting year",
                "parameters": {
                    "youth_fund.min_wait_years": {
                        "values": [
                            {
                                "since": "1403/01/01",
                                "value": 4,
                                "status": "illustrative",
                                "note": "bench",
                                "note_fa": "بنچ",
                            }
                        ]
                    }
                },
            }
        )
        out += [job.caps_variant(125), job.Scenario(four.name, snapshot_with([four]))]
    return out


def measure_month_end(run: Path) -> dict[str, Any]:
    from tashilat.adapters.batch.runner import run_partitions, tune_allocator
    from tashilat.policy import default_policy

    tune_allocator()
    for sub in ("output", "done"):
        shutil.rmtree(run / sub, ignore_errors=True)
    (run / "summary.json").unlink(missing_ok=True)
    t = time.perf_counter()
    run_partitions(run, default_policy())
    return {"seconds": time.perf_counter() - t, "rss_mb": _rss_mb()}


def measure_forecast(run: Path, years: int, variants: bool) -> dict[str, Any]:
    from tashilat.adapters.batch.runner import read_manifest, tune_allocator
    from tashilat.domain.jalali import parse_jalali
    from tashilat.jobs import forecast as job

    tune_allocator()
    scenarios = _scenarios(variants)
    manifest = read_manifest(run)
    t = time.perf_counter()
    f = job.run_forecast(
        as_of=parse_jalali(AS_OF), years=years, run=run, manifest=manifest, scenarios=scenarios
    )
    seconds = time.perf_counter() - t
    doc = job.as_json(f)
    return {
        "seconds": seconds,
        "rss_mb": _rss_mb(),
        "scenarios": len(scenarios),
        "disbursements_rial": sum(y["disbursements_rial"] for y in doc["years"]),
        "variant_disbursements_rial": [
            sum(y["disbursements_rial"] for y in v["years"]) for v in doc["variants"]
        ],
    }


def measure_naive(run: Path, years: int, sample: int) -> dict[str, Any]:
    """The per-account path on a random sample: rows to Python, the projection in Python,
    the domain rule once per account at the end of the horizon."""
    import numpy as np
    import pyarrow.parquet as pq

    from tashilat.adapters.batch import layout
    from tashilat.adapters.batch.forecast import BEHAVIOUR_SALT, REPEAT, TABLE, draw
    from tashilat.adapters.batch.runner import read_manifest
    from tashilat.domain.jalali import account_month_start, add_months, start_of_year
    from tashilat.domain.programs.youth_fund import rules
    from tashilat.jobs import forecast as job
    from tashilat.policy import default_policy

    policy = default_policy()
    manifest = read_manifest(run)
    as_of = date.fromisoformat(manifest["as_of"])
    b = job.behaviour(policy, as_of)
    y0 = int(manifest.get("as_of_jalali", AS_OF)[:4])
    horizon = start_of_year(y0 + years)
    window = add_months(as_of, -12)
    n_parts = int(manifest["partitions"])
    rng = random.Random(1)
    picks: dict[int, list[int]] = {}
    for _ in range(sample):
        picks.setdefault(rng.randrange(n_parts), []).append(rng.randrange(1 << 30))
    seconds, done = 0.0, 0
    for part, seeds in sorted(picks.items()):
        acc = pq.read_table(layout.input_path(run, "accounts", part))
        ev = pq.read_table(layout.input_path(run, "events", part))
        counts = acc["n_events"].to_pylist()
        offsets = [0]
        for c in counts:
            offsets.append(offsets[-1] + c)
        for s in seeds:
            i = s % len(counts)
            t = time.perf_counter()
            a = acc.slice(i, 1).to_pylist()[0]
            rows = ev.slice(offsets[i], counts[i]).to_pylist()
            events = [rules.Event(e["on"], e["amount"]) for e in rows if e["on"] < as_of]
            terms = rules.cohort_terms(policy, a["opened_on"])
            beh = int(draw(np.array([a["account_id"]], dtype=np.int64), BEHAVIOUR_SALT)[0])
            kind = REPEAT if beh < b.repeat_bp else TABLE if beh < b.repeat_bp + b.table_bp else 2
            monthly = max(sum(e.amount for e in events if e.on >= window), 0) // 12
            k = 1
            while True:
                day = account_month_start(a["opened_on"], k)
                if day >= horizon:
                    break
                if day >= as_of and kind != 2:
                    amount = terms.deposit_for_year((k - 1) // 12 + 1) if kind == TABLE else monthly
                    if amount:
                        events.append(rules.Event(day, amount))
                k += 1
            rules.entitlement(
                policy, opened_on=a["opened_on"], tier=a["tier"], events=events, as_of=horizon
            )
            seconds += time.perf_counter() - t
            done += 1
    return {"seconds": seconds, "accounts": done, "rss_mb": _rss_mb()}


def child(kind: str, run: Path, *args: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.forecast", "--child", kind, str(run), *map(str, args)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--naive-sample", type=int, default=300)
    ap.add_argument("--workdir", default="var/bench/forecast")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, run, rest = args.child[0], Path(args.child[1]), [int(x) for x in args.child[2:]]
        fn = {
            "month_end": lambda: measure_month_end(run),
            "forecast": lambda: measure_forecast(run, rest[0], bool(rest[1])),
            "naive": lambda: measure_naive(run, rest[0], rest[1]),
        }[kind]
        print(json.dumps(fn()))
        return

    from tashilat.adapters.batch.generate import Spec, write_partitions
    from tashilat.domain.jalali import parse_jalali
    from tashilat.policy import default_policy

    n, years = args.accounts, args.years
    run = Path(args.workdir) / f"n{n}"
    load = os.getloadavg()
    t = time.perf_counter()
    m = write_partitions(Spec(accounts=n, as_of=parse_jalali(AS_OF)), default_policy(), run)
    print(f"input {n:,}: {m.get('events', 0):,} movements ({time.perf_counter() - t:.1f} s)")
    me = child("month_end", run)
    print(f"month-end: {me['seconds']:.1f} s", flush=True)
    base = child("forecast", run, years, 0)
    print(f"forecast baseline: {base['seconds']:.1f} s", flush=True)
    three = child("forecast", run, years, 1)
    print(f"forecast baseline + 2 variants: {three['seconds']:.1f} s", flush=True)
    naive = child("naive", run, years, args.naive_sample)
    per = naive["seconds"] / naive["accounts"]
    extrapolated = per * n * 3
    print(f"domain rule: {per * 1000:.1f} ms/account → {extrapolated:,.0f} s for 3 scenarios")
    per_scenario = three["seconds"] / 3
    marginal = (three["seconds"] - base["seconds"]) / 2
    lines = [
        "# Fund forecast benchmark",
        "",
        f"Generated by `.venv/bin/python -m bench.forecast --accounts {n} --years {years} "
        f"--naive-sample {args.naive_sample}`.",
        "",
        f"Machine: {machine()}; load average at start {load[0]:.2f} (a shared machine: the "
        "figures are one run, and ratios within it are what to read).",
        f"Input: {n:,} accounts, {m.get('events', 0):,} movements, as of {AS_OF}; "
        f"{years} projected Jalali years; one process, one core (`--engine local`).",
        "",
        "| measurement | seconds | × one month-end | peak RSS (MB) |",
        "|---|---:|---:|---:|",
        f"| (a) one month-end (read, compute, write Parquet) | {me['seconds']:.1f} | 1.00 | "
        f"{me['rss_mb']:.0f} |",
        f"| (b) forecast, baseline only | {base['seconds']:.1f} | "
        f"{base['seconds'] / me['seconds']:.2f} | {base['rss_mb']:.0f} |",
        f"| (b) forecast, baseline + 2 variants | {three['seconds']:.1f} | "
        f"{three['seconds'] / me['seconds']:.2f} | {three['rss_mb']:.0f} |",
        f"| (b) … per scenario | {per_scenario:.1f} | {per_scenario / me['seconds']:.2f} | |",
        f"| (b) … each variant beyond the baseline (marginal) | {marginal:.1f} | "
        f"{marginal / me['seconds']:.2f} | |",
        f"| (c) domain rule per account, 3 scenarios (extrapolated from "
        f"{naive['accounts']} accounts) | {extrapolated:,.0f} | "
        f"{extrapolated / me['seconds']:,.0f} | {naive['rss_mb']:.0f} |",
        "",
        f"The vectorised forecast of three scenarios is {extrapolated / three['seconds']:,.0f}× "
        "faster than the per-account domain rule. Variants: every cap × 125%; a fourth "
        "waiting year from the 1403 cohort. Baseline disbursements over the horizon: "
        f"{base['disbursements_rial']:,} rial; variants: "
        + ", ".join(f"{x:,}" for x in three["variant_disbursements_rial"])
        + " rial.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
