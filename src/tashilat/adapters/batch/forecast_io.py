"""The forecast's input beside the month-end's, and its partition task (both engines).

The forecast reads the month-end run directory's input (``runner.read_accounts``: accounts,
movements, privilege use) and two more files per partition:

    RUN/input/provinces-00000.parquet   account_id, province   (by id; the account's city's
                                        province in Persian, "" when it is not known)
    RUN/input/schedules-00000.parquet   account_id, due, amount: what is still owed on each
                                        instalment of the disbursed housing loans of the
                                        partition's accounts, due on or after the as-of date

A run directory without them (generated data) puts every account in the unknown province
and has no repayments of loans paid out before the as-of date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Engine, select

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.forecast import ForecastContext, Schedules, project_all
from tashilat.adapters.batch.runner import read_accounts
from tashilat.adapters.db.models import Loan, LoanInstalment, YouthAccount
from tashilat.domain.errors import InvalidInput

PROVINCES_IN = pa.schema([("account_id", pa.int64()), ("province", pa.string())])
SCHEDULES_IN = pa.schema([("account_id", pa.int64()), ("due", pa.date32()), ("amount", pa.int64())])
UNKNOWN = ""


def provinces_path(run: Path, part: int) -> Path:
    return layout.input_path(run, "provinces", part)


def schedules_path(run: Path, part: int) -> Path:
    return layout.input_path(run, "schedules", part)


def export_provinces(
    engine: Engine,
    run: Path,
    manifest: dict[str, Any],
    province_of: Callable[[str], str],
) -> int:
    """Write every partition's provinces and remaining loan instalments (the accounts the
    month-end export cut, by the manifest's first ids); skip partitions already written.
    Returns the partitions written."""
    as_of = date.fromisoformat(manifest["as_of"])
    firsts = [int(x) for x in manifest.get("account_firsts") or []]
    written = 0
    a = YouthAccount
    for part, lo in enumerate(firsts):
        path = provinces_path(run, part)
        if path.exists() and schedules_path(run, part).exists():
            continue
        hi = firsts[part + 1] - 1 if part + 1 < len(firsts) else None
        acc = pq.read_table(layout.input_path(run, "accounts", part), columns=["account_id"])
        ids = acc["account_id"].to_numpy()
        q = select(a.id, a.city).where(a.id >= (0 if part == 0 else lo)).order_by(a.id)
        if hi is not None:
            q = q.where(a.id <= hi)
        with engine.connect() as conn:
            city = {int(i): str(c) for i, c in conn.execute(q)}
        names = [province_of(city.get(int(i), "")) for i in ids.tolist()]
        _write_schedules(engine, run, part, ids, as_of)
        layout.write_table(
            path, pa.table([pa.array(ids, pa.int64()), pa.array(names, pa.string())], PROVINCES_IN)
        )
        written += 1
    return written


def _write_schedules(engine: Engine, run: Path, part: int, ids: Any, as_of: date) -> None:
    """The remaining instalments of the disbursed loans of the partition's accounts."""
    lo, hi = (int(ids[0]), int(ids[-1])) if len(ids) else (0, -1)
    inst, loan = LoanInstalment, Loan
    q = (
        select(
            loan.account_id,
            inst.due,
            inst.amount - inst.paid_principal - inst.paid_profit,
        )
        .join(loan, loan.id == inst.loan_id)
        .where(
            loan.status == "disbursed",
            loan.account_id >= lo,
            loan.account_id <= hi,
            inst.due >= as_of,
        )
        .order_by(loan.account_id, inst.due, inst.id)
    )
    with engine.connect() as conn:
        rows = [r for r in conn.execute(q) if int(r[2]) > 0]
    known = set(ids.tolist())
    rows = [r for r in rows if int(r[0]) in known]  # a closed account's loan has no row here
    layout.write_table(
        schedules_path(run, part),
        pa.table(
            [
                pa.array([int(r[0]) for r in rows], pa.int64()),
                pa.array([r[1] for r in rows], pa.date32()),
                pa.array([int(r[2]) for r in rows], pa.int64()),
            ],
            SCHEDULES_IN,
        ),
    )


def read_schedules(run: Path, part: int, account_id: Any) -> Schedules | None:
    """The partition's remaining instalments of earlier loans (``None``: not exported)."""
    path = schedules_path(run, part)
    if not path.exists():
        return None
    t = pq.read_table(path)
    acc = t["account_id"].to_numpy()
    row = np.searchsorted(account_id, acc)
    return Schedules(
        row=row.astype(np.int64),
        due=t["due"].combine_chunks().view(pa.int32()).to_numpy().astype(np.int64),
        amount=t["amount"].to_numpy().astype(np.int64),
    )


def read_provinces(run: Path, part: int, account_id: Any) -> tuple[Any, list[str]]:
    """Each account's index into the partition's province names, and those names."""
    path = provinces_path(run, part)
    if not path.exists():
        return np.zeros(len(account_id), dtype=np.int64), [UNKNOWN]
    t = pq.read_table(path)
    ids = t["account_id"].to_numpy()
    if len(ids) != len(account_id) or not bool(np.all(ids == account_id)):
        raise InvalidInput(
            "forecast.provinces",
            "فایل استان‌های یک بخش با حساب‌های آن نمی‌خواند؛ پوشه اجرا را دوباره بسازید.",
            "A partition's provinces do not match its accounts; export the run again.",
        )
    enc = t["province"].combine_chunks().dictionary_encode()
    return (
        enc.indices.to_numpy(zero_copy_only=False).astype(np.int64),
        [str(x) for x in enc.dictionary.to_pylist()],
    )


def forecast_partition(
    run_dir: str, part: int, scenarios: Sequence[ForecastContext]
) -> tuple[list[str], list[Any]]:
    """One partition under every scenario: the province names and, per scenario, the sums
    ``[year, 3·province + tier − 1, metric]`` (what both engines run)."""
    run = Path(run_dir)
    acc = read_accounts(run, part)
    province, names = read_provinces(run, part, acc.account_id)
    schedules = read_schedules(run, part, acc.account_id)
    return names, project_all(acc, province, len(names), scenarios, schedules)
