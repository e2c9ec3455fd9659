"""Bringing a bank's existing youth-fund book in: ``tashilat import accounts|movements FILE``
(docs/onboarding.md).

The file is one batch: every row is checked by the domain's rules
(``youth_fund.onboarding``); if any row is refused, nothing is loaded and every refused row
is written with its line and reason to ``FILE.rejects.csv``. Otherwise the whole file is
loaded in one transaction by the store (staging by COPY on PostgreSQL, set-based inserts,
balanced journal entries under request ids derived from the file's keys). A rerun of the
same file finds its rows loaded and changes nothing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from tashilat.adapters.batch import onboard, onboard_batch
from tashilat.adapters.batch import onboard_check as checks
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund import onboarding as rules
from tashilat.domain.programs.youth_fund.cities import CityIndex
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.jobs import Target
from tashilat.services import calendar

KINDS = ("accounts", "movements")


class Store(Protocol):
    """What the import reads and writes (``adapters.batch.onboard.BookStore``)."""

    def branches(self) -> set[str]: ...

    def load_accounts(self, rows: pa.Table, *, source: str) -> onboard.Loaded: ...

    def movements(
        self, rows: pa.Table, *, source: str
    ) -> AbstractContextManager[onboard_batch.MovementBatch]: ...


@dataclass(frozen=True)
class Imported:
    kind: str
    file: str
    rows: int
    loaded: int
    already_loaded: int
    rejected: int
    rejects_file: str | None
    rejects: list[rules.Reject] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected == 0


def _finish(
    kind: str, path: Path, rows: int, rejects: list[rules.Reject], loaded: onboard.Loaded | None
) -> Imported:
    out = onboard.rejects_path(path)
    if rejects:
        onboard.write_rejects(path, rejects)
    elif out.exists():
        out.unlink()  # a stale reject file of an earlier attempt at this file
    return Imported(
        kind=kind,
        file=str(path),
        rows=rows,
        loaded=loaded.loaded if loaded else 0,
        already_loaded=loaded.already if loaded else 0,
        rejected=len({r.line for r in rejects}),
        rejects_file=str(out) if rejects else None,
        rejects=sorted(rejects, key=lambda r: (r.line, r.code)),
    )


def import_file(
    kind: str,
    path: Path,
    *,
    store: Store,
    policy: PolicyReader,
    cities: CityIndex,
    business_date: date,
) -> Imported:
    """Check every row of ``path`` and load it all, or nothing (see the module)."""
    if kind not in KINDS:
        raise InvalidInput(
            "import.kind",
            "نوع ورود باید accounts یا movements باشد.",
            "The import kind must be accounts or movements.",
            field="kind",
        )
    columns = rules.ACCOUNT_COLUMNS if kind == "accounts" else rules.MOVEMENT_COLUMNS
    table, lines, rejects = onboard.read_table(path, columns)
    n = table.num_rows + len(rejects)
    if kind == "accounts":
        accounts, more = _accounts(table, lines, store, policy, cities, business_date)
        rejects += more
        if rejects:
            return _finish(kind, path, n, rejects, None)
        try:
            loaded = store.load_accounts(accounts, source=path.name)
        except onboard.Conflicts as exc:
            return _finish(kind, path, n, exc.rejects, None)
        return _finish(kind, path, n, [], loaded)
    movements, more = checks.movement_rows(table, lines, business_date)
    rejects += more
    # the rows that pass on their own are checked against their accounts even when others
    # are refused, so that one reject file names every problem
    with store.movements(movements, source=path.name) as batch:
        rejects += _account_rejects(batch, movements, policy)
        if rejects:
            return _finish(kind, path, n, rejects, None)
        posted = batch.load()
    return _finish(kind, path, n, [], onboard.Loaded(posted.posted, posted.skipped))


def _accounts(
    table: pa.Table,
    lines: np.ndarray,
    store: Store,
    policy: PolicyReader,
    cities: CityIndex,
    business_date: date,
) -> tuple[pa.Table, list[rules.Reject]]:
    good, rejects = checks.account_rows(
        table,
        lines,
        policy=policy,
        terms=rules.Terms(policy),
        cities=cities,
        business_date=business_date,
    )
    branches = store.branches()
    known = np.asarray(
        pc.is_in(good["branch"], pa.array(sorted(branches), pa.string())).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    for line, branch in zip(
        good["line"].to_numpy()[~known].tolist(),
        pc.filter(good["branch"], pa.array(~known)).to_pylist(),
        strict=True,
    ):
        rejects.append(
            rules.Reject(
                line,
                "import.unknown_branch",
                f"شعبه {branch} تعریف نشده است.",
                f"There is no branch {branch}.",
            )
        )
    return good.filter(pa.array(known)), rejects


def _account_rejects(
    batch: onboard_batch.MovementBatch, rows: pa.Table, policy: PolicyReader
) -> list[rules.Reject]:
    """Rows naming an account the database lacks or has closed; then, per account with new
    rows, the first row that breaks the cohort's rules with its history (screened over
    all accounts at once, the domain's check on the flagged ones)."""
    account = np.asarray(batch.rows["account"].to_numpy(), dtype=np.int64)
    line = rows["line"].to_numpy()
    rejects: list[rules.Reject] = []
    missing = ~(batch.known & batch.open)
    for i in np.flatnonzero(missing[account]).tolist():
        number = batch.numbers[account[i]]
        closed = bool(batch.known[account[i]])
        rejects.append(
            rules.Reject(
                int(line[i]),
                "import.unknown_account",
                f"حساب {number} در پایگاه داده {'بسته است' if closed else 'ندارد'}.",
                f"Account {number} is {'closed' if closed else 'not in the database'}.",
            )
        )
    fresh = batch.fresh & ~missing[account]
    if not fresh.any():
        return rejects
    terms = rules.Terms(policy)
    opened_days = np.unique(batch.opened[account[fresh]])
    floor_of = {d: terms(checks.from_day(d)).min_opening_deposit for d in opened_days.tolist()}
    floor = np.array([floor_of.get(int(d), 0) for d in batch.opened], dtype=np.int64)
    new = checks.Histories(
        account[fresh],
        np.asarray(pc.cast(rows["on"], pa.int32()).to_numpy(), dtype=np.int64)[fresh],
        np.asarray(rows["amount"].to_numpy(), dtype=np.int64)[fresh],
    )
    for acc in checks.screen_histories(batch.history, new, batch.opened, floor).tolist():
        mine = new.account == acc
        at = batch.history.account == acc
        history = [
            Event(checks.from_day(d), int(a))
            for d, a in zip(batch.history.day[at], batch.history.amount[at], strict=True)
        ]
        idx = np.flatnonzero(fresh)[mine]
        movements = [
            rules.MovementRow(
                int(line[i]),
                batch.numbers[acc],
                "",
                checks.from_day(int(new.day[k])),
                int(new.amount[k]),
            )
            for k, i in zip(np.flatnonzero(mine).tolist(), idx.tolist(), strict=True)
        ]
        bad = rules.check_account_movements(
            policy, terms(checks.from_day(int(batch.opened[acc]))), history, movements
        )
        if bad is not None:
            rejects.append(bad)
    return rejects


def import_book(kind: str, path: Path, target: Target, cities: CityIndex) -> Imported:
    """``import_file`` on ``target``'s database at its business date."""
    return import_file(
        kind,
        path,
        store=onboard.BookStore(target.engine),
        policy=target.policy,
        cities=cities,
        business_date=calendar.get(target.uow()),
    )
