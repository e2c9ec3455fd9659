"""``services.ports.youth`` repositories on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import (
    Branch,
    BusinessDate,
    Customer,
    Loan,
    PrivilegeTransfer,
    YouthAccount,
)
from tashilat.adapters.db.numbering import YOUTH_ACCOUNT, next_number
from tashilat.adapters.db.repositories.ledger import SqlLedgerRepository, duplicate_request
from tashilat.domain.ledger import JournalEntry
from tashilat.domain.records import (
    AccountRecord,
    CustomerRecord,
    NewAccount,
    PrivilegeTransferRecord,
)


def _customer(c: Customer) -> CustomerRecord:
    return CustomerRecord(
        c.id, c.national_id, c.name, c.birth_date, c.guardian_id, c.branch_id, c.created_at
    )


def _account(a: YouthAccount) -> AccountRecord:
    return AccountRecord(
        a.id,
        a.number,
        a.customer_id,
        a.branch_id,
        a.ledger_account_id,
        a.opened_on,
        a.cohort,
        a.city,
        a.tier,
        a.status,
        a.balance,
        a.min_balance,
        a.privilege_holder_id,
        a.privilege_used,
        a.closed_on,
    )


def _transfer(t: PrivilegeTransfer) -> PrivilegeTransferRecord:
    return PrivilegeTransferRecord(
        t.id,
        t.account_id,
        t.from_customer_id,
        t.to_customer_id,
        t.relation,
        t.business_date,
        t.created_by,
    )


class SqlCustomerRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, customer_id: int) -> CustomerRecord | None:
        c = self._s.get(Customer, customer_id)
        return None if c is None else _customer(c)

    def by_national_id(self, national_id: str) -> CustomerRecord | None:
        c = self._s.scalar(select(Customer).where(Customer.national_id == national_id))
        return None if c is None else _customer(c)

    def branch_code(self, branch_id: int) -> str | None:
        b = self._s.get(Branch, branch_id)
        return None if b is None else b.code

    def add(
        self,
        *,
        national_id: str,
        name: str,
        birth_date: date,
        guardian_id: int | None,
        branch_id: int,
        created_at: datetime,
    ) -> CustomerRecord | None:
        c = Customer(
            national_id=national_id,
            name=name,
            birth_date=birth_date,
            guardian_id=guardian_id,
            branch_id=branch_id,
            created_at=created_at,
        )
        self._s.add(c)
        try:
            self._s.flush()
        except IntegrityError:
            return None
        return _customer(c)

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_id: int | None = None,
        branch_id: int | None = None,
    ) -> tuple[list[CustomerRecord], int]:
        q = select(Customer)
        if customer_id is not None:
            q = q.where(Customer.id == customer_id)
        if branch_id is not None:
            q = q.where(Customer.branch_id == branch_id)
        total = self._s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = self._s.scalars(q.order_by(Customer.id).offset(offset).limit(limit))
        return [_customer(c) for c in rows], total


_ACCOUNTS: Table = YouthAccount.__table__  # type: ignore[assignment]
_CREDIT = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.id == bindparam("account_id"), _ACCOUNTS.c.status == "open")
    .values(balance=_ACCOUNTS.c.balance + bindparam("amount"))
    .returning(_ACCOUNTS.c.balance)
)

# PostgreSQL: the journal entry, its two postings, the audit line and the balance in one
# statement (data-modifying CTEs run whether or not they are referenced). The unique request
# id still rejects a retry, and the deferred trigger still checks the entry's zero sum.
_DEPOSIT_PG = text(
    """
    WITH e AS (
        INSERT INTO journal_entries (request_id, kind, business_date, memo, created_by, created_at)
        VALUES (:rid, :kind, :on, '', :uid, :now) RETURNING id
    ), p AS (
        INSERT INTO postings (entry_id, ledger_account_id, amount)
        SELECT e.id, v.acc, v.amt FROM e,
            (VALUES (CAST(:debit AS integer), CAST(:amt AS bigint)),
                    (CAST(:credit AS integer), -CAST(:amt AS bigint))) AS v(acc, amt)
        RETURNING entry_id
    ), a AS (
        INSERT INTO audit_log (at, user_id, username, action, target, request_id, outcome, detail)
        VALUES (:now, :uid, :uname, 'accounts.deposit', :target, :rid, 'ok', :detail)
    )
    UPDATE youth_accounts SET balance = balance + :amt
    WHERE id = :acc_id AND status = 'open' AND EXISTS (SELECT 1 FROM p)
    RETURNING balance
    """
)

_OPEN_LOAN = ("requested", "approved", "disbursed")


class SqlAccountRepository:
    def __init__(
        self, session: Session, ledger: SqlLedgerRepository, audit: Callable[..., None]
    ) -> None:
        self._s = session
        self._ledger = ledger
        self._audit = audit

    def get(self, account_id: int, *, lock: bool = False) -> AccountRecord | None:
        q = select(YouthAccount).where(YouthAccount.id == account_id)
        if lock:
            q = q.with_for_update()
        a = self._s.scalar(q.execution_options(populate_existing=True))
        return None if a is None else _account(a)

    def get_with_business_date(self, account_id: int) -> tuple[AccountRecord, date | None] | None:
        today = select(BusinessDate.current).where(BusinessDate.id == 1).scalar_subquery()
        row = self._s.execute(
            select(YouthAccount, today).where(YouthAccount.id == account_id)
        ).first()
        if row is None:
            return None
        acc, on = row
        return _account(acc), on

    def next_number(self, prefix: str) -> str:
        # a number already taken (by a row written before numbering used a sequence) is
        # skipped
        while True:
            number = f"{prefix}-{next_number(self._s, YOUTH_ACCOUNT):07d}"
            if not self._s.scalar(select(YouthAccount.id).where(YouthAccount.number == number)):
                return number

    def add(self, new: NewAccount) -> AccountRecord:
        a = YouthAccount(
            number=new.number,
            customer_id=new.customer_id,
            branch_id=new.branch_id,
            ledger_account_id=new.ledger_account_id,
            opened_on=new.opened_on,
            cohort=new.cohort,
            city=new.city,
            tier=new.tier,
            status="open",
            balance=new.balance,
            min_balance=new.min_balance,
            privilege_holder_id=new.customer_id,
            privilege_used=False,
        )
        self._s.add(a)
        self._s.flush()
        return _account(a)

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_ids: Sequence[int | None] = (),
        branch_id: int | None = None,
    ) -> tuple[list[AccountRecord], int]:
        q = select(YouthAccount)
        for cid in customer_ids:
            q = q.where(YouthAccount.customer_id == cid)
        if branch_id is not None:
            q = q.where(YouthAccount.branch_id == branch_id)
        total = self._s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = self._s.scalars(q.order_by(YouthAccount.id).offset(offset).limit(limit))
        return [_account(a) for a in rows], total

    def credit(self, *, account_id: int, entry: JournalEntry, user_id: int | None) -> int | None:
        locked = self._s.scalar(
            select(YouthAccount.status).where(YouthAccount.id == account_id).with_for_update()
        )
        if locked != "open":
            return None
        self._ledger.post(entry, user_id=user_id)
        balance = (
            self._s.connection()
            .execute(_CREDIT, {"account_id": account_id, "amount": entry.postings[0].amount})
            .scalar_one()
        )
        return int(balance)

    def open_accounts(self, opened_before: date) -> list[AccountRecord]:
        rows = self._s.scalars(
            select(YouthAccount)
            .where(YouthAccount.status == "open", YouthAccount.opened_on < opened_before)
            .order_by(YouthAccount.id)
        )
        return [_account(a) for a in rows]

    def deposit(
        self, *, account_id: int, entry: JournalEntry, user_id: int | None, username: str
    ) -> int | None:
        debit, credit = entry.postings
        if self._s.get_bind().dialect.name == "postgresql":
            ids = self._ledger.account_ids({debit.account, credit.account})
            params: dict[str, Any] = {
                "rid": entry.request_id,
                "kind": entry.kind,
                "on": entry.business_date,
                "uid": user_id,
                "now": datetime.now(UTC),
                "debit": ids[debit.account],
                "credit": ids[credit.account],
                "amt": debit.amount,
                "uname": username,
                "target": f"account:{account_id}",
                "detail": str(debit.amount),
                "acc_id": account_id,
            }
            try:
                balance = self._s.connection().execute(_DEPOSIT_PG, params).scalar_one_or_none()
            except IntegrityError as exc:
                dup = duplicate_request(exc, entry.request_id)
                if dup is None:
                    raise
                raise dup from exc
            return None if balance is None else int(balance)
        # the entry first: its unique request id serialises retries of one request
        self._ledger.post(entry, user_id=user_id)
        balance = (
            self._s.connection()
            .execute(_CREDIT, {"account_id": account_id, "amount": debit.amount})
            .scalar_one_or_none()
        )
        if balance is None:
            return None
        self._audit(
            user_id=user_id,
            username=username,
            action="accounts.deposit",
            target=f"account:{account_id}",
            request_id=entry.request_id,
            outcome="ok",
            detail=str(debit.amount),
        )
        return int(balance)

    def debit_above_floor(self, account_id: int, amount: int) -> int | None:
        balance = self._s.execute(
            update(YouthAccount)
            .where(
                YouthAccount.id == account_id,
                YouthAccount.status == "open",
                YouthAccount.balance - amount >= YouthAccount.min_balance,
            )
            .values(balance=YouthAccount.balance - amount)
            .returning(YouthAccount.balance)
        ).scalar_one_or_none()
        return None if balance is None else int(balance)

    def close(self, account_id: int, on: date) -> None:
        a = self._s.get(YouthAccount, account_id)
        assert a is not None
        a.min_balance = 0
        a.balance = 0
        a.status = "closed"
        a.closed_on = on

    def has_open_loan(self, account_id: int) -> bool:
        n = self._s.scalar(
            select(func.count())
            .select_from(Loan)
            .where(Loan.account_id == account_id, Loan.status.in_(_OPEN_LOAN))
        )
        return bool(n)

    def loans_paid_out(self, account_id: int, up_to: date) -> list[tuple[date, int]]:
        rows = self._s.execute(
            select(Loan.disbursed_on, Loan.principal).where(
                Loan.account_id == account_id,
                Loan.status.in_(("disbursed", "settled")),
                Loan.disbursed_on.is_not(None),
                Loan.disbursed_on <= up_to,
            )
        ).all()
        return [(d, int(p)) for d, p in rows if d is not None]

    def transfers(self, account_id: int, up_to: date) -> list[PrivilegeTransferRecord]:
        rows = self._s.scalars(
            select(PrivilegeTransfer).where(
                PrivilegeTransfer.account_id == account_id,
                PrivilegeTransfer.business_date <= up_to,
            )
        )
        return [_transfer(t) for t in rows]

    def transfer_privilege(
        self,
        *,
        account_id: int,
        from_customer_id: int,
        to_customer_id: int,
        relation: str,
        business_date: date,
        created_by: int | None,
    ) -> PrivilegeTransferRecord:
        t = PrivilegeTransfer(
            account_id=account_id,
            from_customer_id=from_customer_id,
            to_customer_id=to_customer_id,
            relation=relation,
            business_date=business_date,
            created_by=created_by,
        )
        self._s.add(t)
        self._s.execute(
            update(YouthAccount)
            .where(YouthAccount.id == account_id)
            .values(privilege_holder_id=to_customer_id)
        )
        self._s.flush()
        return _transfer(t)
