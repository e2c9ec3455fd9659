"""The parsers the API and the CLI share: what people type, in Persian or Latin digits, to
amounts, percentages, dates and a loan's rate; bad input as a bilingual InvalidInput that
names the field as the person typed it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.entrypoints import parse
from tashilat.policy import default_policy

ON = date(2024, 9, 22)  # 1403/07/01


def test_a_bare_year_is_its_first_day_and_a_date_is_read_in_persian_digits() -> None:
    assert parse.on_date("1403") == date(2024, 3, 20)
    assert parse.on_date("۱۴۰۳/۰۷/۰۱") == ON


def test_amounts_and_fees() -> None:
    assert parse.rial("۲۰٬۰۰۰٬۰۰۰", "amount") == 20_000_000
    assert parse.rial(5, "amount") == 5
    assert parse.fee("  ", "permit_fees") == 0
    assert parse.fee("0", "permit_fees") == 0
    assert parse.fee("۱٬۰۰۰", "permit_fees") == 1000
    with pytest.raises(InvalidInput) as exc:
        parse.rial("0", "amount")
    assert exc.value.field == "amount"


def test_percentages() -> None:
    assert parse.signed_percent("−۱۰", "insured_trend") == Decimal(-10)
    assert parse.signed_percent("2.5", "cost_trend") == Decimal("2.5")
    assert parse.optional_percent(None) is None
    assert parse.optional_percent("۳۰") == Decimal(30)
    with pytest.raises(InvalidInput) as exc:
        parse.percent("1001", "rate")
    assert (exc.value.code, exc.value.field) == ("percent.too_large", "rate")


def test_floor_areas() -> None:
    assert parse.floor_area(" ", "area") is None
    assert parse.floor_area("۱۲۰.۵", "area") == Decimal("120.5")
    with pytest.raises(InvalidInput) as exc:
        parse.floor_area("0", "area_m2")
    assert (exc.value.code, exc.value.field) == ("construction.area", "area_m2")


def test_the_rate_names_the_options_as_each_side_spells_them() -> None:
    policy = default_policy()
    with pytest.raises(InvalidInput) as api:
        parse.loan_rate(policy, "market", "4", None, ON)
    assert api.value.message_en == "Give rate or loan, not both."
    with pytest.raises(InvalidInput) as cli:
        parse.loan_rate(policy, None, None, None, ON, flag="--")
    assert cli.value.message_en == "Give the annual rate with --rate or --loan."
    assert cli.value.message_fa == "نرخ سالانه را با --rate یا --loan بدهید."


def test_a_rate_from_the_request_or_from_policy() -> None:
    policy = default_policy()
    rate, label, provs = parse.loan_rate(policy, None, "۱۸", None, ON)
    assert (rate, label, provs) == (Decimal(18), "loan at 18%", ())
    rate, label, provs = parse.loan_rate(policy, "Market", None, None, ON)
    assert (rate, label) == (Decimal(23), "market loan at the 23% cap")
    assert [p.path for p in provs] == ["finance.loan_rate_cap_percent"]
    with pytest.raises(InvalidInput) as exc:
        parse.loan_rate(policy, "mortgage", None, None, ON)
    assert (exc.value.code, exc.value.field) == ("afford.loan_unknown", "loan")


def test_the_bound_on_a_typed_rate_can_be_lifted() -> None:
    policy = default_policy()
    with pytest.raises(InvalidInput):
        parse.loan_rate(policy, None, "1500", None, ON)
    assert parse.loan_rate(policy, None, "1500", None, ON, high=None)[0] == Decimal(1500)


def test_a_fixed_instalment_that_takes_over_a_century_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse.check_term(1_000_000_000, Decimal(0), 100)
    assert (exc.value.code, exc.value.field) == ("afford.term_too_long", "instalment")
    parse.check_term(1_200_000, Decimal(0), 1_000)  # exactly 1200 months


def test_the_repayment_of_an_affordability_question() -> None:
    policy = default_policy()
    common = {
        "rate": None,
        "loan": None,
        "opened": None,
        "method": "simple",
        "step": None,
        "grace": 0,
        "label": None,
    }
    alone, figures = parse.repayment(
        policy, ON, instalment=5_000_000, principal=None, months=3, **common
    )
    assert alone.label == "instalment"
    assert alone.amounts == (5_000_000, 5_000_000, 5_000_000)
    assert figures == ()
    with pytest.raises(InvalidInput) as exc:
        parse.repayment(
            policy, ON, instalment=None, principal=100_000_000, months=None, flag="--", **common
        )
    assert exc.value.code == "afford.months_missing"
    assert exc.value.message_en == "Give --months for a schedule (or --instalment)."
    with pytest.raises(InvalidInput) as missing:
        parse.repayment(policy, ON, instalment=None, principal=None, months=12, **common)
    assert missing.value.code == "afford.loan_missing"
    common["rate"] = "4"
    scheduled, figures = parse.repayment(
        policy, ON, instalment=None, principal=120_000_000, months=12, **common
    )
    assert scheduled.label == "simple loan at 4%"
    assert [p.path for p in figures] == ["finance.rounding_unit"]
