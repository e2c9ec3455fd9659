"""The youth fund end to end through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tashilat.bootstrap import Container
from tashilat.domain.finance import late_penalty
from tashilat.domain.jalali import account_month_start, add_months, parse_jalali
from tashilat.services import calendar, day_end, ledger, loans, youth
from tashilat.services.errors import Conflict, Forbidden, Refused

from .conftest import START
from .helpers import customer, world


def assert_balanced(c: Container) -> None:
    uow = c.uow()
    with uow:
        assert ledger.ledger_total(uow) == 0
        # each youth account's balance equals its postings
        rows = uow.session.execute(
            text(
                "SELECT a.balance, COALESCE(-SUM(p.amount), 0) FROM youth_accounts a "
                "LEFT JOIN postings p ON p.ledger_account_id = a.ledger_account_id "
                "GROUP BY a.id, a.balance"
            )
        ).all()
        assert all(b == s for b, s in rows), rows


def test_open_deposit_three_years_then_entitlement_and_a_loan(container: Container) -> None:
    c = container
    w = world(c)
    cid = customer(w, "0499370899")
    table = [int(x) for x in c.policy.resolve("youth_fund.deposit_table", START).value]
    acc = youth.open_account(
        c.uow(),
        w.officer,
        c.policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=table[0],
        request_id="open-1",
    )
    assert acc.tier == 1 and acc.cohort == 1403 and acc.balance == table[0]
    for m in range(2, 37):
        day = account_month_start(START, m)
        day_end.advance(c.uow(), w.supervisor, day)
        youth.deposit(
            c.uow(),
            w.officer,
            account_id=acc.id,
            amount=table[(m - 1) // 12],
            request_id=f"dep-{m}",
        )
    assert_balanced(c)
    day_end.advance(c.uow(), w.supervisor, parse_jalali("1406/01/15"))
    _, decision = youth.account_entitlement(c.uow(), w.officer, c.policy, acc.id)
    assert decision.value.entitlement_rial == 16_000_000_000
    assert decision.outcome == "eligible"

    # statement: running balance ends at the account balance
    a, opening, lines = youth.statement(c.uow(), w.officer, acc.id)
    assert opening == 0 and lines[-1].balance == a.balance == sum(line.amount for line in lines)

    # the loan: maker requests, the same person cannot approve, a second one does
    loan, _offer = loans.request_loan(
        c.uow(),
        w.officer,
        c.policy,
        account_id=acc.id,
        amount=10_000_000_000,
        months=240,
        method="simple",
        appraisal=20_000_000_000,
    )
    with pytest.raises(Forbidden):
        loans.decide(c.uow(), w.officer, loan_id=loan.id, approve=True)  # officers cannot approve
    loans.decide(c.uow(), w.supervisor, loan_id=loan.id, approve=True)
    loans.disburse(c.uow(), w.supervisor2, c.policy, loan_id=loan.id, request_id="disb-1")
    assert_balanced(c)
    _, used = youth.account_entitlement(c.uow(), w.officer, c.policy, acc.id)
    assert used.outcome == "privilege_used"
    assert used.value.privilege_used is True
    assert used.value.privilege_used_how == "loan"
    assert used.value.privilege_used_on == parse_jalali("1406/01/15")
    assert used.value.privilege_loan_rial == 10_000_000_000
    assert used.value.remaining_rial == 0 and used.value.entitlement_rial == 0
    why = next(r for r in used.reasons if r.code == "youth_fund.privilege_used")
    assert "1406/01/15" in why.message_en and "10,000,000,000" in why.message_en
    assert not why.passed and why.message_fa
    # a used privilege cannot be transferred, even to a spouse; nothing is written
    spouse = customer(w, "0790419904")
    with pytest.raises(Refused) as refused:
        youth.transfer_privilege(
            c.uow(),
            w.officer,
            c.policy,
            account_id=acc.id,
            to_national_id="0790419904",
            relation="spouse",
        )
    assert [r.code for r in refused.value.reasons if not r.passed] == ["transfer.privilege_used"]
    after, _ = youth.account_entitlement(c.uow(), w.officer, c.policy, acc.id)
    assert after.privilege_holder_id == cid != spouse
    with c.uow() as uow:
        assert uow.accounts.transfers(acc.id, parse_jalali("1406/01/15")) == []
    _, insts = loans.get_loan(c.uow(), w.officer, loan.id)
    assert len(insts) == 240 and sum(i.principal for i in insts) == 10_000_000_000
    level = insts[0].amount
    assert level == insts[1].amount

    late_n = 5
    expected_penalty = late_penalty(level, Decimal(9), days_late=30)
    for inst in insts[:12]:
        pay_day = inst.due + timedelta(days=30 if inst.number == late_n else 0)
        if pay_day > calendar.get(c.uow()):
            day_end.advance(c.uow(), w.supervisor, pay_day)
        amount = inst.amount + (expected_penalty if inst.number == late_n else 0)
        r = loans.repay(
            c.uow(),
            w.officer,
            c.policy,
            loan_id=loan.id,
            amount=amount,
            request_id=f"rep-{inst.number}",
        )
        if inst.number == late_n:
            assert r.penalty == expected_penalty
        assert_balanced(c)
    _, insts = loans.get_loan(c.uow(), w.officer, loan.id)
    assert all(i.paid_on is not None for i in insts[:12])
    assert insts[late_n - 1].penalty_accrued == insts[late_n - 1].penalty_paid == expected_penalty
    assert insts[12].paid_on is None
    uow = c.uow()
    with uow:
        tb = ledger.trial_balance(uow)
    assert tb[ledger.PENALTY_INCOME] == -expected_penalty
    assert tb[loans.principal_code(loan.id)] == 10_000_000_000 - sum(
        i.principal for i in insts[:12]
    )


def test_withdrawal_below_the_floor_is_refused_with_reasons(container: Container) -> None:
    w = world(container)
    cid = customer(w, "0790419904")
    acc = youth.open_account(
        container.uow(),
        w.officer,
        container.policy,
        customer_id=cid,
        city="Isfahan",
        opening_deposit=50_000_000,
        request_id="o",
    )
    assert acc.tier == 2
    youth.withdraw(
        container.uow(),
        w.officer,
        container.policy,
        account_id=acc.id,
        amount=40_000_000,
        request_id="w1",
    )
    with pytest.raises(Refused) as exc:
        youth.withdraw(
            container.uow(),
            w.officer,
            container.policy,
            account_id=acc.id,
            amount=1,
            request_id="w2",
        )
    assert exc.value.reasons[0].code == "withdrawal.floor"
    assert youth.get_account(container.uow(), w.officer, acc.id).balance == 10_000_000
    assert_balanced(container)


def test_a_retried_deposit_posts_once_and_a_reused_key_with_another_amount_conflicts(
    container: Container,
) -> None:
    w = world(container)
    cid = customer(w, "0084575948")
    acc = youth.open_account(
        container.uow(),
        w.officer,
        container.policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=20_000_000,
        request_id="o",
    )
    first = youth.deposit(
        container.uow(), w.officer, account_id=acc.id, amount=5_000_000, request_id="k1"
    )
    again = youth.deposit(
        container.uow(), w.officer, account_id=acc.id, amount=5_000_000, request_id="k1"
    )
    assert not first.replayed and again.replayed and again.balance == 25_000_000
    with pytest.raises(Conflict):
        youth.deposit(
            container.uow(), w.officer, account_id=acc.id, amount=6_000_000, request_id="k1"
        )
    assert youth.get_account(container.uow(), w.officer, acc.id).balance == 25_000_000


def test_the_ledger_is_append_only_in_the_database(container: Container) -> None:
    w = world(container)
    cid = customer(w, "0067749828")
    youth.open_account(
        container.uow(),
        w.officer,
        container.policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=20_000_000,
        request_id="o",
    )
    for sql in (
        "UPDATE postings SET amount = amount + 1",
        "DELETE FROM postings",
        "DELETE FROM journal_entries",
        "UPDATE audit_log SET outcome = 'x'",
    ):
        uow = container.uow()
        with uow, pytest.raises((DBAPIError, IntegrityError)):
            uow.session.execute(text(sql))
            uow.session.flush()
    assert_balanced(container)


def test_business_date_never_moves_back_and_only_supervisors_move_it(container: Container) -> None:
    from tashilat.domain.errors import InvalidInput

    w = world(container)
    day_end.advance(container.uow(), w.supervisor, add_months(START, 1))
    with pytest.raises(InvalidInput):
        day_end.advance(container.uow(), w.supervisor, START)
    with pytest.raises(Forbidden):
        day_end.advance(container.uow(), w.officer, add_months(START, 2))


def test_transfer_of_privilege_only_to_close_relatives(container: Container) -> None:
    w = world(container)
    holder = customer(w, "0499370899")
    customer(w, "0790419904")
    acc = youth.open_account(
        container.uow(),
        w.officer,
        container.policy,
        customer_id=holder,
        city="تهران",
        opening_deposit=20_000_000,
        request_id="o",
    )
    with pytest.raises(Refused):
        youth.transfer_privilege(
            container.uow(),
            w.officer,
            container.policy,
            account_id=acc.id,
            to_national_id="0790419904",
            relation="friend",
        )
    t = youth.transfer_privilege(
        container.uow(),
        w.officer,
        container.policy,
        account_id=acc.id,
        to_national_id="0790419904",
        relation="sibling",
    )
    assert (
        youth.get_account(container.uow(), w.officer, acc.id).privilege_holder_id
        == t.to_customer_id
    )


def test_closing_pays_out_and_stops_movements(container: Container) -> None:
    w = world(container)
    cid = customer(w, "0499370899")
    acc = youth.open_account(
        container.uow(),
        w.officer,
        container.policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=30_000_000,
        request_id="o",
    )
    closed = youth.close_account(container.uow(), w.officer, account_id=acc.id, request_id="c")
    assert closed.amount == 30_000_000
    with pytest.raises(Conflict):
        youth.deposit(container.uow(), w.officer, account_id=acc.id, amount=1, request_id="d")
    assert_balanced(container)
