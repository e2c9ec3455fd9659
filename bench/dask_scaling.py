"""The month-end on Dask: two local workers against one, in the same run.

    .venv/bin/python -m bench.dask_scaling                       # 2,000,000 accounts, 5 rounds
    .venv/bin/python -m bench.dask_scaling --accounts 200000 --rounds 3   # a quick look

The input is the month-end benchmark's (``bench.month_end.ensure_input``: seeded synthetic
partitions of 16,384 accounts, kept under --workdir and reused; generation is not timed).
Each round runs, each in a fresh interpreter and in this order, the partition phase
(``run_partitions``: every partition read from its Parquet files, computed and written to
its five Parquet outputs, then ``summary.json``) on

* a Dask ``LocalCluster`` of one worker process (one thread),
* a Dask ``LocalCluster`` of two worker processes (one thread each),
* the local engine (one process, no Dask) as the reference.

For the Dask runs the cluster is started first (``runner.dask_client``: scheduler, worker
processes, workers warmed) and timed apart from the run, as a cluster that is already up
would serve a month-end. Every run's ``summary.json`` (every output file's SHA-256) must be
the same bytes as the others', or the benchmark stops. The ratio that counts is one
worker's time over two workers', per round; the section gives the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import machine
from bench.month_end import AS_OF, _rss_mb, ensure_input, measure_batch

RESULTS = Path(__file__).parent / "results" / "dask_scaling.md"
TARGET = 1.6


def _clear(run: Path) -> None:
    for sub in ("output", "done"):
        shutil.rmtree(run / sub, ignore_errors=True)
    (run / "summary.json").unlink(missing_ok=True)


def _cpu_seconds() -> float:
    """This process's CPU time so far (user + system)."""
    t = os.times()
    return t.user + t.system


def measure_dask(run: Path, workers: int) -> dict[str, Any]:
    """Start a local cluster of ``workers`` processes, then time the partition phase on it."""
    from tashilat.adapters.batch.runner import dask_client, run_partitions
    from tashilat.policy import default_policy

    policy = default_policy()
    _clear(run)
    t = time.perf_counter()
    with dask_client(None, workers) as client:
        startup = time.perf_counter() - t
        cpu = client.run(_cpu_seconds)
        t = time.perf_counter()
        result = run_partitions(run, policy, engine="dask", client=client)
        seconds = time.perf_counter() - t
        cpu_after = client.run(_cpu_seconds)
        worker_rss = client.run(_rss_mb)
        n = len(client.scheduler_info()["workers"])
    if n != workers:
        raise SystemExit(f"expected {workers} workers, the cluster had {n}")
    return {
        "seconds": seconds,
        "startup": startup,
        "worker_cpu": sum(cpu_after.values()) - sum(cpu.values()),
        "rss_mb": _rss_mb(),
        "worker_rss_mb": max(worker_rss.values()),
        "totals": result.totals,
        "summary": (run / "summary.json").read_text(encoding="utf-8"),
    }


def measure_local(run: Path) -> dict[str, Any]:
    out = measure_batch(run)  # clears the outputs itself
    out["summary"] = (run / "summary.json").read_text(encoding="utf-8")
    return out


def child(kind: str, run: Path, workers: int = 0) -> dict[str, Any]:
    """One measurement in a fresh interpreter (its own memory, no state from the last)."""
    cmd = [sys.executable, "-m", "bench.dask_scaling", "--child", kind, str(run), str(workers)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"{kind} {workers}: exit {res.returncode}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _med(values: list[float]) -> float:
    return float(statistics.median(values))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default="var/bench/month_end")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, run, workers = args.child[0], Path(args.child[1]), int(args.child[2])
        out = measure_dask(run, workers) if kind == "dask" else measure_local(run)
        print(json.dumps(out))
        return

    run = ensure_input(Path(args.workdir), args.accounts)
    partitions = int(json.loads((run / "manifest.json").read_text())["partitions"])
    load = os.getloadavg()
    rows: list[dict[str, Any]] = []
    summary: str | None = None
    for r in range(1, args.rounds + 1):
        row: dict[str, Any] = {"round": r, "load": os.getloadavg()[0]}
        for name, kind, workers in (("one", "dask", 1), ("two", "dask", 2), ("local", "local", 0)):
            m = child(kind, run, workers)
            if summary is None:
                summary = m["summary"]
            elif m["summary"] != summary:
                raise SystemExit(f"round {r}, {name}: summary.json differs from the first run's")
            row[name] = m
        row["ratio"] = row["one"]["seconds"] / row["two"]["seconds"]
        print(
            f"round {r}: 1 worker {row['one']['seconds']:.2f} s "
            f"(start {row['one']['startup']:.2f} s), 2 workers {row['two']['seconds']:.2f} s "
            f"(start {row['two']['startup']:.2f} s), local {row['local']['seconds']:.2f} s, "
            f"1/2 = {row['ratio']:.2f}",
            flush=True,
        )
        rows.append(row)
    load_after = os.getloadavg()

    def med(name: str, key: str = "seconds") -> float:
        return _med([row[name][key] for row in rows])

    def best(name: str) -> float:
        return float(min(row[name]["seconds"] for row in rows))

    ratio = _med([row["ratio"] for row in rows])
    totals = rows[0]["local"]["totals"]
    command = "`.venv/bin/python -m bench.dask_scaling"
    if args.accounts != 2_000_000:
        command += f" --accounts {args.accounts}"
    command += f" --rounds {args.rounds}`"
    verdict = "meets" if ratio >= TARGET else "**misses**"
    lines = [
        "## Month-end batch on Dask: two local workers against one",
        "",
        f"Machine: {machine()}. Load average before/after the run: {load[0]:.1f} / "
        f"{load_after[0]:.1f} (the machine is shared; two workers can only gain what the "
        "second core is free to give).",
        "",
        f"Command: {command} (input kept in `{args.workdir}`).",
        "",
        f"{args.accounts:,} generated accounts as of {AS_OF} ({totals['events']:,} movements, "
        f"{totals['months']:,} account-months, {totals['loans']:,} loans) in {partitions} "
        "partitions of 16,384 accounts. Timed: the partition phase (every partition read "
        "from its Parquet input by the task itself, computed, written to its five Parquet "
        "outputs, then `summary.json`), each run in a fresh process; the Dask cluster "
        "(`LocalCluster`, worker processes with one thread each) is started and its workers "
        "warmed before the clock starts, and that start-up is given apart. Rounds "
        "interleaved: one worker, two workers, local engine. Every run wrote the same "
        "`summary.json` (the SHA-256 of every output file).",
        "",
        "| round | load before | 1 worker | 2 workers | local engine | 1 worker / 2 workers "
        "| start-up 1 / 2 workers | workers' CPU 1 / 2 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['round']} | {row['load']:.1f} | {row['one']['seconds']:.2f} s "
            f"| {row['two']['seconds']:.2f} s "
            f"| {row['local']['seconds']:.2f} s | {row['ratio']:.2f}× | "
            f"{row['one']['startup']:.2f} s / {row['two']['startup']:.2f} s | "
            f"{row['one']['worker_cpu']:.2f} s / {row['two']['worker_cpu']:.2f} s |"
        )
    lines += [
        f"| median | | {med('one'):.2f} s | {med('two'):.2f} s | {med('local'):.2f} s | "
        f"**{ratio:.2f}×** | {med('one', 'startup'):.2f} s / {med('two', 'startup'):.2f} s | "
        f"{med('one', 'worker_cpu'):.2f} s / {med('two', 'worker_cpu'):.2f} s |",
        "",
        "Workers' CPU: the CPU time (user + system) the workers spent during the run, summed "
        "over the workers. When two workers spend about the CPU time of one, Dask adds no "
        "work per partition, and a speed-up short of 2× is time the workers waited for a "
        "core (other jobs on the machine), not overhead.",
        "",
        f"Median speed-up of two workers over one: **{ratio:.2f}×** (target: at least "
        f"{TARGET}×; {verdict} it). Best times: {best('one'):.2f} s with one worker, "
        f"{best('two'):.2f} s with two ({best('one') / best('two'):.2f}×). "
        "Two workers against the local engine: "
        f"{med('local') / med('two'):.2f}× (medians). Peak memory (RSS): "
        f"{max(row['one']['worker_rss_mb'] for row in rows):.0f} MB for the one worker, "
        f"{max(row['two']['worker_rss_mb'] for row in rows):.0f} MB for the busier of two, "
        f"{max(row['local']['rss_mb'] for row in rows):.0f} MB for the local engine.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
