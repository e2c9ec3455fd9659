"""What every youth-fund use case on an account starts with: the account as the actor may see
it (owner and branch checked), with the business date on the hot path of a movement, and the
checks a movement makes (open, within the balance ceiling). Shared by ``services.youth`` and
``services.youth_movements``."""

from __future__ import annotations

from datetime import date

from tashilat.domain.errors import InvalidInput
from tashilat.domain.money import MAX_BALANCE_RIAL
from tashilat.services import calendar
from tashilat.services.auth import Actor, require_branch, require_owner
from tashilat.services.errors import Conflict, not_found
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.youth import AccountRecord


def _account(
    uow: UnitOfWork, actor: Actor, account_id: int, *, lock: bool = False
) -> AccountRecord:
    acc = uow.accounts.get(account_id, lock=lock)
    if acc is None:
        raise not_found("account", "حساب", account_id)
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc


def _account_on(uow: UnitOfWork, actor: Actor, account_id: int) -> tuple[AccountRecord, date]:
    """The account and the business date in one query (the hot path of every movement)."""
    row = uow.accounts.get_with_business_date(account_id)
    if row is None:
        _account(uow, actor, account_id)  # raises the precise error
        calendar.current(uow)
        raise AssertionError("unreachable")
    acc, on = row
    if on is None:
        on = calendar.current(uow)  # raises: the business date is not set
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc, on


def _require_room(acc: AccountRecord, amount: int) -> None:
    """A balance stays within :data:`MAX_BALANCE_RIAL` (checked again by the database on
    PostgreSQL, so that concurrent deposits cannot pass it either)."""
    if acc.balance + amount > MAX_BALANCE_RIAL:
        raise InvalidInput(
            "balance.too_large",
            f"با این واریز موجودی حساب از سقف {MAX_BALANCE_RIAL:,} ریال بیشتر می‌شود.",
            f"This deposit would take the balance above the ceiling of {MAX_BALANCE_RIAL:,} rial.",
            field="amount",
        )


def _require_open(acc: AccountRecord) -> None:
    if acc.status != "open":
        raise Conflict(
            "account.closed", f"حساب {acc.number} بسته است.", f"Account {acc.number} is closed."
        )
