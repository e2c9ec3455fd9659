"""Differential tests: for random accounts and histories the batch equals the single-account
rules row for row (structures, yearly and reference averages, caps, entitlements, a used
privilege), under the shipped policy and under every selectable mode; loans equal the
service's accrual."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.adapters.batch.calendar import DayTable, epoch_day, from_epoch_day
from tashilat.adapters.batch.kernel import (
    NO_DAY,
    OUTCOMES,
    Accounts,
    Context,
    Loans,
    account_month_end,
    loan_month_end,
)
from tashilat.adapters.batch.profit import profit_rates
from tashilat.adapters.batch.terms import build_terms
from tashilat.domain.decision import Resolved
from tashilat.domain.jalali import completed_account_months, parse_jalali
from tashilat.domain.programs.youth_fund import profit, rules
from tashilat.policy import default_policy
from tashilat.services import loan_servicing
from tashilat.services import loans as loan_service

POLICY = default_policy()
TAB = DayTable.build()
FIRST = parse_jalali("1397/01/01")


class Override:
    """The shipped policy with some youth-fund modes replaced (no ``parameter``: the batch
    then resolves terms per opening date, its fallback path)."""

    def __init__(self, **values: Any) -> None:
        self.values = {f"youth_fund.{k}": v for k, v in values.items()}
        self.hash = POLICY.hash + ":" + ",".join(sorted(str(v) for v in values.values()))

    def resolve(self, path: str, as_of: date) -> Resolved[Any]:
        r = POLICY.resolve(path, as_of)
        if path in self.values:
            return Resolved(self.values[path], r.provenance, r.cells)
        return r


class DatedRate(Override):
    """The savings profit rate changing by date (5% until 1400/06/31, 18.5% from
    1400/07/01), with profit counted in the averages: months at either rate."""

    CHANGE = parse_jalali("1400/07/01")

    def __init__(self) -> None:
        super().__init__(profit_counts_toward_averages=True)
        self.hash += ":dated-rate"

    def resolve(self, path: str, as_of: date) -> Resolved[Any]:
        r = super().resolve(path, as_of)
        if path == profit.RATE and as_of >= self.CHANGE:
            return Resolved("18.5", r.provenance, r.cells)
        return r


POLICIES = [
    POLICY,
    Override(monthly_structure="closing_balance"),
    Override(entitlement_mode="all_or_nothing", entitlement_accrual="current"),
    Override(entitlement_accrual="current"),
    # profit counted in the averages, at a high rate so that it moves them
    Override(profit_counts_toward_averages=True, savings_profit_rate_percent="23.75"),
    Override(
        profit_counts_toward_averages=True,
        monthly_structure="closing_balance",
        savings_profit_rate_percent=Decimal("0.0001"),
    ),
    DatedRate(),
]


Acc = tuple[date, int, list[rules.Event], date | None]


@st.composite
def account(draw: st.DrawFn) -> Acc:
    """An account, its movements and (maybe) the day a loan on it was paid out, which may
    fall before, on or after the as-of date."""
    opened = FIRST + timedelta(days=draw(st.integers(0, 2550)))
    tier = draw(st.integers(1, 3))
    events: list[rules.Event] = []
    day = opened
    for _ in range(draw(st.integers(0, 25))):
        amount = draw(
            st.one_of(
                st.integers(1, 40_000_000),
                st.integers(-30_000_000, -1),
                st.sampled_from([20_000_000, 380_000, 10**10]),
            )
        )
        events.append(rules.Event(day, amount))
        day += timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 14, 29, 30, 31, 45, 200])))
    loan = draw(st.one_of(st.none(), st.integers(0, 3300)))
    return opened, tier, events, None if loan is None else opened + timedelta(days=loan)


def batch(policy: Any, accs: list[Acc], as_of: date) -> Any:
    evs = [sorted(e, key=lambda x: x.on) for _, _, e, _ in accs]
    open_day = np.array([epoch_day(o) for o, _, _, _ in accs], dtype=np.int32)
    data = Accounts(
        account_id=np.arange(1, len(accs) + 1, dtype=np.int64),
        open_day=open_day,
        tier=np.array([t for _, t, _, _ in accs], dtype=np.int8),
        n_events=np.array([len(e) for e in evs], dtype=np.int32),
        day=np.array([epoch_day(x.on) for e in evs for x in e], dtype=np.int32),
        amount=np.array([x.amount for e in evs for x in e], dtype=np.int64),
        privilege_day=np.array(
            [NO_DAY if u is None else epoch_day(u) for _, _, _, u in accs], dtype=np.int32
        ),
    )
    first = from_epoch_day(int(open_day.min()))
    ctx = Context(
        epoch_day(as_of),
        TAB,
        build_terms(policy, open_day),
        60_000,
        365,
        "h",
        profit_rates(policy, first, as_of),
    )
    return account_month_end(data, ctx)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(account(), min_size=1, max_size=12),
    st.integers(0, 800),
    st.integers(0, len(POLICIES) - 1),
)
def test_accounts_equal_the_domain_rule(accs: list[Acc], extra: int, which: int) -> None:
    policy = POLICIES[which]
    as_of = max(o for o, _, _, _ in accs) + timedelta(days=extra)
    r = batch(policy, accs, as_of)
    y = m = 0
    for i, (opened, tier, events, loan_on) in enumerate(accs):
        # what the service passes the rule: the loans paid out on the account by the as-of
        uses = [] if loan_on is None or loan_on > as_of else [rules.PrivilegeUse("loan", loan_on)]
        d = rules.with_privilege_use(
            rules.entitlement(policy, opened_on=opened, tier=tier, events=events, as_of=as_of),
            uses,
        )
        v = d.value
        terms = rules.cohort_terms(policy, opened)
        months = completed_account_months(opened, as_of)
        own = [e for e in events if e.on < as_of]
        expected = rules.monthly_structures(opened, own, months, terms.structure_mode)
        profits = [x.profit_rial for x in profit.monthly_profits(policy, opened, own, months)]
        assert r.m_profit[m : m + months].tolist() == profits
        assert int(r.profit[i]) == sum(profits)
        if terms.profit_counts:
            expected = profit.with_profit(expected, profits)
        assert r.m_structure[m : m + months].tolist() == expected
        m += months
        assert int(r.completed_months[i]) == months
        n = len(v.years)
        got = list(
            zip(
                r.y_year[y : y + n].tolist(),
                r.y_average[y : y + n].tolist(),
                r.y_reference[y : y + n].tolist(),
                r.y_cap[y : y + n].tolist(),
                r.y_entitlement[y : y + n].tolist(),
                r.y_eligible[y : y + n].tolist(),
                strict=True,
            )
        )
        assert got == [
            (
                row.year,
                row.average_rial,
                row.reference_average_rial,
                row.cap_rial or 0,
                row.entitlement_rial,
                row.eligible,
            )
            for row in v.years
        ]
        assert [row.average_rial for row in v.years] == rules.yearly_averages(expected)[:n]
        y += n
        assert (
            int(r.cap[i]),
            int(r.entitlement[i]),
            OUTCOMES[int(r.outcome[i])],
            from_epoch_day(int(r.eligible_on[i])),
            int(r.completed_years[i]),
            int(r.counted_years[i]),
            int(r.balance[i]),
            None if r.privilege_used_on[i] < 0 else from_epoch_day(int(r.privilege_used_on[i])),
        ) == (
            v.cap_rial,
            v.entitlement_rial,
            d.outcome,
            v.eligible_on,
            v.completed_years,
            v.counted_years,
            sum(e.amount for e in events if e.on < as_of),
            v.privilege_used_on,
        )
    assert y == len(r.y_year) and m == len(r.m_structure)


def test_followers_are_eligible_for_the_whole_cap() -> None:
    """A realistic case the random histories rarely reach: the table followed exactly."""
    opened = parse_jalali("1398/02/10")
    terms = rules.cohort_terms(POLICY, opened)
    events = rules.planned_events(terms, share_percent=100)
    as_of = parse_jalali("1404/05/01")
    r = batch(POLICY, [(opened, 1, events, None), (opened, 3, events[:30], None)], as_of)
    d = rules.entitlement(POLICY, opened_on=opened, tier=1, events=events, as_of=as_of)
    assert d.outcome == "eligible" and int(r.entitlement[0]) == d.value.entitlement_rial > 0
    d3 = rules.entitlement(POLICY, opened_on=opened, tier=3, events=events[:30], as_of=as_of)
    assert int(r.entitlement[1]) == d3.value.entitlement_rial


def test_a_loan_paid_out_by_the_as_of_date_uses_the_privilege() -> None:
    """The same history four times: no loan, a loan the day before, on, and the day after
    the as-of date. Only the first and the last keep their entitlement."""
    opened = parse_jalali("1398/02/10")
    events = rules.planned_events(rules.cohort_terms(POLICY, opened), share_percent=100)
    as_of = parse_jalali("1404/05/01")
    loans = [None, as_of - timedelta(days=1), as_of, as_of + timedelta(days=1)]
    r = batch(POLICY, [(opened, 1, events, on) for on in loans], as_of)
    outcomes = [OUTCOMES[int(x)] for x in r.outcome]
    assert outcomes == ["eligible", "privilege_used", "privilege_used", "eligible"]
    full = int(r.entitlement[0])
    assert full > 0 and r.entitlement.tolist() == [full, 0, 0, full]
    assert len(set(r.cap.tolist())) == 1  # the cap is reported unchanged
    assert [None if x < 0 else from_epoch_day(int(x)) for x in r.privilege_used_on] == [
        None,
        parse_jalali("1404/04/31"),
        parse_jalali("1404/05/01"),
        None,
    ]


# -- loans --------------------------------------------------------------------------------------

instalment = st.fixed_dictionaries(
    {
        "due": st.integers(0, 900),
        "principal": st.integers(0, 10**10),
        "profit": st.integers(0, 10**9),
        "paid_share": st.sampled_from([0, 0, 30, 100]),
        "paid": st.booleans(),
        "prior": st.integers(0, 10**7),
        "accrued_extra": st.integers(-(10**6), 10**6),
        "from_offset": st.one_of(st.none(), st.integers(0, 400)),
    }
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(instalment, max_size=6), min_size=1, max_size=5),
    st.sampled_from(["9", "18", "4.5", "23.1234"]),
    st.sampled_from([Decimal(6), Decimal("6.5")]),
    st.sampled_from([365, 360]),
)
def test_loans_equal_the_service_accrual(
    loans: list[list[dict[str, Any]]], rate: str, points: Decimal, day_count: int
) -> None:
    as_of = parse_jalali("1404/01/01")
    base = epoch_day(as_of) - 1000
    rows = []
    for li, insts in enumerate(loans):
        for n, x in enumerate(insts):
            due = base + x["due"]
            paid_p = x["principal"] * x["paid_share"] // 100
            frm = (
                None if x["from_offset"] is None else min(due + x["from_offset"], epoch_day(as_of))
            )
            rows.append(
                SimpleNamespace(
                    id=li * 100 + n + 1,
                    loan=li,
                    number=n + 1,
                    due=from_epoch_day(due),
                    amount=x["principal"] + x["profit"],
                    principal=x["principal"],
                    profit=x["profit"],
                    paid_principal=paid_p,
                    paid_profit=x["profit"] if x["paid_share"] == 100 else 0,
                    paid_on=from_epoch_day(due) if x["paid"] else None,
                    penalty_prior=x["prior"],
                    penalty_accrued=max(0, x["prior"] + x["accrued_extra"]),
                    penalty_paid=0,
                    penalty_from=None if frm is None else from_epoch_day(frm),
                )
            )
    data = Loans(
        loan_id=np.arange(len(loans), dtype=np.int64) + 1,
        account_id=np.arange(len(loans), dtype=np.int64) + 1,
        rate_e4=np.full(len(loans), int(Decimal(rate) * 10_000), dtype=np.int64),
        n_instalments=np.array([len(x) for x in loans], dtype=np.int32),
        i_id=np.array([r.id for r in rows], dtype=np.int64),
        i_number=np.array([r.number for r in rows], dtype=np.int32),
        i_due=np.array([epoch_day(r.due) for r in rows], dtype=np.int32),
        i_amount=np.array([r.amount for r in rows], dtype=np.int64),
        i_principal=np.array([r.principal for r in rows], dtype=np.int64),
        i_profit=np.array([r.profit for r in rows], dtype=np.int64),
        i_paid_principal=np.array([r.paid_principal for r in rows], dtype=np.int64),
        i_paid_profit=np.array([r.paid_profit for r in rows], dtype=np.int64),
        i_paid=np.array([r.paid_on is not None for r in rows], dtype=bool),
        i_penalty_accrued=np.array([r.penalty_accrued for r in rows], dtype=np.int64),
        i_penalty_paid=np.zeros(len(rows), dtype=np.int64),
        i_penalty_prior=np.array([r.penalty_prior for r in rows], dtype=np.int64),
        i_penalty_from=np.array(
            [-1 if r.penalty_from is None else epoch_day(r.penalty_from) for r in rows],
            dtype=np.int32,
        ),
    )
    ctx = Context(
        epoch_day(as_of),
        TAB,
        build_terms(POLICY, np.array([epoch_day(FIRST)])),
        int(points * 10_000),
        day_count,
        "h",
        profit_rates(POLICY, FIRST, as_of),
    )
    got = loan_month_end(data, ctx)
    posted: dict[str, int] = {}

    def fake_post(uow: Any, entry: Any, *, user_id: Any) -> int:
        posted[entry.request_id] = entry.postings[0].amount
        return 1

    with mock.patch.object(loan_servicing.ledger, "post", fake_post):
        for r in rows:
            if r.paid_on is None and r.due < as_of:  # what accrue_loan selects
                loan_servicing.accrue_charge(
                    None,  # type: ignore[arg-type]
                    r,
                    to=as_of,
                    rate=Decimal(rate),
                    points=points,
                    day_count=day_count,
                    receivable=loan_service.penalty_code(r.loan + 1),
                    request_prefix="penalty",
                    user_id=None,
                )
    expected = posted
    got_posts = {
        f"penalty:{i}:{as_of.isoformat()}": int(v)
        for i, v in zip(got.p_instalment.tolist(), got.p_increment.tolist(), strict=True)
    }
    assert got_posts == expected
    by_id = {r.id: r for r in rows}
    for i, t in zip(got.p_instalment.tolist(), got.p_target.tolist(), strict=True):
        assert by_id[i].penalty_accrued == t  # the service moved it to the same target
    late = [
        r
        for r in rows
        if r.paid_on is None
        and r.due < as_of
        and (r.principal - r.paid_principal) + (r.profit - r.paid_profit) > 0
    ]
    assert int(got.overdue_instalments.sum()) == len(late)
    assert int(got.overdue.sum()) == sum(
        (r.principal - r.paid_principal) + (r.profit - r.paid_profit) for r in late
    )
    assert int(got.penalty_accrued.sum()) == sum(r.penalty_accrued for r in rows)


def test_profit_of_a_single_deposit_by_hand() -> None:
    """10,000,000 on 1403/01/15 at the shipped 5%: 41,666, then 41,840 on 10,041,666, then
    42,014 on 10,083,506 (each rounded down); the shipped policy leaves them out of the
    structures."""
    opened = parse_jalali("1403/01/15")
    r = batch(
        POLICY, [(opened, 1, [rules.Event(opened, 10_000_000)], None)], parse_jalali("1403/04/15")
    )
    assert r.m_profit.tolist() == [41_666, 41_840, 42_014]
    assert r.profit.tolist() == [125_520]
    assert r.m_structure.tolist() == [10_000_000] * 3
    assert r.balance.tolist() == [10_000_000]


def test_profit_at_a_rate_that_changes_by_date_by_hand() -> None:
    """Opened 1400/05/15 with 120,000,000: months starting 1400/05/15 and 1400/06/15 earn
    5% (500,000; 502,083 on 120,500,000), the month starting 1400/07/15 18.5% (121,002,083 ×
    18.5% / 12 = 1,865,448.78); counted in the structures under this policy."""
    opened = parse_jalali("1400/05/15")
    accs: list[Acc] = [(opened, 2, [rules.Event(opened, 120_000_000)], None)]
    r = batch(DatedRate(), accs, parse_jalali("1400/08/15"))
    assert r.m_profit.tolist() == [500_000, 502_083, 1_865_448]
    assert r.m_structure.tolist() == [120_000_000, 120_500_000, 121_002_083]
