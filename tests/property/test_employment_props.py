"""Properties of the employment-loan guarantee rules over random amounts, dates and offers
(docs/rules.md §2.2): what is good enough for a loan is good enough for a smaller one."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.employment.rules import Offered, check_guarantees
from tashilat.policy import default_policy

POLICY = default_policy()
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
APPLICANT = "0499370899"
PEOPLE = ("0790419904", "0084575948", "0013542419")

# Every rule set the policy has: before and after the 13 Aban 1403 circular, and 1404 on.
days = st.builds(
    from_jalali,
    st.integers(min_value=1403, max_value=1405),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=29),
).filter(lambda d: d >= from_jalali(1403, 2, 25))
offers = st.builds(
    Offered,
    credit_grade=st.sampled_from([None, "A", "B", "C", "D", "E"]),
    promissory_note=st.booleans(),
    guarantors=st.integers(min_value=0, max_value=3).map(lambda n: PEOPLE[:n]),
)
amounts = st.integers(min_value=1, max_value=40_000_000_000)
# Amounts near the tier edges, where a break would hide.
edges = st.sampled_from(
    [1_500_000_000, 1_500_000_001, 2_000_000_000, 2_000_000_001, 3_000_000_000, 3_000_000_001]
)


def met(on: date, amount: int, offered: Offered) -> bool:
    d = check_guarantees(
        POLICY, on=on, amount=amount, applicant_national_id=APPLICANT, offered=offered
    )
    return d.outcome == "met"


@SETTINGS
@given(days, st.one_of(amounts, edges), st.one_of(amounts, edges), offers)
def test_an_offer_that_meets_an_amount_meets_every_smaller_amount(
    on: date, a: int, b: int, offered: Offered
) -> None:
    larger, smaller = max(a, b), min(a, b)
    if met(on, larger, offered):
        assert met(on, smaller, offered), (on, larger, smaller, offered)


@SETTINGS
@given(days, st.one_of(amounts, edges), st.one_of(amounts, edges))
def test_every_bundle_for_an_amount_implies_a_bundle_for_a_smaller_one(
    on: date, a: int, b: int
) -> None:
    """Each bundle accepted for the larger amount asks for at least everything some bundle
    accepted for the smaller amount asks for (requirements never grow as amounts fall)."""
    larger, smaller = max(a, b), min(a, b)
    nothing = Offered()
    high = check_guarantees(
        POLICY, on=on, amount=larger, applicant_national_id=APPLICANT, offered=nothing
    )
    low = check_guarantees(
        POLICY, on=on, amount=smaller, applicant_national_id=APPLICANT, offered=nothing
    )
    for hb in high.value.bundles:
        assert any(
            all(hb.bundle.count(k) >= lb.bundle.count(k) for k in set(lb.bundle))
            for lb in low.value.bundles
        ), (on, larger, smaller, hb.bundle)
