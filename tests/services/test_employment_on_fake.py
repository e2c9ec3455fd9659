"""The employment repository's contracts on the in-memory fake, and the one explanation of
an introduction's refusal (docs/rules.md §2). The SQL implementations of the same methods
are exercised on SQLite and PostgreSQL by tests/integration/test_employment*.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tashilat.domain.programs.employment.allocation import AllocationUse
from tashilat.services.employment.introduction import allocation_refusal, slot_taken
from tests.fakes import FakeUnitOfWork
from tests.fakes.employment import FakeEmploymentRepository, FakeSlotHolder

ON = date(2024, 6, 1)
BN = 10**9


def reserve(repo: FakeEmploymentRepository, app: int, nid: str, amount: int, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "application_id": app,
        "national_id": nid,
        "slot": 1,
        "agency_id": 1,
        "province": "تهران",
        "year": 1403,
        "amount": amount,
        "category": 0,
        "repeat_amount": 0,
        "bank_id": 5,
        "repeat": False,
        "on": ON,
        "user_id": 9,
        "username": "agency",
        "request_id": f"r-{app}",
        "detail": "BMI",
    }
    args.update(kw)
    return repo.reserve_introduction(**args)


def world() -> FakeEmploymentRepository:
    repo = FakeEmploymentRepository()
    repo.add_allocation(
        agency_id=1,
        province="تهران",
        year=1403,
        amount=10 * BN,
        category_cap=4 * BN,
        repeat_cap=2 * BN,
    )
    return repo


def test_an_introduction_reserves_the_slot_and_the_allocation() -> None:
    repo = world()
    assert reserve(repo, 1, "0012345679", 3 * BN, category=3 * BN) == (True, 1)
    use = repo.allocation_use(1, "تهران", 1403)
    assert use is not None
    assert (use.reserved, use.category_reserved, use.free, use.category_left) == (
        3 * BN,
        3 * BN,
        7 * BN,
        1 * BN,
    )
    assert repo.introduced == [{"application_id": 1, "username": "agency", "request_id": "r-1"}]
    assert repo.holds_slot(1)


def test_the_allocation_is_never_exceeded() -> None:
    repo = world()
    assert reserve(repo, 1, "0012345679", 9 * BN) == (True, 1)
    assert reserve(repo, 2, "0023456781", 2 * BN) == (True, None)


def test_the_forty_percent_share_of_approved_categories_is_never_exceeded() -> None:
    repo = world()
    assert reserve(repo, 1, "0012345679", 3 * BN, category=3 * BN) == (True, 1)
    # the allocation has 7 bn left, but the approved categories' share only 1 bn
    assert reserve(repo, 2, "0023456781", 2 * BN, category=2 * BN) == (True, None)
    assert reserve(repo, 3, "0034567892", 2 * BN) == (True, 1)


def test_one_slot_per_person() -> None:
    repo = world()
    assert reserve(repo, 1, "0012345679", BN) == (True, 1)
    assert reserve(repo, 2, "0012345679", BN) == (False, None)
    assert repo.slot_holder("0012345679", 1) == FakeSlotHolder(1)


def test_a_failed_introduction_is_rolled_back_by_the_unit_of_work() -> None:
    uow = FakeUnitOfWork()
    uow.store.employment = world()
    with uow:
        assert reserve(uow.employment, 1, "0012345679", 11 * BN) == (True, None)
        uow.rollback()
    with uow:
        # the slot taken during the refused attempt was not kept
        assert uow.employment.slot_holder("0012345679", 1) is None
        assert reserve(uow.employment, 2, "0012345679", BN) == (True, 1)
        uow.commit()
    assert uow.store.employment.holds_slot(2)


def test_disbursing_posts_and_rejecting_releases() -> None:
    repo = world()
    reserve(repo, 1, "0012345679", 2 * BN, category=2 * BN)
    reserve(repo, 2, "0023456781", BN, slot=2, repeat_amount=BN, repeat=True)
    repo.post_reservation(
        application_id=1,
        allocation_id=1,
        amount=2 * BN,
        category=2 * BN,
        repeat_amount=0,
        samat_loan_id=40,
    )
    repo.release_reservation(
        application_id=2, allocation_id=1, amount=BN, category=0, repeat_amount=BN
    )
    assert repo.allocation_use(1, "تهران", 1403) == AllocationUse(
        1, 10 * BN, 0, 2 * BN, 4 * BN, 0, 2 * BN, 2 * BN, 0, 0
    )
    assert repo.slot_holder("0012345679", 1) == FakeSlotHolder(1, "SAMAT-40")
    assert repo.slot_holder("0023456781", 2) is None


def test_the_monthly_limit_with_the_mandated_exemption() -> None:
    repo = FakeEmploymentRepository()
    repo.monthly_limits[(5, 1403, 3)] = [5 * BN, 0, 0]
    kw = {"bank_id": 5, "year": 1403, "month": 3}
    assert repo.use_monthly_limit(**kw, amount=4 * BN, exempt=False)
    assert not repo.use_monthly_limit(**kw, amount=2 * BN, exempt=False)
    # a mandated loan under 3 bn is paid beyond the limit, and counted apart
    assert repo.use_monthly_limit(**kw, amount=2 * BN, exempt=True)
    assert repo.monthly_limits[(5, 1403, 3)] == [5 * BN, 4 * BN, 2 * BN]
    # a month without a limit set does not hold a loan back
    assert repo.use_monthly_limit(bank_id=5, year=1403, month=4, amount=9 * BN, exempt=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=4), st.booleans(), st.booleans(), st.booleans()
        ),
        max_size=25,
    )
)
def test_no_sequence_of_introductions_and_releases_breaks_the_caps(
    steps: list[tuple[int, bool, bool, bool]],
) -> None:
    repo = world()
    held: list[tuple[int, int, int, int]] = []
    for n, (bn, category, repeat, release) in enumerate(steps):
        if release and held:
            app, amt, cat, rep = held.pop(0)
            repo.release_reservation(
                application_id=app, allocation_id=1, amount=amt, category=cat, repeat_amount=rep
            )
            continue
        amt = bn * BN
        cat, rep = (amt if category else 0), (amt if repeat else 0)
        _, alloc = reserve(repo, n, f"{n:010d}", amt, category=cat, repeat_amount=rep)
        if alloc is not None:
            held.append((n, amt, cat, rep))
        use = repo.allocation_use(1, "تهران", 1403)
        assert use is not None
        assert 0 <= use.reserved + use.posted <= use.amount
        assert 0 <= use.category_reserved <= use.category_cap
        assert 0 <= use.repeat_reserved <= use.repeat_cap


# -- the one explanation of a refusal ------------------------------------------------------


USE = AllocationUse(1, 10 * BN, 6 * BN, 3 * BN, 4 * BN, 3 * BN, 0, 2 * BN, 1_500_000_000, 0)


def test_no_allocation() -> None:
    r = allocation_refusal(
        None, province="تهران", year=1403, amount=BN, category=0, repeat_amount=0
    )
    assert r.code == "allocation.missing"
    assert r.message_fa == "دستگاه برای استان تهران در سال 1403 تخصیصی ندارد."


def test_not_enough_left() -> None:
    r = allocation_refusal(
        USE, province="تهران", year=1403, amount=2 * BN, category=0, repeat_amount=0
    )
    assert r.code == "allocation.exhausted"
    assert r.message_en == (
        "The agency's allocation has 1,000,000,000 rial left, not enough for 2,000,000,000."
    )
    assert r.details["free_rial"] == 1_000_000_000


def test_the_category_share_used_up() -> None:
    use = AllocationUse(1, 10 * BN, 4 * BN, 0, 4 * BN, 3_500_000_000, 0, 2 * BN, 0, 0)
    r = allocation_refusal(
        use, province="تهران", year=1403, amount=BN, category=BN, repeat_amount=0
    )
    assert r.code == "allocation.category_share"
    assert r.message_fa == (
        "سهم ۴۰ درصدی رسته‌های مصوب از تخصیص (4,000,000,000 ریال) پر شده است؛ "
        "مانده 500,000,000 ریال."
    )


def test_a_repeat_loan_in_an_approved_category_is_told_the_share_that_refused_it() -> None:
    # the category share has room (1 bn); the repeat share has 0.5 bn
    r = allocation_refusal(
        USE, province="تهران", year=1403, amount=BN, category=BN, repeat_amount=BN
    )
    assert r.code == "allocation.repeat_share"
    assert r.message_en == (
        "The repeat loans' share of the allocation is used up (500,000,000 rial left)."
    )


def test_a_second_loan_is_refused_with_its_samat_code() -> None:
    r = slot_taken(FakeSlotHolder(None, "SAMAT-1402-0000042", date(2023, 6, 1)))
    assert r.code == "employment.one_loan_per_person"
    assert r.details["samat_code"] == "SAMAT-1402-0000042"
    assert r.details["disbursed_on"] == "1402/03/11"


def test_an_application_in_progress_holds_the_slot() -> None:
    r = slot_taken(FakeSlotHolder(17))
    assert r.code == "employment.application_in_progress"
    assert r.details["application_id"] == 17


# -- the citizen's check on the fake registry ----------------------------------------------


def citizen_check(uow: FakeUnitOfWork, nid: str) -> list[tuple[str, bool]]:
    from tashilat.policy import default_policy
    from tashilat.services import employment

    a = employment.check(uow, default_policy(), on=ON, amount=BN, national_id=nid)
    return [(r.code, r.passed) for r in a.eligibility.reasons]


def test_the_check_finds_a_prior_samat_loan_and_an_application_in_progress() -> None:
    from tashilat.domain.programs.employment.rules import PriorLoan

    uow = FakeUnitOfWork()
    uow.store.employment.samat["0012345679"] = [
        PriorLoan("SAMAT-1402-0000042", date(2023, 6, 1), "BMI", "IMAM", BN)
    ]
    uow.store.employment.slots[("0034567895", 1)] = FakeSlotHolder(3)
    assert citizen_check(uow, "0012345679") == [
        ("employment.cap", True),
        ("employment.one_loan_per_person", False),
    ]
    assert citizen_check(uow, "0034567895") == [
        ("employment.cap", True),
        ("employment.application_in_progress", False),
    ]
    assert citizen_check(uow, "0023456787") == [
        ("employment.cap", True),
        ("employment.one_loan_per_person", True),
    ]


def test_the_guarantees_offered_are_summed_up_from_the_repository() -> None:
    from tashilat.domain.programs.employment.rules import Offered
    from tashilat.services import employment
    from tashilat.services.ports.employment import GuaranteeRecord

    uow = FakeUnitOfWork()
    repo = uow.store.employment
    for kind, nid, grade in [
        ("credit_score", None, "C"),
        ("guarantor", "0023456787", None),
        ("credit_score", None, "B"),
        ("promissory_note", None, None),
    ]:
        repo.add_guarantee(GuaranteeRecord(0, 4, kind, nid, grade))
    repo.add_guarantee(GuaranteeRecord(0, 5, "guarantor", "0034567895", None))
    with uow:
        assert employment.offered(uow, 4) == Offered(
            credit_grade="B", promissory_note=True, guarantors=("0023456787",)
        )


def test_a_repayment_on_the_fake_schedule_spreads_oldest_first() -> None:
    from tashilat.domain.finance import fee_schedule
    from tashilat.domain.servicing import apply_payment
    from tashilat.services import loan_servicing

    repo = FakeEmploymentRepository()
    sched = fee_schedule(1_200_000, Decimal(4), 12, start=ON)
    repo.add_instalments(8, loan_servicing.instalment_fields(sched))
    insts = repo.instalments(8, unpaid=True)
    # the first two instalments: 7,673 rial of fee and 196,687 of principal
    assert apply_payment(insts, 204_360, ON) == (0, 7_673, 196_687)
    # nothing is saved until asked
    assert len(repo.instalments(8, unpaid=True)) == 12
    repo.save_instalments(insts)
    assert [i.number for i in repo.instalments(8, unpaid=True)] == list(range(3, 13))
