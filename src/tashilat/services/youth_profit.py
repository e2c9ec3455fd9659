"""Profit on youth-fund savings posted to the ledger, once per account and account month.

The rule (``domain.programs.youth_fund.profit``) gives each completed account month's profit
from the holder's own movements; here each positive one becomes a journal entry — bank
profit expense (``EXPENSE:SAVINGS_PROFIT``) debited, the account's ``YF:`` ledger account
credited — dated the day it is credited (the next account month's first day), and the
account's balance rises by it. The request id ``yf-profit:{account id}:{month:04d}`` is the
idempotency key: a month already posted (by the day-end, or by the month-end batch, which
uses the same ids) is skipped, so a rerun posts nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import completed_account_months
from tashilat.domain.ledger import JournalEntry, transfer
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND, MonthProfit, monthly_profits
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.domain.records import AccountRecord
from tashilat.services import ledger
from tashilat.services.ports import UnitOfWork

PREFIX = "yf-profit"


def request_id(account_id: int, month: int) -> str:
    """The idempotency key of one account month's profit (months zero-padded, so that the
    greatest id of an account is its latest month)."""
    return f"{PREFIX}:{account_id}:{month:04d}"


def account_code(number: str) -> str:
    """The ledger account the profit is credited to: the savings account's own."""
    return f"YF:{number}"


def memo(month: int) -> str:
    return f"profit of account month {month}"


def entry_for(
    account_id: int, number: str, month: int, credited_on: date, amount: int
) -> JournalEntry:
    """Bank profit expense → the account, on the day the profit is credited."""
    return transfer(
        request_id(account_id, month),
        LEDGER_KIND,
        credited_on,
        debit=ledger.SAVINGS_PROFIT_EXPENSE,
        credit=account_code(number),
        amount=amount,
        memo=memo(month),
    )


def profit_entry(account_id: int, number: str, m: MonthProfit) -> JournalEntry:
    return entry_for(account_id, number, m.month, m.credited_on, m.profit_rial)


@dataclass(frozen=True)
class Posted:
    accounts: int  # accounts that got at least one entry
    entries: int
    rial: int


def own_events(uow: UnitOfWork, acc: AccountRecord) -> tuple[list[Event], set[str]]:
    """The holder's own movements (profit credits left out) and the request ids of the
    profit already posted on the account."""
    own: list[Event] = []
    posted: set[str] = set()
    for m in uow.ledger.movements(acc.ledger_account_id):
        if m.kind == LEDGER_KIND:
            posted.add(m.request_id)
        else:
            own.append(Event(m.business_date, -m.amount))
    return own, posted


def post_account(
    uow: UnitOfWork, policy: PolicyReader, acc: AccountRecord, to: date, *, user_id: int | None
) -> tuple[int, int]:
    """Post the profit of every account month completed by ``to`` not posted yet; returns
    (entries, rial). Within the caller's transaction."""
    own, posted = own_events(uow, acc)
    months = completed_account_months(acc.opened_on, to)
    entries = rial = 0
    for m in monthly_profits(policy, acc.opened_on, [e for e in own if e.on < to], months):
        if m.profit_rial <= 0 or request_id(acc.id, m.month) in posted:
            continue
        entry = profit_entry(acc.id, acc.number, m)
        if uow.accounts.credit(account_id=acc.id, entry=entry, user_id=user_id) is None:
            break  # no longer open
        entries += 1
        rial += m.profit_rial
    return entries, rial


def post_all(uow: UnitOfWork, policy: PolicyReader, to: date, *, user_id: int | None) -> Posted:
    """The profit of every open account up to ``to`` (run when the business date moves),
    within the caller's transaction."""
    accounts = entries = rial = 0
    for acc in uow.accounts.open_accounts(to):
        n, r = post_account(uow, policy, acc, to, user_id=user_id)
        accounts += n > 0
        entries += n
        rial += r
    return Posted(accounts, entries, rial)
