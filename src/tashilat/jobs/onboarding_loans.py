"""``tashilat import loans FILE``: the youth-fund housing loans a bank has already paid out,
brought in on the accounts imported before (docs/onboarding.md, "loans").

The same contract as the accounts and movements: the file is one batch, every row checked
by the domain's rules (``youth_fund.onboarding_loans``: the account open and entitled, one
loan per account, the loan offer rule at the disbursement date), any refused row and nothing
is written (``FILE.rejects.csv`` names every refused line); otherwise the store loads it in
one transaction. A row whose loan an earlier run of the file loaded is left as it is.
The answer is ``jobs.onboarding``'s ``Imported``, so the CLI reports the three kinds alike.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from tashilat.adapters.batch import onboard
from tashilat.adapters.batch.onboard_loans import LoanStore
from tashilat.domain.decision import PolicyReader
from tashilat.domain.programs.youth_fund import onboarding_loans as rules
from tashilat.domain.programs.youth_fund.onboarding import Reject
from tashilat.jobs import Target
from tashilat.jobs.onboarding import Imported
from tashilat.services import calendar


class Store(Protocol):
    """What the loan import reads and writes (``adapters.batch.onboard_loans.LoanStore``)."""

    def accounts(self, numbers: set[str]) -> dict[str, rules.Account]: ...

    def taken(self, request_ids: set[str]) -> set[str]: ...

    def load_loans(
        self, rows: list[rules.LoanRow], *, source: str, policy_hash: str
    ) -> onboard.Loaded: ...


def _finish(path: Path, rows: int, rejects: list[Reject], loaded: int, already: int) -> Imported:
    out = onboard.rejects_path(path)
    if rejects:
        onboard.write_rejects(path, rejects)
    elif out.exists():
        out.unlink()  # a stale reject file of an earlier attempt at this file
    return Imported(
        kind="loans",
        file=str(path),
        rows=rows,
        loaded=0 if rejects else loaded,
        already_loaded=0 if rejects else already,
        rejected=len({r.line for r in rejects}),
        rejects_file=str(out) if rejects else None,
        rejects=sorted(rejects, key=lambda r: r.line),
    )


def import_loans(
    path: Path, *, store: Store, policy: PolicyReader, business_date: date
) -> Imported:
    """Check every row of ``path`` and load it all, or nothing (see the module)."""
    raw, rejects = onboard.read_rows(path, rules.LOAN_COLUMNS)
    n = len(raw) + len(rejects)
    fields, more = rules.parse_loans(raw, business_date)
    rejects += more
    held = store.accounts({f.number for f in fields})
    taken = store.taken({rules.loan_request_id(f.reference) for f in fields})
    good: list[rules.LoanRow] = []
    already = 0
    for f in fields:
        key = rules.loan_request_id(f.reference)
        acc = held.get(f.number)
        if acc is not None and any(note == key for _, note in acc.loans):
            already += 1  # loaded by an earlier run of this file
            continue
        if key in taken:
            rejects.append(
                Reject(
                    f.line,
                    "import.reference_taken",
                    f"وام {f.reference} پیش‌تر برای حساب دیگری وارد شده است.",
                    f"Loan {f.reference} was imported before on another account.",
                )
            )
            continue
        checked = rules.check_loan(policy, f, acc, business_date)
        if isinstance(checked, list):
            rejects += checked
        else:
            good.append(checked)
    if rejects:
        return _finish(path, n, rejects, 0, 0)
    try:
        loaded = store.load_loans(good, source=path.name, policy_hash=policy.hash)
    except onboard.Conflicts as exc:
        return _finish(path, n, exc.rejects, 0, 0)
    return _finish(path, n, [], loaded.loaded, already + loaded.already)


def import_book(path: Path, target: Target) -> Imported:
    """``import_loans`` on ``target``'s database at its business date."""
    return import_loans(
        path,
        store=LoanStore(target.engine),
        policy=target.policy,
        business_date=calendar.get(target.uow()),
    )
