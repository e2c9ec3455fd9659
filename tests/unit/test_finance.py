"""Unit tests of tashilat.domain.finance against docs/rules.md §5 and §3.2."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from tashilat.domain import finance
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import (
    Instalment,
    Method,
    Schedule,
    annuity_payment,
    build_schedule,
    fee_schedule,
    late_penalty,
    max_principal,
    months_to_repay,
    simple_schedule,
    stepwise_schedule,
)
from tashilat.domain.jalali import format_jalali, parse_jalali


def _check_invariants(s: Schedule) -> None:
    assert len(s.instalments) == s.grace_months + s.months
    assert [i.number for i in s.instalments] == list(range(1, len(s.instalments) + 1))
    assert sum(i.principal for i in s.instalments) == s.principal
    assert s.instalments[-1].balance == 0
    for i in s.instalments:
        assert i.amount == i.principal + i.profit


# --- docs/rules.md §5 test vector: simple repayment -------------------------------------------


def test_simple_vector_600m_17_5_percent_144_months() -> None:
    s = simple_schedule(600_000_000, Decimal("17.5"), 144)
    _check_invariants(s)
    assert s.method is Method.SIMPLE
    assert s.step_percent is None
    amounts = [i.amount for i in s.instalments]
    assert amounts[:143] == [9_992_322] * 143
    # the last instalment absorbs the accumulated rounding (0.038 rial a month, compounded)
    assert amounts[143] == 9_992_338
    assert s.total == 1_438_894_384
    assert s.total_profit == 838_894_384
    # first month: profit = 600,000,000 x 17.5% / 12 = 8,750,000
    first = s.instalments[0]
    assert first == Instalment(1, None, 9_992_322, 1_242_322, 8_750_000, 598_757_678)


def test_annuity_payment_is_exact_and_unrounded() -> None:
    level = annuity_payment(600_000_000, Decimal("17.5"), 144)
    assert isinstance(level, Decimal)
    assert Decimal("9992322.03") < level < Decimal("9992322.04")
    # independent check with exact fractions: P*i / (1 - (1+i)^-n)
    i = Fraction(175, 12_000)
    exact = 600_000_000 * i / (1 - (1 + i) ** -144)
    assert abs(Fraction(level) - exact) < Fraction(1, 10**30)
    assert annuity_payment(1_200_000, Decimal(0), 12) == 100_000


# --- docs/rules.md §5 test vector: stepwise repayment -----------------------------------------


def test_stepwise_vector_5_5bn_18_percent_240_months_3_percent_step() -> None:
    s = stepwise_schedule(5_500_000_000, Decimal(18), 240)
    _check_invariants(s)
    assert s.method is Method.STEPWISE
    assert s.step_percent == Decimal(3)
    amounts = [i.amount for i in s.instalments]
    assert amounts[:12] == [73_577_189] * 12  # year 1 (published: 7.357 million toman)
    assert amounts[12:24] == [75_784_505] * 12  # year 2 = year 1 x 1.03
    assert amounts[228:239] == [129_018_046] * 11  # year 20 (published: 12.901 million toman)
    assert amounts[239] == 129_017_907  # the last one absorbs the rounding
    assert s.total == 23_724_559_325
    # published "about 23,724,559,458" (2,372.455 million toman): 133 rial apart
    assert abs(s.total - 23_724_559_458) < 5_000


def test_stepwise_partial_last_year_uses_its_years_step() -> None:
    s = stepwise_schedule(1_000_000_000, Decimal(18), 30, step_percent=Decimal(10))
    _check_invariants(s)
    a = [i.amount for i in s.instalments]
    assert len(set(a[:12])) == 1 and len(set(a[12:24])) == 1 and len(set(a[24:29])) == 1
    # year 3 (months 25..30, a partial year) is year 1 x 1.1^2
    assert abs(a[12] - a[0] * Decimal("1.1")) <= 1
    assert abs(a[24] - a[0] * Decimal("1.21")) <= 1


def test_stepwise_zero_step_is_the_simple_schedule() -> None:
    step = stepwise_schedule(600_000_000, Decimal("17.5"), 144, step_percent=Decimal(0))
    simple = simple_schedule(600_000_000, Decimal("17.5"), 144)
    assert step.instalments == simple.instalments


# --- qard al-hasan fee ----------------------------------------------------------------------


def test_fee_schedule_is_an_annuity_labelled_fee() -> None:
    s = fee_schedule(3_000_000_000, Decimal(4), 60)
    _check_invariants(s)
    assert s.method is Method.FEE
    assert s.charge_label == "fee"
    assert s.charge_label_fa == "کارمزد"
    i = Fraction(4, 1200)
    level = 3_000_000_000 * i / (1 - (1 + i) ** -60)  # 55,249,566.4...
    assert 55_249_566 < level < Fraction(110_499_133, 2)
    assert s.instalments[0].amount == 55_249_566
    assert s.instalments[0].profit == 10_000_000  # the month's fee: 3bn x 4% / 12
    assert s.total_profit == s.total - 3_000_000_000
    # same numbers as a simple schedule at that rate; only the label differs
    simple = simple_schedule(3_000_000_000, Decimal(4), 60)
    assert s.instalments == simple.instalments
    assert simple.charge_label == "profit"
    assert simple.charge_label_fa == "سود"


def test_build_schedule_dispatches() -> None:
    args = (5_500_000_000, Decimal(18), 240)
    assert build_schedule(Method.STEPWISE, *args) == stepwise_schedule(*args)
    assert build_schedule("stepwise", *args, step_percent=Decimal(5)) == stepwise_schedule(
        *args, step_percent=Decimal(5)
    )
    assert build_schedule(Method.SIMPLE, *args) == simple_schedule(*args)
    assert build_schedule("fee", *args, grace_months=2) == fee_schedule(*args, grace_months=2)
    with pytest.raises(InvalidInput) as exc:
        build_schedule("balloon", *args)
    assert exc.value.code == "finance.method_unknown"


# --- grace months ---------------------------------------------------------------------------


def test_grace_months_pay_profit_only_then_the_schedule_follows() -> None:
    s = simple_schedule(120_000_000, Decimal(18), 12, grace_months=3)
    _check_invariants(s)
    assert len(s.instalments) == 15
    for k, inst in enumerate(s.grace_instalments, start=1):
        assert inst == Instalment(k, None, 1_800_000, 0, 1_800_000, 120_000_000)
    plain = simple_schedule(120_000_000, Decimal(18), 12)
    assert [i.number for i in s.repayments] == list(range(4, 16))
    assert [(i.amount, i.principal, i.profit, i.balance) for i in s.repayments] == [
        (i.amount, i.principal, i.profit, i.balance) for i in plain.instalments
    ]
    assert s.total == plain.total + 3 * 1_800_000


def test_grace_at_zero_rate_lists_zero_instalments() -> None:
    s = simple_schedule(1_000_000, Decimal(0), 3, grace_months=2)
    assert [i.amount for i in s.instalments] == [0, 0, 333_333, 333_333, 333_334]
    assert s.instalments[0] == Instalment(1, None, 0, 0, 0, 1_000_000)


# --- 0% and rounding units ------------------------------------------------------------------


def test_zero_rate() -> None:
    s = simple_schedule(1_000_000, Decimal(0), 3)
    assert [i.amount for i in s.instalments] == [333_333, 333_333, 333_334]
    assert s.total_profit == 0
    assert [i.balance for i in s.instalments] == [666_667, 333_334, 0]
    s = simple_schedule(1_000_000, Decimal(0), 3, rounding_unit=1_000)
    assert [i.amount for i in s.instalments] == [333_000, 333_000, 334_000]
    s = stepwise_schedule(100, Decimal(0), 7)
    assert [i.amount for i in s.instalments] == [14] * 6 + [16]


def test_rounding_unit_applies_to_all_but_the_last() -> None:
    s = simple_schedule(600_000_000, Decimal("17.5"), 144, rounding_unit=1_000)
    _check_invariants(s)
    assert {i.amount for i in s.instalments[:-1]} == {9_992_000}
    # 322.04 rial short every month, each shortfall accruing profit to the end:
    # about 322.04 x ((1+i)^144 - 1) / i = 155,500 more in the last instalment
    assert s.instalments[-1].amount == 10_147_524


def test_instalment_never_overpays_when_the_unit_is_large() -> None:
    # level 0.5 unit rounds up to a whole unit every month: the balance would go negative
    s = simple_schedule(1_500, Decimal(0), 3, rounding_unit=1_000)
    assert [(i.amount, i.balance) for i in s.instalments] == [(1_000, 500), (0, 500), (500, 0)]


def test_naive_last_instalment_bound_is_false_under_compounding() -> None:
    # The rounding shortfall of every instalment (here 476.6 rial) accrues profit until the
    # end, so the last instalment can differ from the regular one by far more than
    # months x unit / 2; the true bound (tested in tests/property) grows with (1+i)^n.
    s = simple_schedule(5_005_000_000, Decimal(23), 360, rounding_unit=1_000)
    regular, last = s.instalments[0].amount, s.instalments[-1].amount
    assert regular == 96_032_000
    assert last == 119_122_459
    assert abs(last - regular) > 360 * 1_000 // 2 + 1


# --- due dates (Jalali, clamped, never drifting) --------------------------------------------


def test_due_dates_add_jalali_months_with_clamped_day() -> None:
    s = simple_schedule(12_000_000, Decimal(18), 12, start=parse_jalali("1403/01/31"))
    dues = [format_jalali(i.due) for i in s.instalments if i.due is not None]
    assert dues[0] == "1403/02/31"
    assert dues[6] == "1403/08/30"  # month 8 has 30 days
    assert dues[11] == "1404/01/31"  # counted from the start: the clamp does not drift
    s = simple_schedule(12_000_000, Decimal(18), 3, start=parse_jalali("1403/06/31"))
    assert [format_jalali(i.due) for i in s.instalments if i.due] == [
        "1403/07/30",
        "1403/08/30",
        "1403/09/30",
    ]


def test_due_dates_continue_through_grace() -> None:
    start = parse_jalali("1403/12/30")  # 1403 is leap: Esfand has 30 days
    s = stepwise_schedule(12_000_000, Decimal(18), 12, grace_months=12, start=start)
    assert format_jalali(s.instalments[0].due or date.min) == "1404/01/30"
    assert format_jalali(s.instalments[11].due or date.min) == "1404/12/29"
    assert format_jalali(s.instalments[23].due or date.min) == "1405/12/29"
    assert simple_schedule(1_000, Decimal(1), 2).instalments[0].due is None


# --- late payment ---------------------------------------------------------------------------


def test_late_penalty_examples() -> None:
    # 10,000,000 at 9% + 6 = 15% for 30 days = floor(123,287.67) = 123,287
    assert late_penalty(10_000_000, Decimal(9), days_late=30) == 123_287
    # 1,000,000 at 18% + 6 = 24% for 365 days = 240,000 exactly
    assert late_penalty(1_000_000, Decimal(18), days_late=365) == 240_000
    # simple, never compounded: two years is 480,000 (compounded would be 537,600)
    assert late_penalty(1_000_000, Decimal(18), days_late=730) == 480_000
    # 7,777,777 at 17.5% + 6 = 23.5% for 1 day = 5,007.5... -> rounded down
    assert late_penalty(7_777_777, Decimal("17.5"), days_late=1) == 5_007
    # a 366-day basis and other penalty points are parameters
    assert late_penalty(3_660_000, Decimal(4), days_late=1, day_count=366) == 1_000
    assert late_penalty(1_000_000, Decimal(4), days_late=365, penalty_points=Decimal(0)) == 40_000
    assert late_penalty(1_000_000, Decimal(18), days_late=0) == 0
    assert late_penalty(0, Decimal(18), days_late=10) == 0


# --- docs/rules.md §3.2: months to repay and largest principal -------------------------------


def _balance_after(principal: int, annual_rate: int, instalment: int, n: int) -> Fraction:
    i = Fraction(annual_rate, 1200)
    b = Fraction(principal)
    for _ in range(n):
        b = b * (1 + i) - instalment
    return b


def test_months_to_repay_couples_loan_at_18_percent() -> None:
    # "about 86 months": exactly 85 full instalments and a smaller 86th (about 100.2m rial)
    assert months_to_repay(9_600_000_000, Decimal(18), 200_000_000) == 86
    assert _balance_after(9_600_000_000, 18, 200_000_000, 85) > 0
    assert _balance_after(9_600_000_000, 18, 200_000_000, 86) <= 0


def test_months_to_repay_couples_loan_at_23_percent() -> None:
    # docs/rules.md §3.2 says "about 133": the exact term is 133.04 months, i.e. 133 full
    # instalments leave about 7.13 million rial, repaid by a smaller 134th instalment
    # (about 7.27 million rial with its month's profit). So the count of payments is 134.
    assert months_to_repay(9_600_000_000, Decimal(23), 200_000_000) == 134
    left = _balance_after(9_600_000_000, 23, 200_000_000, 133)
    assert 7_000_000 < left < 7_200_000


def test_months_to_repay_edges() -> None:
    assert months_to_repay(1_000_000, Decimal(0), 300_000) == 4
    assert months_to_repay(900_000, Decimal(0), 300_000) == 3
    assert months_to_repay(1_000_000, Decimal(12), 1_010_000) == 1  # pays P(1+i) at once
    assert months_to_repay(1_000_000, Decimal(12), 1_009_999) == 2
    with pytest.raises(InvalidInput) as exc:
        # the monthly profit is exactly 144,000,000: interest-only forever
        months_to_repay(9_600_000_000, Decimal(18), 144_000_000)
    assert exc.value.code == "finance.instalment_too_small"
    assert "144,000,000" in exc.value.message_en and exc.value.message_fa


def test_max_principal_round_trip() -> None:
    rate = Decimal("17.5")
    p = max_principal(9_992_322, rate, 144)
    assert p == 599_999_997  # 600,000,000 needs 9,992,322.04 a month
    assert annuity_payment(p, rate, 144) <= 9_992_322 < annuity_payment(p + 1, rate, 144)
    assert simple_schedule(p, rate, 144).instalments[0].amount == 9_992_322
    assert months_to_repay(p, rate, 9_992_322) == 144
    assert max_principal(9_992_323, rate, 144) >= 600_000_000
    assert max_principal(1_000, Decimal(0), 12) == 12_000
    assert max_principal(0, rate, 12) == 0


# --- invalid input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: simple_schedule(0, Decimal(18), 12), "finance.principal_not_positive"),
        (lambda: simple_schedule(-5, Decimal(18), 12), "finance.principal_not_positive"),
        (lambda: simple_schedule(1_000, Decimal(18), 0), "finance.months_not_positive"),
        (lambda: simple_schedule(1_000, Decimal(-1), 12), "finance.rate_negative"),
        (lambda: fee_schedule(1_000, Decimal(4), 12, grace_months=-1), "finance.grace_negative"),
        (
            lambda: simple_schedule(1_000, Decimal(4), 12, rounding_unit=0),
            "finance.rounding_unit_not_positive",
        ),
        (
            lambda: stepwise_schedule(1_000, Decimal(4), 12, step_percent=Decimal(-1)),
            "finance.rate_negative",
        ),
        (lambda: simple_schedule(1_000, 17.5, 12), "finance.rate_type"),  # type: ignore[arg-type]
        (lambda: simple_schedule(1_000, Decimal("NaN"), 12), "finance.rate_not_finite"),
        (lambda: annuity_payment(0, Decimal(4), 12), "finance.principal_not_positive"),
        (lambda: late_penalty(-1, Decimal(4), days_late=3), "finance.overdue_negative"),
        (lambda: late_penalty(1, Decimal(4), days_late=-3), "finance.days_late_negative"),
        (
            lambda: late_penalty(1, Decimal(4), days_late=3, day_count=0),
            "finance.day_count_not_positive",
        ),
        (lambda: months_to_repay(1_000, Decimal(4), 0), "finance.instalment_not_positive"),
        (lambda: max_principal(-1, Decimal(4), 12), "finance.instalment_negative"),
        (lambda: max_principal(1_000, Decimal(4), 0), "finance.months_not_positive"),
    ],
)
def test_invalid_input_is_bilingual(call: object, code: str) -> None:
    assert callable(call)
    with pytest.raises(InvalidInput) as exc:
        call()
    err = exc.value
    assert err.code == code
    assert err.message_en
    assert any("\u0600" <= ch <= "\u06ff" for ch in err.message_fa)  # Persian text


def test_step_percent_is_validated_with_its_own_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        stepwise_schedule(1_000, Decimal(4), 12, step_percent=Decimal(-1))
    assert exc.value.field == "step_percent"


# --- no float anywhere ----------------------------------------------------------------------


def test_module_uses_no_float() -> None:
    tree = ast.parse(inspect.getsource(finance))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float))
        assert not (isinstance(node, ast.Name) and node.id == "float")


class TestBounds:
    """Inputs far outside any real loan are input errors, never hangs or crashes."""

    def test_a_huge_step_is_refused(self) -> None:
        from tashilat.domain.finance import stepwise_schedule

        with pytest.raises(InvalidInput) as exc:
            stepwise_schedule(5_500_000_000, Decimal(18), 240, step_percent=Decimal(5000))
        assert exc.value.code == "finance.rate_too_high"

    def test_a_term_of_more_than_a_century_is_refused(self) -> None:
        from tashilat.domain.finance import months_to_repay, simple_schedule

        with pytest.raises(InvalidInput) as exc:
            months_to_repay(10**16, Decimal(0), 1)
        assert exc.value.code == "finance.term_too_long"
        with pytest.raises(InvalidInput):
            months_to_repay(10**12, Decimal("0.01"), 10**12 * 1 // 1_200_000 + 1)
        with pytest.raises(InvalidInput):
            simple_schedule(10**9, Decimal(9), 1201)


# --- negative amortisation ------------------------------------------------------------------


def test_stepwise_vector_warns_of_negative_amortisation_with_its_peak() -> None:
    s = stepwise_schedule(5_500_000_000, Decimal(18), 240, start=parse_jalali("1403/01/01"))
    na = s.negative_amortisation
    assert na is not None
    assert na.months_below_profit == 96
    assert na.peak_number == 96
    assert na.peak_due == parse_jalali("1411/01/01")
    assert na.peak_balance == 6_112_963_359
    assert "6,112,963,359" in na.message_en and "6,112,963,359" in na.message_fa
    assert "96" in na.message_en


def test_an_annuity_has_no_negative_amortisation() -> None:
    assert simple_schedule(600_000_000, Decimal("17.5"), 144).negative_amortisation is None
    assert stepwise_schedule(600_000_000, Decimal("17.5"), 144).negative_amortisation is None
