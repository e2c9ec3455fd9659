"""Run every benchmark and regenerate BENCHMARKS.md from their result files.

.venv/bin/python -m bench.report            # run all, then assemble
.venv/bin/python -m bench.report --assemble # only assemble bench/results/*.md
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# (module, arguments, result file) in report order
BENCHES = [
    ("bench.deposits", ["--deposits", "1000", "--rounds", "5"], "deposits.md"),
    ("bench.entitlement_latency", ["--rate", "200", "--seconds", "20"], "entitlement_latency.md"),
    ("bench.month_end", [], "month_end.md"),
    ("bench.forecast", [], "forecast.md"),
    ("bench.introductions", [], "introductions.md"),
    ("bench.savings_profit", ["--rounds", "9", "--accounts", "32768"], "savings_profit.md"),
    ("bench.db_speed", ["--accounts", "100000", "--import-accounts", "100000"], "db_speed.md"),
    ("bench.dask_scaling", [], "dask_scaling.md"),
]

HEADER = """# Benchmarks

Measured on this project's machines: 2 cores and 24 GiB, shared and noisy. Every figure is
therefore reported as a ratio against a baseline measured in the same run, with the
absolute numbers beside it. Timing targets live here, never in unit tests. Regenerate the
whole file with `.venv/bin/python -m bench.report` (PostgreSQL from
`TASHILAT_BENCH_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/postgres`).

Absolute figures move a lot with what else the machine is doing: the same latency benchmark
gave a p99 of 12.6 ms and, a minute earlier with other jobs running, 28.7 ms; introductions
ran at 190 a second under a load average of 5 and 504 a second on a quiet machine. The
ratios against the same-run baselines move much less, which is why each section gives them.
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assemble", action="store_true", help="only assemble existing results")
    args = ap.parse_args()
    if not args.assemble:
        for module, extra, _ in BENCHES:
            if not (ROOT / (module.replace(".", "/") + ".py")).exists():
                continue
            print(f"== {module}", flush=True)
            subprocess.run([sys.executable, "-m", module, *extra], cwd=ROOT, check=True)
    parts = [HEADER]
    for _, _, name in BENCHES:
        f = RESULTS / name
        if f.exists():
            parts.append(f.read_text(encoding="utf-8"))
    (ROOT / "BENCHMARKS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
