"""The loan import's row checks (pure domain), on literal rows and accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.youth_fund import onboarding_loans as ol
from tashilat.domain.programs.youth_fund.onboarding import Reject
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.policy import default_policy

BUSINESS = parse_jalali("1403/01/15")
ROW = {
    "number": "IMP-0001",
    "reference": "LN-1",
    "disbursed_on": "1402/06/01",
    "principal": "۹۰۰٬۰۰۰٬۰۰۰",
    "months": "120",
    "method": "Simple",
    "appraisal": "5,000,000,000",
    "repaid": "3",
}
OPENED = parse_jalali("1397/02/10")
# a Tehran (tier 1) account of the 1397 cohort that opened with 500,000,000 rial and kept it
ACCOUNT = ol.Account(OPENED, 1, "open", False, (Event(OPENED, 500_000_000),), ())


def fields(**change: str) -> ol.LoanFields:
    return ol.loan_fields(4, {**ROW, **change}, BUSINESS)


def check(account: ol.Account | None = ACCOUNT, **change: str) -> ol.LoanRow | list[Reject]:
    return ol.check_loan(default_policy(), fields(**change), account, BUSINESS)


def codes(result: ol.LoanRow | list[Reject]) -> list[str]:
    assert isinstance(result, list), result
    return [r.code for r in result]


def test_a_loan_row_is_typed() -> None:
    assert fields() == ol.LoanFields(
        4, "IMP-0001", "LN-1", date(2023, 8, 23), 900_000_000, 120, "simple", 5_000_000_000, 3
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"disbursed_on": "1402/12/30"}, "date.malformed"),
        ({"disbursed_on": "1403/01/16"}, "import.future_date"),
        ({"principal": "900000000.5"}, "amount.malformed"),
        ({"months": "-12"}, "import.bad_count"),
        ({"repaid": "121"}, "import.repaid_above_term"),
        ({"reference": ""}, "import.missing"),
        ({"number": "IMP 0001"}, "import.bad_key"),
    ],
)
def test_a_broken_row_is_refused_with_its_reason(change: dict[str, str], code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        fields(**change)
    assert exc.value.code == code
    assert exc.value.message_fa and exc.value.message_en


def test_a_loan_within_the_entitlement_gets_the_cohorts_rate_and_schedule() -> None:
    loan = check()
    assert isinstance(loan, ol.LoanRow)
    assert loan.rate_percent == Decimal(9)
    s = loan.schedule
    assert (len(s.instalments), s.instalments[0].due, s.instalments[0].amount) == (
        120,
        date(2023, 9, 23),  # 1402/07/01
        11_400_820,  # 900,000,000 × 0.0075 / (1 − 1.0075^−120), to the rial
    )
    assert s.instalments[0].profit == 6_750_000  # 900,000,000 × 9% / 12
    assert loan.paid == (14_057_365, 20_145_095)
    assert not loan.settled


def test_the_loan_rules_refuse_what_the_service_would() -> None:
    # the account's entitlement at 1402/06/01 is 910,000,000 rial
    assert codes(check(principal="910000001")) == ["loan.within_entitlement"]
    assert codes(check(appraisal="1000000000")) == ["loan.within_appraisal"]
    assert codes(check(months="241", method="fee")) == ["loan.term", "loan.method"]
    assert codes(check(disbursed_on="1397/02/09")) == ["import.before_opening"]
    # five full years are not over before 1402/02/10
    assert codes(check(disbursed_on="1401/06/01")) == ["youth_fund.min_wait"]
    # instalment 8 falls due on 1403/02/01, after the business date
    assert codes(check(repaid="8")) == ["import.repaid_ahead"]
    assert isinstance(check(repaid="7"), ol.LoanRow)


def test_the_account_must_exist_be_open_and_have_its_privilege() -> None:
    assert codes(check(None)) == ["import.unknown_account"]
    closed = ol.Account(OPENED, 1, "closed", False, ACCOUNT.history, ())
    assert codes(check(closed)) == ["account.closed"]
    used = ol.Account(OPENED, 1, "open", True, ACCOUNT.history, ())
    assert codes(check(used)) == ["privilege.used"]
    pending = ol.Account(OPENED, 1, "open", False, ACCOUNT.history, (("requested", ""),))
    assert codes(check(pending)) == ["privilege.used"]
    refused_before = ol.Account(OPENED, 1, "open", False, ACCOUNT.history, (("rejected", ""),))
    assert isinstance(check(refused_before), ol.LoanRow)


def test_a_second_loan_on_an_account_or_a_repeated_reference_is_a_duplicate() -> None:
    raw = [
        (2, ROW),
        (3, {**ROW, "number": "IMP-0002"}),  # same reference
        (4, {**ROW, "reference": "LN-2"}),  # same account
        (5, {**ROW, "number": "IMP-0003", "reference": "LN-3"}),
    ]
    good, rejects = ol.parse_loans(raw, BUSINESS)
    assert [r.line for r in good] == [2, 5]
    assert [(r.line, r.code) for r in rejects] == [(3, "import.duplicate"), (4, "import.duplicate")]


def test_a_loan_repaid_in_full_is_settled() -> None:
    loan = check(disbursed_on="1402/03/01", months="6", repaid="6")
    assert isinstance(loan, ol.LoanRow)
    assert loan.settled and loan.paid[0] == 900_000_000


def test_request_ids_come_from_the_banks_reference() -> None:
    assert ol.loan_request_id("LN-1") == "import:loan:LN-1"
    assert ol.repaid_request_id("LN-1", "profit") == "import:loan:LN-1:repaid:profit"
