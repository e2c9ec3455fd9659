"""Unit tests of the construction workers' insurance rules (docs/rules.md §4)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.construction.contributions import (
    Permit,
    batch_contribution,
    law_in_force,
    permit_contribution,
    previous_modelled,
    worker_contribution,
)
from tashilat.domain.programs.construction.projection import FundInputs, project_fund
from tashilat.domain.programs.wages.numbers import grown, half_up
from tashilat.policy import PolicySnapshot, default_root, load_policy


def _policy_with(tmp_path: Path, **changes: str) -> PolicySnapshot:
    """A copy of the shipped tree with construction enums changed (a bank's own policy)."""
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    f = root / "construction.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    for key, value in changes.items():
        for entry in data[key]["values"]:
            entry["value"] = value
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_policy(root)


# -- versions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "version", "modelled"),
    [
        ("1379/08/17", "1379", True),
        ("1385/12/29", "1379", True),
        ("1386/01/01", "1386", False),
        ("1393/09/15", "1386", False),
        ("1393/09/16", "1393", True),
        ("1401/11/04", "1393", True),
        ("1401/11/05", "1401", False),
        ("1402/06/21", "1401", False),
        ("1402/06/22", "1402", True),
        ("1404/12/29", "1402", True),
    ],
)
def test_the_law_in_force_by_date(
    policy: PolicySnapshot, day: str, version: str, modelled: bool
) -> None:
    law = law_in_force(policy, parse_jalali(day))
    assert (law.version, law.modelled) == (version, modelled)


def test_no_law_before_1379(policy: PolicySnapshot) -> None:
    with pytest.raises(PolicyError):
        law_in_force(policy, parse_jalali("1379/08/16"))


def test_previous_modelled_text(policy: PolicySnapshot) -> None:
    v1401 = law_in_force(policy, parse_jalali("1402/01/01"))
    v1386 = law_in_force(policy, parse_jalali("1390/01/01"))
    prev_1401 = previous_modelled(policy, v1401)
    prev_1386 = previous_modelled(policy, v1386)
    assert prev_1401 is not None and prev_1401.version == "1393"
    assert prev_1386 is not None and prev_1386.version == "1379"
    first = law_in_force(policy, parse_jalali("1380/01/01"))
    assert previous_modelled(policy, first) is None


# -- the owner's share ----------------------------------------------------------------------


def test_acceptance_owner_shares(policy: PolicySnapshot) -> None:
    fees = 1_000_000_000
    new = permit_contribution(policy, Permit(parse_jalali("1402/07/01"), permit_fees=fees))
    old = permit_contribution(policy, Permit(parse_jalali("1400/06/01"), permit_fees=fees))
    assert new.value.owner_share_rial == 250_000_000
    assert old.value.owner_share_rial == 150_000_000
    assert "25%" in new.reasons[0].message_en and "15%" in old.reasons[0].message_en


def test_a_not_modelled_version_is_refused_not_guessed(policy: PolicySnapshot) -> None:
    d = permit_contribution(policy, Permit(parse_jalali("1390/01/01"), permit_fees=10**9))
    assert d.outcome == "not_modelled"
    assert d.value.owner_share_rial is None and d.value.applied_version is None
    assert d.failed and d.failed[0].code == "construction.not_modelled"
    assert "not modelled" in d.failed[0].message_en and d.failed[0].message_fa


def test_the_1401_window_is_priced_by_the_restored_1393_text(policy: PolicySnapshot) -> None:
    d = permit_contribution(policy, Permit(parse_jalali("1402/06/21"), permit_fees=10**9))
    assert d.outcome == "computed_with_fallback"
    assert (d.value.version, d.value.applied_version) == ("1401", "1393")
    assert d.value.owner_share_rial == 150_000_000
    fallback = next(r for r in d.reasons if r.code == "construction.fallback")
    assert "suspended in 1402" in fallback.message_en and "تعلیق" in fallback.message_fa


def test_refusing_the_1401_window_is_a_policy_choice(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, unmodelled_version="refuse")
    d = permit_contribution(policy, Permit(parse_jalali("1401/12/01"), permit_fees=10**9))
    assert d.outcome == "not_modelled" and d.value.owner_share_rial is None


def test_the_previous_text_fallback_is_a_policy_choice(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, unmodelled_version="previous_text")
    d = permit_contribution(policy, Permit(parse_jalali("1401/12/01"), permit_fees=10**9))
    assert d.outcome == "computed_with_fallback"
    assert (d.value.version, d.value.applied_version) == ("1401", "1393")
    assert d.value.owner_share_rial == 150_000_000
    assert any(r.code == "construction.fallback" for r in d.reasons)
    # the 1386 window falls back to the 1379 per-m² text
    d = permit_contribution(
        policy,
        Permit(parse_jalali("1390/01/01"), area_m2=Decimal(80), daily_wage=100_000),
    )
    assert (d.value.applied_version, d.value.owner_share_rial) == ("1379", 240_000)


def test_marginal_area_mode(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, area_rate_mode="marginal")
    d = permit_contribution(
        policy, Permit(parse_jalali("1380/01/01"), area_m2=Decimal(120), daily_wage=100_000)
    )
    # 100 m² × 3% + 20 m² × 4% of 100,000 = 300,000 + 80,000
    assert d.value.owner_share_rial == 380_000 and d.value.rate_percent is None


def test_whole_area_mode_jumps_at_100_square_metres(policy: PolicySnapshot) -> None:
    at = permit_contribution(
        policy, Permit(parse_jalali("1380/01/01"), area_m2=Decimal(100), daily_wage=100_000)
    )
    above = permit_contribution(
        policy, Permit(parse_jalali("1380/01/01"), area_m2=Decimal(101), daily_wage=100_000)
    )
    assert (at.value.owner_share_rial, above.value.owner_share_rial) == (300_000, 404_000)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"permit_fees": -1},
        {"density_fees": True},
        {"area_m2": Decimal(0)},
        {"area_m2": Decimal("-5")},
        {"area_m2": Decimal("NaN")},
        {"area_m2": 1.5},
        {"daily_wage": -3},
    ],
)
def test_bad_permits_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as exc:
        Permit(parse_jalali("1402/07/01"), **kwargs)  # type: ignore[arg-type]
    assert exc.value.message_fa and exc.value.message_en


def test_batch_totals_are_the_sum_of_the_rows(policy: PolicySnapshot) -> None:
    permits = [
        Permit(parse_jalali(d), permit_fees=f, density_fees=g, reference=r)
        for r, d, f, g in [
            ("a", "1402/07/01", 1_000_000_001, 0),
            ("b", "1398/03/01", 777_777_777, 5),
            ("c", "1403/11/20", 3, 3),
            ("d", "1390/12/01", 10, 0),
        ]
    ]
    d = batch_contribution(policy, permits)
    rows = [r for r in d.value.rows if r.share and r.share.owner_share_rial is not None]
    assert d.value.total_owner_share_rial == sum(
        r.share.owner_share_rial for r in rows if r.share and r.share.owner_share_rial
    )
    assert sum(v.owner_share_rial for v in d.value.by_version) == d.value.total_owner_share_rial
    assert d.outcome == "partial" and d.value.refused == 1
    assert d.as_of == parse_jalali("1403/11/20")


def test_an_empty_batch_is_an_error(policy: PolicySnapshot) -> None:
    with pytest.raises(InvalidInput):
        batch_contribution(policy, [])


def test_all_refused_batch(policy: PolicySnapshot) -> None:
    d = batch_contribution(policy, [Permit(parse_jalali("1390/01/01"), permit_fees=1)])
    assert d.outcome == "refused" and d.value.total_owner_share_rial == 0


# -- the worker's share ------------------------------------------------------------------------


def test_worker_share_rounds_half_up(policy: PolicySnapshot) -> None:
    d = worker_contribution(policy, on=parse_jalali("1403/01/01"))
    assert d.value.monthly_rial == half_up(Fraction(71_661_840 * 7, 100)) == 5_016_329


@pytest.mark.parametrize("kwargs", [{"workers": 0}, {"months": 0}, {"base": -1}])
def test_worker_share_inputs(policy: PolicySnapshot, kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        worker_contribution(policy, on=parse_jalali("1403/01/01"), **kwargs)


# -- the fund projection ---------------------------------------------------------------------


def test_projection_rounds_each_year_from_the_first(policy: PolicySnapshot) -> None:
    inputs = FundInputs(
        start_year=1404,
        years=30,
        per_capita_cost=1_234_567,
        cost_trend_percent=Decimal("17.3"),
        permit_revenue=999_999_999,
        permit_trend_percent=Decimal("-7.7"),
        insured=777,
        worker_contributions=123_456_789,
    )
    v = project_fund(policy, inputs).value
    assert len(v.years) == 30 and v.years[-1].year == 1433
    for k, y in enumerate(v.years):
        assert y.permit_revenue_rial == half_up(grown(999_999_999, Decimal("-7.7"), k))
        assert y.obligations_rial == half_up(777 * grown(1_234_567, Decimal("17.3"), k))
        assert y.resources_rial == y.permit_revenue_rial + y.worker_contributions_rial
        assert y.deficit_rial == max(0, y.obligations_rial - y.resources_rial)
    assert v.total_deficit_rial == sum(y.deficit_rial for y in v.years)
    assert v.cumulative_balance_rial == sum(y.balance_rial for y in v.years)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"years": 0},
        {"years": 51},
        {"start_year": 1200},
        {"per_capita_cost": -1},
        {"insured": 0},
        {"cost_trend_percent": Decimal(-100)},
        {"permit_trend_percent": Decimal("Infinity")},
    ],
)
def test_projection_inputs(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "start_year": 1404,
        "years": 5,
        "per_capita_cost": 1,
        "permit_revenue": 1,
    }
    with pytest.raises(InvalidInput) as exc:
        FundInputs(**{**base, **kwargs})  # type: ignore[arg-type]
    assert exc.value.message_fa and exc.value.message_en


def test_projection_needs_worker_contributions_when_the_law_sets_none(
    policy: PolicySnapshot,
) -> None:
    with pytest.raises(InvalidInput, match="workers' yearly contributions"):
        project_fund(
            policy,
            FundInputs(
                start_year=1384,
                years=2,
                per_capita_cost=1,
                permit_revenue=1,
                insured=10,
            ),
        )
