"""The run directory: file names, Arrow schemas, deterministic Parquet and atomic writes.

::

    RUN/manifest.json                 what was asked (as-of, policy hash, partitions, source)
    RUN/input/accounts-00000.parquet  account_id, opened_on, tier, n_events,
                                      privilege_used_on (first loan paid out; null: none)
    RUN/input/events-00000.parquet    account_id, on, amount                  (by account, day)
    RUN/input/loans-00000.parquet     loan_id, account_id, rate_e4, n_instalments
    RUN/input/instalments-00000.parquet  instalments due by the as-of date    (by loan, number)
    RUN/output/{accounts,years,months,loans,penalties}-00000.parquet
    RUN/input/emp_{loans,instalments}-00000.parquet   employment loans (by application id)
    RUN/output/emp_{loans,penalties}-00000.parquet
    RUN/input/{allocations,applications}.parquet      statistics input (one file each)
    RUN/output/{allocations,pipeline,speed}.parquet   allocation and pipeline statistics
    RUN/done/00000.json               a partition's outputs: names, sizes, SHA-256, totals
    RUN/done/emp-00000.json, RUN/done/statistics.json  the same for the other tasks
    RUN/summary.json                  totals of the run, written when every partition is done

Every file is written to a temporary name in the same directory and renamed into place, so
a file that exists is complete. Parquet files are deterministic: fixed row order, one row
group, statistics on, no timestamps or writer-specific metadata beyond the
library's version string. LZ4 (the fastest to write here, with dictionaries), and for
the large per-month table delta encoding without compression.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

FORMAT = 3  # the run directory's layout version: a run of another version is refused

ACCOUNTS_IN = pa.schema(
    [
        ("account_id", pa.int64()),
        ("opened_on", pa.date32()),
        ("tier", pa.int8()),
        ("n_events", pa.int32()),
        # the day the first housing loan on the account was paid out, which consumes the
        # account's privilege (docs/rules.md §1.3); null when none was
        ("privilege_used_on", pa.date32()),
    ]
)
EVENTS_IN = pa.schema([("account_id", pa.int64()), ("on", pa.date32()), ("amount", pa.int64())])
LOANS_IN = pa.schema(
    [
        ("loan_id", pa.int64()),
        ("account_id", pa.int64()),
        ("rate_e4", pa.int64()),
        ("n_instalments", pa.int32()),
    ]
)
INSTALMENTS_IN = pa.schema(
    [
        ("instalment_id", pa.int64()),
        ("loan_id", pa.int64()),
        ("number", pa.int32()),
        ("due", pa.date32()),
        ("amount", pa.int64()),
        ("principal", pa.int64()),
        ("profit", pa.int64()),
        ("paid_principal", pa.int64()),
        ("paid_profit", pa.int64()),
        ("paid_on", pa.date32()),
        ("penalty_accrued", pa.int64()),
        ("penalty_paid", pa.int64()),
        ("penalty_prior", pa.int64()),
        ("penalty_from", pa.date32()),
    ]
)
INPUTS = {
    "accounts": ACCOUNTS_IN,
    "events": EVENTS_IN,
    "loans": LOANS_IN,
    "instalments": INSTALMENTS_IN,
}
OUTPUTS = ("accounts", "years", "months", "loans", "penalties")

# employment loans: their own partitions, by application id (not tied to youth accounts)
EMP_LOANS_IN = pa.schema(
    [
        ("application_id", pa.int64()),
        ("rate_e4", pa.int64()),  # the fee in force at disbursement, × 10,000
        ("n_instalments", pa.int32()),
    ]
)
EMP_INSTALMENTS_IN = pa.schema(
    [("application_id", pa.int64()) if f.name == "loan_id" else f for f in INSTALMENTS_IN]
)
EMP_INPUTS = {"emp_loans": EMP_LOANS_IN, "emp_instalments": EMP_INSTALMENTS_IN}
EMP_OUTPUTS = ("emp_loans", "emp_penalties")

# allocation and pipeline statistics: one unpartitioned input and output set per run
ALLOCATIONS_IN = pa.schema(
    [
        ("agency", pa.string()),
        ("agency_name", pa.string()),
        ("province", pa.string()),
        ("year", pa.int32()),
        ("amount_rial", pa.int64()),
        ("reserved_rial", pa.int64()),
        ("posted_rial", pa.int64()),
        ("category_cap_rial", pa.int64()),
        ("category_reserved_rial", pa.int64()),
        ("category_posted_rial", pa.int64()),
        ("repeat_cap_rial", pa.int64()),
        ("repeat_reserved_rial", pa.int64()),
        ("repeat_posted_rial", pa.int64()),
    ]
)
APPLICATIONS_IN = pa.schema(
    [
        ("application_id", pa.int64()),
        ("state", pa.string()),
        ("amount_rial", pa.int64()),
        ("agency", pa.string()),
        ("bank", pa.string()),
        ("submitted_on", pa.date32()),
        ("disbursed_on", pa.date32()),
    ]
)
STAT_INPUTS = {"allocations": ALLOCATIONS_IN, "applications": APPLICATIONS_IN}
STAT_OUTPUTS = ("allocations", "pipeline", "speed")


def part_name(kind: str, part: int) -> str:
    return f"{kind}-{part:05d}.parquet"


def input_path(run: Path, kind: str, part: int) -> Path:
    return run / "input" / part_name(kind, part)


def output_path(run: Path, kind: str, part: int) -> Path:
    return run / "output" / part_name(kind, part)


def done_path(run: Path, part: int) -> Path:
    return run / "done" / f"{part:05d}.json"


def emp_done_path(run: Path, part: int) -> Path:
    return run / "done" / f"emp-{part:05d}.json"


def stat_input_path(run: Path, kind: str) -> Path:
    return run / "input" / f"{kind}.parquet"


def stat_output_path(run: Path, kind: str) -> Path:
    return run / "output" / f"{kind}.parquet"


def stats_done_path(run: Path) -> Path:
    return run / "done" / "statistics.json"


FSYNC = os.environ.get("TASHILAT_BATCH_FSYNC", "") == "1"


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through ``write(tmp)`` and rename into place (same directory, so atomic).

    A killed process never leaves a partial file under the final name. Surviving a power
    cut as well needs ``TASHILAT_BATCH_FSYNC=1`` (an fsync per file, a few ms each); without
    it a restart still recomputes any partition whose files do not match their record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        if FSYNC:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    atomic_write(path, write)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def try_read_json(path: Path) -> Any:
    """``None`` for a missing or unreadable file (a record lost in a crash)."""
    try:
        return read_json(path)
    except (OSError, ValueError):
        return None


def write_table(path: Path, table: pa.Table, *, delta: bool = False) -> None:
    """Deterministic Parquet: the same table gives the same bytes. ``delta``: integer
    columns delta-encoded and uncompressed (the large per-month table: twice as fast to
    write as zstd, and still small because balances change little from month to month)."""
    table = table.replace_schema_metadata(None)
    options: dict[str, Any] = {"compression": "lz4"}
    if delta:
        options = {
            "compression": "none",
            "use_dictionary": False,
            "column_encoding": {
                f.name: "DELTA_BINARY_PACKED"
                for f in table.schema
                if pa.types.is_integer(f.type)
                or (pa.types.is_list(f.type) and pa.types.is_integer(f.type.value_type))
            },
        }

    def write(tmp: Path) -> None:
        pq.write_table(
            table,
            tmp,
            row_group_size=max(table.num_rows, 1),
            write_statistics=True,
            store_schema=False,
            write_page_index=False,
            data_page_version="2.0",
            **options,
        )

    atomic_write(path, write)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def clean_temporaries(run: Path) -> int:
    """Remove temporaries left by a killed run (never a finished file)."""
    n = 0
    for sub in ("input", "output", "done", "."):
        d = run / sub
        if d.is_dir():
            for p in d.glob(".*.tmp"):
                p.unlink(missing_ok=True)
                n += 1
    return n
