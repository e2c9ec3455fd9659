"""Youth fund rules beyond the scenario files: structures, caps, servicing checks."""

from datetime import date, timedelta

import pytest

from tashilat.domain.decision import Status
from tashilat.domain.jalali import account_month_start, parse_jalali
from tashilat.domain.programs.youth_fund.rules import (
    Event,
    cap_for_year,
    cohort_terms,
    entitlement,
    monthly_structures,
    plan,
    reference_averages,
    yearly_averages,
)
from tashilat.domain.programs.youth_fund.servicing import (
    age_on,
    check_holder,
    check_transfer,
    check_withdrawal,
    loan_offer,
)
from tashilat.policy import PolicySnapshot

OPENED = parse_jalali("1403/01/15")


def test_lowest_balance_counts_the_days_before_a_mid_month_deposit() -> None:
    events = [Event(OPENED, 10_000_000), Event(OPENED + timedelta(days=10), 5_000_000)]
    assert monthly_structures(OPENED, events, 2) == [10_000_000, 15_000_000]
    assert monthly_structures(OPENED, events, 2, "closing_balance") == [15_000_000, 15_000_000]


def test_a_same_day_deposit_and_withdrawal_nets_at_end_of_day() -> None:
    events = [Event(OPENED, 10_000_000), Event(OPENED, 5_000_000), Event(OPENED, -5_000_000)]
    assert monthly_structures(OPENED, events, 1) == [10_000_000]


def test_a_withdrawal_late_in_the_month_sets_the_lowest_balance() -> None:
    second = account_month_start(OPENED, 2)
    events = [
        Event(OPENED, 50_000_000),
        Event(second + timedelta(days=20), -30_000_000),
        Event(second + timedelta(days=25), 30_000_000),
    ]
    assert monthly_structures(OPENED, events, 2) == [50_000_000, 20_000_000]


def test_yearly_average_is_the_floor_of_a_twelfth() -> None:
    assert yearly_averages([1] * 12 + [13] * 12) == [1, 13]
    assert yearly_averages([1] * 11 + [2]) == [1]  # 13 / 12 floors to 1
    assert yearly_averages([5] * 11) == []  # an incomplete year has no average


def test_reference_average_formula(policy: PolicySnapshot) -> None:
    terms = cohort_terms(policy, OPENED)
    d = terms.deposit_table
    assert reference_averages(terms, 3) == [
        d[0] * 13 // 2,
        12 * d[0] + d[1] * 13 // 2,
        12 * (d[0] + d[1]) + d[2] * 13 // 2,
    ]


def test_published_caps_are_not_marked_assumed(policy: PolicySnapshot) -> None:
    cap = cap_for_year(cohort_terms(policy, OPENED), 3, 1)
    assert not cap.interpolated
    assert [p.status for p in cap.provenance] == [Status.SEED]


def test_interpolated_caps_are_assumed_and_rounded_to_100_million(policy: PolicySnapshot) -> None:
    terms = cohort_terms(policy, parse_jalali("1400/05/01"))
    cap = cap_for_year(terms, 6, 2)  # between 3.6 (y5) and 8.5 (y15) billion
    assert cap.interpolated
    assert cap.amount == 4_000_000_000  # 3,600M + 4,900M / 10 = 4,090M, rounded down
    assert Status.ASSUMED in {p.status for p in cap.provenance}


def test_caps_freeze_after_the_maximum_wait(policy: PolicySnapshot) -> None:
    terms = cohort_terms(policy, OPENED)
    assert cap_for_year(terms, 14, 1).amount == 37_000_000_000


def test_the_tier_2_year_10_cap_carries_the_correction(policy: PolicySnapshot) -> None:
    cap = cap_for_year(cohort_terms(policy, OPENED), 10, 2)
    assert cap.amount == 31_500_000_000
    assert cap.provenance[0].status is Status.CORRECTED
    assert "53.1" in (cap.provenance[0].note or "")


def test_all_or_nothing_is_selectable(policy: PolicySnapshot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import yaml

    from tashilat.policy import default_root, load_policy

    root = tmp_path / "p"
    shutil.copytree(default_root(), root)
    f = root / "youth_fund.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    data["entitlement_mode"]["values"][0]["value"] = "all_or_nothing"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    strict = load_policy(root)
    half = plan(strict, opened_on=OPENED, tier=1, share_percent=50)
    full = plan(strict, opened_on=OPENED, tier=1, share_percent=100)
    assert half.value.years[2].entitlement_rial == 0
    assert full.value.years[2].entitlement_rial == 16_000_000_000


def test_decisions_carry_the_policy_hash_and_as_of(policy: PolicySnapshot) -> None:
    d = entitlement(policy, opened_on=OPENED, tier=1, events=[Event(OPENED, 10**7)], as_of=OPENED)
    assert d.policy_hash == policy.hash and d.as_of == OPENED
    assert d.outcome == "not_yet_eligible"


def test_movements_on_the_business_date_itself_are_not_yet_counted(policy: PolicySnapshot) -> None:
    on = parse_jalali("1406/01/15")
    base = [Event(OPENED, 10**9)]
    a = entitlement(policy, opened_on=OPENED, tier=1, events=base, as_of=on)
    b = entitlement(policy, opened_on=OPENED, tier=1, events=[*base, Event(on, 10**10)], as_of=on)
    assert a.value.entitlement_rial == b.value.entitlement_rial


class TestHolder:
    def test_age_in_jalali_years(self) -> None:
        assert age_on(parse_jalali("1385/05/10"), parse_jalali("1403/05/09")) == 17
        assert age_on(parse_jalali("1385/05/10"), parse_jalali("1403/05/10")) == 18

    def test_an_adult_may_hold_an_account(self, policy: PolicySnapshot) -> None:
        d = check_holder(policy, birth_date=parse_jalali("1380/01/01"), on=OPENED)
        assert d.outcome == "accepted" and d.value == 23

    def test_a_minor_needs_a_guardian(self, policy: PolicySnapshot) -> None:
        minor = parse_jalali("1395/01/01")
        refused = check_holder(policy, birth_date=minor, on=OPENED)
        assert refused.outcome == "refused"
        assert refused.failed[0].code == "holder.minor_without_guardian"
        ok = check_holder(
            policy, birth_date=minor, on=OPENED, guardian_birth_date=parse_jalali("1365/01/01")
        )
        assert ok.outcome == "accepted"


class TestWithdrawal:
    def test_a_withdrawal_down_to_the_floor_is_allowed(self, policy: PolicySnapshot) -> None:
        d = check_withdrawal(
            policy, opened_on=OPENED, balance=50_000_000, amount=40_000_000, on=OPENED
        )
        assert d.outcome == "accepted" and d.value == 40_000_000

    def test_below_the_floor_is_refused_with_the_maximum(self, policy: PolicySnapshot) -> None:
        d = check_withdrawal(
            policy, opened_on=OPENED, balance=50_000_000, amount=40_000_001, on=OPENED
        )
        assert d.outcome == "refused"
        assert "40,000,000" in d.failed[0].message_en
        assert d.failed[0].parameter == "youth_fund.min_opening_deposit"
        assert {w.status for w in d.warnings} == set()  # the 1403 floor is a seed figure


class TestTransfer:
    @pytest.mark.parametrize(
        "relation", ["spouse", "parent", "child", "sibling", "grandparent", "grandchild"]
    )
    def test_close_relatives(self, policy: PolicySnapshot, relation: str) -> None:
        d = check_transfer(policy, relation=relation, on=OPENED)
        assert d.outcome == "accepted"
        assert d.warnings and d.warnings[0].status is Status.ASSUMED

    @pytest.mark.parametrize("relation", ["cousin", "friend", "uncle"])
    def test_never_anyone_else(self, policy: PolicySnapshot, relation: str) -> None:
        assert check_transfer(policy, relation=relation, on=OPENED).outcome == "refused"


class TestLoanOffer:
    def offer(self, policy: PolicySnapshot, **kw):  # type: ignore[no-untyped-def]
        args = dict(
            opened_on=OPENED,
            entitlement_rial=16_000_000_000,
            appraisal_rial=30_000_000_000,
            requested_rial=16_000_000_000,
            months=240,
            method="simple",
            on=parse_jalali("1406/02/01"),
        )
        args.update(kw)
        return loan_offer(policy, **args)

    def test_within_every_limit_builds_the_schedule(self, policy: PolicySnapshot) -> None:
        d = self.offer(policy)
        assert d.outcome == "offered"
        assert d.value.schedule is not None
        assert sum(i.principal for i in d.value.schedule.instalments) == 16_000_000_000
        assert any(w.parameter == "youth_fund.loan.rate_percent" for w in d.warnings)

    def test_every_failed_condition_is_listed(self, policy: PolicySnapshot) -> None:
        d = self.offer(
            policy,
            requested_rial=17_000_000_000,
            appraisal_rial=20_000_000_000,
            months=300,
            method="balloon",
        )
        assert d.outcome == "refused"
        assert {r.code for r in d.failed} == {
            "loan.within_entitlement",
            "loan.within_appraisal",
            "loan.term",
            "loan.method",
        }
        assert d.value.max_rial == 16_000_000_000
        assert d.value.schedule is None

    def test_80_percent_of_the_appraisal(self, policy: PolicySnapshot) -> None:
        d = self.offer(policy, appraisal_rial=15_000_000_000, requested_rial=12_000_000_000)
        assert d.outcome == "offered" and d.value.appraisal_limit_rial == 12_000_000_000
        assert (
            self.offer(policy, appraisal_rial=15_000_000_000, requested_rial=12_000_000_001).outcome
            == "refused"
        )


def test_date_type_is_plain_date() -> None:
    assert isinstance(OPENED, date)


# -- a privilege already used ----------------------------------------------------------------


def _eligible_1403(policy: PolicySnapshot):  # type: ignore[no-untyped-def]
    terms = cohort_terms(policy, OPENED)
    events = [
        Event(account_month_start(OPENED, m), terms.deposit_for_year((m - 1) // 12 + 1))
        for m in range(1, 37)
    ]
    return entitlement(
        policy, opened_on=OPENED, tier=1, events=events, as_of=parse_jalali("1406/02/01")
    )


def test_a_loan_paid_out_consumes_the_privilege_and_says_when_and_how(
    policy: PolicySnapshot,
) -> None:
    from tashilat.domain.programs.youth_fund.rules import PrivilegeUse, with_privilege_use

    before = _eligible_1403(policy)
    assert before.outcome == "eligible" and before.value.entitlement_rial == 16_000_000_000
    d = with_privilege_use(
        before, [PrivilegeUse("loan", parse_jalali("1406/01/20"), loan_rial=12_000_000_000)]
    )
    assert d.outcome == "privilege_used"
    v = d.value
    assert (v.privilege_used, v.privilege_used_how, v.privilege_used_on) == (
        True,
        "loan",
        parse_jalali("1406/01/20"),
    )
    assert (v.privilege_loan_rial, v.remaining_rial, v.entitlement_rial) == (
        12_000_000_000,
        0,
        0,
    )
    assert v.eligible is False
    r = d.reasons[-1]
    assert r.code == "youth_fund.privilege_used" and not r.passed
    assert "1406/01/20" in r.message_en and "12,000,000,000" in r.message_en
    assert "1406/01/20" in r.message_fa and "12,000,000,000" in r.message_fa


def test_a_transfer_is_reported_and_leaves_the_entitlement_to_the_relative(
    policy: PolicySnapshot,
) -> None:
    from tashilat.domain.programs.youth_fund.rules import PrivilegeUse, with_privilege_use

    d = with_privilege_use(
        _eligible_1403(policy),
        [PrivilegeUse("transfer", parse_jalali("1405/03/01"), to_customer_id=7, relation="spouse")],
    )
    assert d.outcome == "eligible" and d.value.entitlement_rial == 16_000_000_000
    assert (d.value.privilege_used_how, d.value.privilege_used_on) == (
        "transfer",
        parse_jalali("1405/03/01"),
    )
    r = d.reasons[-1]
    assert r.code == "youth_fund.privilege_transferred" and r.passed
    assert "spouse" in r.message_en and "همسر" in r.message_fa and "1405/03/01" in r.message_en


def test_no_recorded_use_leaves_the_answer_unchanged(policy: PolicySnapshot) -> None:
    from tashilat.domain.programs.youth_fund.rules import with_privilege_use

    d = _eligible_1403(policy)
    assert with_privilege_use(d, []) is d
