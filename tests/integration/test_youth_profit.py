"""Savings profit through the services on SQLite and PostgreSQL: the day-end posts each
account month's profit once (bank profit expense → the account), the balance follows, and
a rerun posts nothing new. Amounts worked by hand (5% a year, rounded down)."""

from __future__ import annotations

from sqlalchemy import text

from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.services import day_end, ledger, youth, youth_profit

from .conftest import START
from .helpers import customer, world

D = parse_jalali


def _profit_rows(c: Container) -> list[tuple[str, str, int]]:
    uow = c.uow()
    with uow:
        rows = uow.session.execute(
            text(
                "SELECT e.request_id, e.business_date, -p.amount FROM journal_entries e "
                "JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts l "
                "ON l.id = p.ledger_account_id WHERE e.kind = 'youth.profit' "
                "AND l.code LIKE 'YF:%' ORDER BY e.request_id"
            )
        ).all()
    return [(r, str(d), int(x)) for r, d, x in rows]


def test_day_end_posts_profit_once_per_account_month(container: Container) -> None:
    c = container
    assert D("1403/01/15") == START
    w = world(c)
    cid = customer(w, "0499370899")
    acc = youth.open_account(
        c.uow(),
        w.officer,
        c.policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=10_000_000,
        request_id="open-1",
    )
    day_end.advance(c.uow(), w.supervisor, D("1403/03/20"))
    expected = [
        (f"yf-profit:{acc.id}:0001", "2024-05-04", 41_666),
        (f"yf-profit:{acc.id}:0002", "2024-06-04", 41_840),
    ]
    assert _profit_rows(c) == expected
    assert youth.get_account(c.uow(), w.officer, acc.id).balance == 10_083_506
    uow = c.uow()
    with uow:
        assert ledger.raw_balance(uow, ledger.SAVINGS_PROFIT_EXPENSE) == 83_506
        assert ledger.ledger_total(uow) == 0
        # a rerun at the same date finds every month posted
        again = youth_profit.post_all(uow, c.policy, D("1403/03/20"), user_id=None)
        uow.commit()
    assert again == youth_profit.Posted(0, 0, 0)
    assert _profit_rows(c) == expected
    # the entitlement's structures leave the profit out (shipped policy)
    s = youth.account_structures(c.uow(), w.officer, c.policy, acc.id)
    assert [v for _, _, v in s.months] == [10_000_000, 10_000_000]
