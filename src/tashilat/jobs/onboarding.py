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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from tashilat.adapters.batch import onboard
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund import onboarding as rules
from tashilat.domain.programs.youth_fund.cities import CityIndex
from tashilat.jobs import Target
from tashilat.services import calendar

KINDS = ("accounts", "movements")


class Store(Protocol):
    """What the import reads and writes (``adapters.batch.onboard.BookStore``)."""

    def branches(self) -> set[str]: ...

    def accounts(self, numbers: set[str]) -> dict[str, onboard.Held]: ...

    def load_accounts(self, rows: list[rules.AccountRow], *, source: str) -> onboard.Loaded: ...

    def load_movements(self, rows: list[rules.MovementRow], *, source: str) -> onboard.Loaded: ...


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


def _fresh(rows: list[rules.MovementRow], held: onboard.Held) -> list[rules.MovementRow]:
    """The rows an earlier run of the file has not loaded yet."""
    taken = held.request_ids
    return [r for r in rows if rules.movement_request_id(r.number, r.reference) not in taken]


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
        rejects=sorted(rejects, key=lambda r: r.line),
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
    raw, rejects = onboard.read_rows(path, columns)
    n = len(raw) + len(rejects)
    if kind == "accounts":
        acc_rows, more = _accounts(raw, store, policy, cities, business_date)
        rejects += more
        if rejects:
            return _finish(kind, path, n, rejects, None)
        try:
            loaded = store.load_accounts(acc_rows, source=path.name)
        except onboard.Conflicts as exc:
            return _finish(kind, path, n, exc.rejects, None)
        return _finish(kind, path, n, [], loaded)
    mv_rows, more = _movements(raw, store, policy, business_date)
    rejects += more
    if rejects:
        return _finish(kind, path, n, rejects, None)
    return _finish(kind, path, n, [], store.load_movements(mv_rows, source=path.name))


def _accounts(
    raw: list[tuple[int, dict[str, str]]],
    store: Store,
    policy: PolicyReader,
    cities: CityIndex,
    business_date: date,
) -> tuple[list[rules.AccountRow], list[rules.Reject]]:
    terms = rules.Terms(policy)
    branches = store.branches()
    good: list[rules.AccountRow] = []
    rejects: list[rules.Reject] = []
    for line, row in raw:
        try:
            r = rules.account_row(policy, terms, cities, line, row, business_date)
        except InvalidInput as exc:
            rejects.append(rules.reject(line, exc))
            continue
        if r.branch not in branches:
            rejects.append(
                rules.Reject(
                    line,
                    "import.unknown_branch",
                    f"شعبه {r.branch} تعریف نشده است.",
                    f"There is no branch {r.branch}.",
                )
            )
            continue
        good.append(r)
    dup, more = rules.duplicates((r.line, r.number) for r in good)
    return [r for r in good if r.line not in dup], rejects + more


def _movements(
    raw: list[tuple[int, dict[str, str]]],
    store: Store,
    policy: PolicyReader,
    business_date: date,
) -> tuple[list[rules.MovementRow], list[rules.Reject]]:
    good: list[rules.MovementRow] = []
    rejects: list[rules.Reject] = []
    for line, row in raw:
        try:
            good.append(rules.movement_row(line, row, business_date))
        except InvalidInput as exc:
            rejects.append(rules.reject(line, exc))
    dup, more = rules.duplicates((r.line, (r.number, r.reference)) for r in good)
    rejects += more
    good = [r for r in good if r.line not in dup]
    held = store.accounts({r.number for r in good})
    by_account: dict[str, list[rules.MovementRow]] = defaultdict(list)
    for r in good:
        by_account[r.number].append(r)
    terms = rules.Terms(policy)
    for number, rows in by_account.items():
        acc = held.get(number)
        if acc is None or acc.status != "open":
            why = "ندارد" if acc is None else "بسته است"
            rejects += [
                rules.Reject(
                    r.line,
                    "import.unknown_account",
                    f"حساب {number} در پایگاه داده {why}.",
                    f"Account {number} is {'not in the database' if acc is None else 'closed'}.",
                )
                for r in rows
            ]
            continue
        fresh = _fresh(rows, acc)
        if not fresh:
            continue
        bad = rules.check_account_movements(policy, terms(acc.opened_on), acc.history, fresh)
        if bad is not None:
            rejects.append(bad)
    return good, rejects


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
