"""Two loans' whole lives on the in-memory unit of work, through the use cases only: an
employment loan from set-up to repayment, and a youth-fund housing loan from the saver's
first deposit to settlement. No database; the expected figures are worked out by hand in
the comments (docs/rules.md §2 and §5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tashilat.domain.jalali import account_month_start, parse_jalali
from tashilat.policy import PolicySnapshot
from tashilat.services import day_end, employment, ledger, loans, youth
from tashilat.services.auth import Actor
from tashilat.services.errors import Forbidden, Refused
from tests.fakes import FakeStore, FakeUnitOfWork

from .conftest import OFFICER, SUPERVISOR

D = parse_jalali
BN = 10**9

ADMIN = Actor(1, "admin", "admin")
AGENCY = Actor(11, "agency1", "agency_officer", agency_id=1)
AGENCY2 = Actor(12, "agency2", "agency_officer", agency_id=2)
BANK = Actor(13, "bank1", "bank_officer", bank_id=1)
PAYER = Actor(14, "payer1", "supervisor", branch_id=1, bank_id=1)
SUPERVISOR2 = Actor(5, "supervisor2", "supervisor", branch_id=1)


def _plan(uow: FakeUnitOfWork, policy: PolicySnapshot, nid: str, amount: int, **kw: Any) -> int:
    args: dict[str, Any] = {
        "national_id": nid,
        "name": "متقاضی",
        "province": "تهران",
        "agency_code": "A1",
        "amount": amount,
        "jobs": 2,
    }
    args.update(kw)
    actor = AGENCY if args["agency_code"] == "A1" else AGENCY2
    app, _ = employment.submit(uow, actor, policy, **args)
    return app.id


def _allocation(uow: FakeUnitOfWork, agency: str) -> dict[str, Any]:
    return next(r for r in employment.allocation_report(uow, ADMIN) if r["agency"] == agency)


def test_an_employment_loan_from_set_up_to_repayment(
    store: FakeStore, uow: FakeUnitOfWork, policy: PolicySnapshot
) -> None:
    store.business_date.on = D("1403/09/01")
    # set-up: two agencies, a bank, the allocations, an approved category, a monthly limit
    for code in ("A1", "A2"):
        employment.create_agency(uow, ADMIN, code=code, name_fa=code, name_en=code)
    employment.create_bank(uow, ADMIN, code="B1", name_fa="بانک یک", name_en="Bank One")
    a1 = employment.set_allocation(
        uow, ADMIN, policy, agency_code="A1", province="تهران", year=1403, amount=10 * BN
    )
    assert (a1.amount, a1.category_cap) == (10 * BN, 4 * BN)  # the approved categories' 40%
    employment.set_allocation(
        uow, ADMIN, policy, agency_code="A2", province="تهران", year=1403, amount=2 * BN
    )
    employment.add_category(uow, ADMIN, agency_code="A1", year=1403, code="C1", name_fa="صنایع")
    employment.set_monthly_limit(uow, ADMIN, bank_code="B1", year=1403, month=9, amount=5 * BN)

    # applications: two in the approved category at A1, two at A2
    first = _plan(uow, policy, "0499370899", 2_500_000_000, category_code="C1")
    second = _plan(uow, policy, "0790419904", 2 * BN, category_code="C1")
    third = _plan(uow, policy, "0084575948", 1_500_000_000, agency_code="A2")
    fourth = _plan(uow, policy, "0067749828", BN, agency_code="A2")
    assert store.employment.applications[first].approved_category
    assert store.employment.applications[first].state == "submitted"

    # introduction reserves the slot and the allocation with its category share
    app = employment.introduce(uow, AGENCY, policy, app_id=first, bank_code="B1")
    assert (app.state, app.bank_id, app.allocation_id) == ("introduced", 1, 1)
    a = _allocation(uow, "A1")
    assert (a["reserved_rial"], a["category_used_rial"], a["free_rial"]) == (
        2_500_000_000,
        2_500_000_000,
        7_500_000_000,
    )
    # 7.5 bn of the allocation is free, but the category share has 4 - 2.5 = 1.5 bn left
    with pytest.raises(Refused) as refused:
        employment.introduce(uow, AGENCY, policy, app_id=second, bank_code="B1")
    assert refused.value.code == "allocation.category_share"
    assert refused.value.details["category_left_rial"] == 1_500_000_000
    assert store.employment.applications[second].state == "submitted"
    assert not store.employment.holds_slot(second)  # the slot taken in the attempt rolled back
    # A2: 2 bn; 1.5 bn introduced leaves 0.5 bn, too little for 1 bn
    employment.introduce(uow, AGENCY2, policy, app_id=third, bank_code="B1")
    with pytest.raises(Refused) as refused:
        employment.introduce(uow, AGENCY2, policy, app_id=fourth, bank_code="B1")
    assert refused.value.code == "allocation.exhausted"
    assert refused.value.details["free_rial"] == 500_000_000

    # guarantees: 2.5 bn needs two guarantors (or a grade, a note and a guarantor)
    employment.add_guarantee(uow, BANK, app_id=first, kind="guarantor", national_id="1234567891")
    assert employment.guarantee_status(uow, BANK, policy, first).outcome != "met"
    employment.add_guarantee(uow, BANK, app_id=first, kind="guarantor", national_id="0013542419")
    assert employment.guarantee_status(uow, BANK, policy, first).outcome == "met"

    assert employment.approve(uow, BANK, policy, app_id=first).state == "approved"
    paid = employment.disburse(uow, PAYER, policy, app_id=first)
    assert (paid.application.state, paid.samat_code, paid.exempt) == (
        "disbursed",
        "SAMAT-1403-0000001",
        True,  # mandated and under 3 bn: paid beyond the monthly limit, counted apart
    )
    assert store.employment.monthly_limits[(1, 1403, 9)] == [5 * BN, 0, 2_500_000_000]
    a = _allocation(uow, "A1")
    assert (a["reserved_rial"], a["posted_rial"], a["category_used_rial"]) == (
        0,
        2_500_000_000,
        2_500_000_000,
    )
    # one loan per person: a new plan through another agency is refused with the SAMAT code
    with pytest.raises(Refused) as refused:
        _plan(uow, policy, "0499370899", BN, agency_code="A2")
    assert refused.value.code == "employment.refused"
    assert "SAMAT-1403-0000001" in refused.value.message_en

    # the fee schedule: 6 grace months of fee only (2.5 bn x 4% / 12), then 84 instalments
    _, _, insts = employment.get(uow, BANK, first)
    assert len(insts) == 90
    assert [(i.principal, i.profit) for i in insts[:2]] == [(0, 8_333_333), (0, 8_333_333)]
    assert insts[0].due == D("1403/10/01")
    assert sum(i.principal for i in insts) == 2_500_000_000

    # day-end 1403/11/01: instalment 1 is 30 days late; (4% + 6 points) on 8,333,333 for
    # 30/365 of a year = 68,493.2, rounded down to 68,493 rial
    day_end.advance(uow, SUPERVISOR, D("1403/11/01"))
    _, _, insts = employment.get(uow, BANK, first)
    assert [i.penalty_accrued for i in insts[:3]] == [68_493, 0, 0]
    with uow:
        assert ledger.trial_balance(uow)[employment.penalty_code(first)] == 68_493

    # repayment: the charge, then the two fees due (8,333,333 x 2), oldest first
    r = employment.repay(
        uow, BANK, policy, app_id=first, amount=68_493 + 16_666_666, request_id="rep-1"
    )
    assert (r.penalty, r.fee, r.principal, r.state, r.replayed) == (
        68_493,
        16_666_666,
        0,
        "repaying",
        False,
    )
    again = employment.repay(uow, BANK, policy, app_id=first, amount=1, request_id="rep-1")
    assert again.replayed and again.penalty == again.fee == 0
    with uow:
        tb = ledger.trial_balance(uow)
        assert uow.ledger.total() == 0
    assert tb[ledger.SETTLEMENT] == -2_500_000_000 + 16_735_159
    assert tb[ledger.FEE_INCOME] == -16_666_666
    assert tb[ledger.PENALTY_INCOME] == -68_493
    assert tb[employment.penalty_code(first)] == 0
    assert tb[employment.principal_code(first)] == 2_500_000_000
    assert [x.action for x in store.audit if x.target == f"application:{first}"] == [
        "employment.submit",
        "employment.introduce",
        "employment.guarantee",
        "employment.guarantee",
        "employment.approve",
        "employment.disburse",
        "employment.repay",
    ]


def test_a_housing_loan_from_the_first_deposit_to_settlement(
    store: FakeStore, uow: FakeUnitOfWork, policy: PolicySnapshot
) -> None:
    start = D("1403/01/15")
    cid = youth.create_customer(
        uow, OFFICER, national_id="0499370899", name="سارا", birth_date=D("1375/04/10")
    ).id
    acc = youth.open_account(
        uow,
        OFFICER,
        policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=20_000_000,
        request_id="open-1",
    )
    # three years of the deposit table (20.0, 21.6, 23.2 million a month)
    for m in range(2, 37):
        day_end.advance(uow, SUPERVISOR, account_month_start(start, m))
        youth.deposit(
            uow,
            OFFICER,
            account_id=acc.id,
            amount=(20_000_000, 21_600_000, 23_200_000)[(m - 1) // 12],
            request_id=f"dep-{m}",
        )
    day_end.advance(uow, SUPERVISOR, D("1406/01/15"))

    # maker: 1.2 bn over 12 months (at most 80% of the 3 bn appraisal, within 16 bn)
    loan, offer = loans.request_loan(
        uow,
        OFFICER,
        policy,
        account_id=acc.id,
        amount=1_200_000_000,
        months=12,
        method="simple",
        appraisal=3 * BN,
    )
    assert (loan.status, offer.value.max_rial, offer.value.entitlement_rial) == (
        "requested",
        2_400_000_000,
        16_000_000_000,
    )
    with pytest.raises(Forbidden):
        loans.decide(uow, OFFICER, loan_id=loan.id, approve=True)
    assert loans.decide(uow, SUPERVISOR, loan_id=loan.id, approve=True).status == "approved"
    loan = loans.disburse(uow, SUPERVISOR2, policy, loan_id=loan.id, request_id="disb-1")
    assert (loan.status, loan.disbursed_on) == ("disbursed", D("1406/01/15"))
    assert store.accounts.rows[acc.id].privilege_used
    _, insts = loans.get_loan(uow, OFFICER, loan.id)
    # 9% a year: 0.75% a month on 1.2 bn is 9,000,000 of profit in the first instalment
    assert [(i.amount, i.principal, i.profit) for i in insts[:2]] == [
        (104_941_772, 95_941_772, 9_000_000),
        (104_941_772, 96_661_335, 8_280_437),
    ]
    assert sum(i.principal for i in insts) == 1_200_000_000

    # twelve payments, the fifth 30 days late: (9% + 6 points) on 104,941,772 for 30/365
    # of a year = 1,293,802.7, rounded down to 1,293,802 rial of late charge, accrued at day-end
    charge = 1_293_802
    for inst in insts:
        pay_day = inst.due + timedelta(days=30 if inst.number == 5 else 0)
        today = store.business_date.on
        assert today is not None
        if pay_day > today:
            day_end.advance(uow, SUPERVISOR, pay_day)
        r = loans.repay(
            uow,
            OFFICER,
            policy,
            loan_id=loan.id,
            amount=inst.amount + (charge if inst.number == 5 else 0),
            request_id=f"rep-{inst.number}",
        )
        assert r.penalty == (charge if inst.number == 5 else 0)
    assert r.loan_status == "settled"
    loan, insts = loans.get_loan(uow, OFFICER, loan.id)
    assert (loan.status, loan.settled_on) == ("settled", insts[-1].due)
    assert all(i.paid_on is not None for i in insts)
    assert (insts[4].penalty_accrued, insts[4].penalty_paid) == (charge, charge)
    assert not store.accounts.has_open_loan(acc.id)
    with uow:
        tb = ledger.trial_balance(uow)
        assert uow.ledger.total() == 0
    assert tb[loans.principal_code(loan.id)] == 0
    assert tb[loans.penalty_code(loan.id)] == 0
    assert tb[ledger.PENALTY_INCOME] == -charge
    assert tb[ledger.PROFIT_INCOME] == -(12 * 104_941_772 - 1_200_000_000)
    rows, total = loans.list_loans(uow, OFFICER, offset=0, limit=10, status="settled")
    assert total == 1 and rows[0].id == loan.id


def test_a_customer_without_a_customer_record_lists_no_loans(uow: FakeUnitOfWork) -> None:
    stray = Actor(20, "stray", "customer")
    assert loans.list_loans(uow, stray, offset=0, limit=10) == ([], 0)


def test_a_loan_beyond_the_monthly_limit_waits_for_next_month_and_nothing_is_paid(
    store: FakeStore, uow: FakeUnitOfWork, policy: PolicySnapshot
) -> None:
    store.business_date.on = D("1403/09/01")
    employment.create_agency(uow, ADMIN, code="A1", name_fa="A1", name_en="A1")
    employment.create_bank(uow, ADMIN, code="B1", name_fa="بانک یک", name_en="Bank One")
    employment.set_allocation(
        uow, ADMIN, policy, agency_code="A1", province="تهران", year=1403, amount=10 * BN
    )
    employment.set_monthly_limit(uow, ADMIN, bank_code="B1", year=1403, month=9, amount=BN)
    # not mandated: the monthly limit applies, and 1.2 bn does not fit in 1 bn
    app_id = _plan(uow, policy, "0499370899", 1_200_000_000, mandated=False)
    employment.introduce(uow, AGENCY, policy, app_id=app_id, bank_code="B1")
    employment.add_guarantee(uow, BANK, app_id=app_id, kind="credit_score", grade="B")
    employment.approve(uow, BANK, policy, app_id=app_id)
    with pytest.raises(Refused) as refused:
        employment.disburse(uow, PAYER, policy, app_id=app_id)
    assert refused.value.code == "monthly_limit.used"
    assert refused.value.details["waiting_for"] == "1403/10"
    app = store.employment.applications[app_id]
    assert (app.state, app.waiting_for_month, app.samat_loan_id) == ("approved", "1403/10", None)
    assert store.employment.monthly_limits[(1, 1403, 9)] == [BN, 0, 0]
    assert store.employment.instalments(app_id) == []
    assert store.ledger.trial_balance() == {}
    assert store.audit[-1].action == "employment.disburse.queued"
