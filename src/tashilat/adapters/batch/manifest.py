"""A month-end run's manifest: what the run is (as-of date, policy, partitions), the totals
its partitions report, and the check that a run directory started again is the same run
(docs/batch.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import DayTable, epoch_day, from_epoch_day
from tashilat.adapters.batch.kernel import Context
from tashilat.adapters.batch.profit import profit_rates
from tashilat.adapters.batch.terms import build_terms
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, jalali_year

Progress = Callable[[int, dict[str, Any]], None]
TOTALS = (
    "accounts",
    "events",
    "months",
    "years",
    "eligible",
    "entitlement_rial",
    "profit_rial",
    "loans",
    "overdue_instalments",
    "overdue_rial",
    "penalties",
    "penalty_increment_rial",
)
EMP_TOTALS = (
    "employment_loans",
    "employment_overdue_instalments",
    "employment_overdue_rial",
    "employment_penalties",
    "employment_penalty_increment_rial",
)
STAT_TOTALS = (
    "allocations",
    "allocation_rial",
    "allocation_free_rial",
    "applications",
    "disbursed_loans",
)


class RunError(InvalidInput):
    pass


# -- the manifest -------------------------------------------------------------------------------


def new_manifest(
    *, as_of: date, policy: PolicyReader, source: str, partition_size: int, **extra: Any
) -> dict[str, Any]:
    return {
        "format": layout.FORMAT,
        "as_of": as_of.isoformat(),
        "as_of_jalali": format_jalali(as_of),
        "policy_hash": policy.hash,
        "source": source,
        "partition_size": partition_size,
        "exported": False,
        **extra,
    }


def read_manifest(run: Path) -> dict[str, Any]:
    path = run / "manifest.json"
    if not path.exists():
        raise RunError(
            "batch.no_manifest",
            f"پوشه اجرا {run} مانیفست ندارد.",
            f"The run directory {run} has no manifest.json.",
        )
    data: dict[str, Any] = layout.read_json(path)
    return data


def check_same_run(run: Path, as_of: date, policy: PolicyReader) -> dict[str, Any] | None:
    """The existing manifest if ``run`` holds this month-end, ``None`` if it holds nothing;
    refuses a directory that holds another as-of date or another policy."""
    path = run / "manifest.json"
    if not path.exists():
        return None
    m = read_manifest(run)
    if m.get("format") != layout.FORMAT:
        raise RunError(
            "batch.old_format",
            f"پوشه {run} با نسخه دیگری از برنامه ساخته شده است؛ پوشه دیگری بدهید.",
            f"{run} was written by another version of the batch (format "
            f"{m.get('format')}, expected {layout.FORMAT}); use another --out directory "
            "or --fresh.",
        )
    if m.get("as_of") != as_of.isoformat() or m.get("policy_hash") != policy.hash:
        raise RunError(
            "batch.other_run",
            f"پوشه {run} متعلق به اجرای دیگری است (تاریخ {m.get('as_of_jalali')}).",
            f"{run} holds another run (as of {m.get('as_of_jalali')}, policy "
            f"{str(m.get('policy_hash'))[:12]}); use another --out directory.",
        )
    return m


def context_for(manifest: dict[str, Any], policy: PolicyReader) -> Context:
    """The run context: day table, cohort terms (once per cohort), penalty terms."""
    as_of = date.fromisoformat(manifest["as_of"])
    open_days = np.array(manifest.get("open_days") or [epoch_day(as_of)], dtype=np.int64)
    last = max(jalali_year(as_of), jalali_year(from_epoch_day(int(open_days.max()))))
    first = min(1380, jalali_year(from_epoch_day(int(open_days.min()))))
    days = DayTable.build(first, last + 40)
    terms = build_terms(policy, open_days)
    points = Decimal(str(policy.resolve("finance.late_penalty_points", as_of).value)) * 10_000
    if points != points.to_integral_value():
        raise RunError(
            "batch.penalty_points",
            "درصد وجه التزام بیش از چهار رقم اعشار دارد.",
            "The late-payment points have more than four decimals.",
        )
    day_count = int(policy.resolve("finance.day_count", as_of).value)
    rates = profit_rates(policy, from_epoch_day(int(open_days.min())), as_of)
    return Context(epoch_day(as_of), days, terms, int(points), day_count, policy.hash, rates)
