import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from tashilat.domain.decision import Status
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.policy import (
    PolicySnapshot,
    PolicyValidationError,
    check_policy,
    default_root,
    load_policy,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    return root


def edit(root: Path, name: str, fn) -> None:  # type: ignore[no-untyped-def]
    f = root / name
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    fn(data)
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_shipped_tree_is_clean() -> None:
    assert check_policy() == []


def test_the_printed_53_1_billion_fails_naming_the_tier_order(tree: Path) -> None:
    def misprint(d: dict) -> None:  # type: ignore[type-arg]
        d["caps"]["values"][-1]["value"][10]["tier_2"] = 53_100_000_000

    edit(tree, "youth_fund.yaml", misprint)
    findings = check_policy(tree)
    assert [f.code for f in findings] == ["cap_table.tier_order"]
    assert "tier order" in findings[0].message_en
    assert "53,100,000,000" in findings[0].message_en
    with pytest.raises(PolicyValidationError):
        load_policy(tree)


def test_unknown_status_is_rejected(tree: Path) -> None:
    edit(tree, "finance.yaml", lambda d: d["rounding_unit"]["values"][0].update(status="guessed"))
    assert [f.code for f in check_policy(tree)] == ["status.unknown"]


def test_unsorted_dates_are_rejected(tree: Path) -> None:
    def swap(d: dict) -> None:  # type: ignore[type-arg]
        v = d["min_wait_years"]["values"]
        v[0], v[1] = v[1], v[0]

    edit(tree, "youth_fund.yaml", swap)
    assert "dates.unsorted" in [f.code for f in check_policy(tree)]


def test_caps_that_fall_with_years_are_rejected(tree: Path) -> None:
    def fall(d: dict) -> None:  # type: ignore[type-arg]
        d["caps"]["values"][-1]["value"][10]["tier_1"] = 15_000_000_000

    edit(tree, "youth_fund.yaml", fall)
    assert "cap_table.falls" in [f.code for f in check_policy(tree)]


def test_a_deposit_table_that_falls_is_rejected(tree: Path) -> None:
    def fall(d: dict) -> None:  # type: ignore[type-arg]
        d["deposit_table"]["values"][-1]["value"][4] = 1_000_000

    edit(tree, "youth_fund.yaml", fall)
    assert "deposit_table.falls" in [f.code for f in check_policy(tree)]


def test_a_seed_value_without_a_source_is_rejected(tree: Path) -> None:
    edit(tree, "youth_fund.yaml", lambda d: d["min_wait_years"]["values"][1].pop("source"))
    assert [f.code for f in check_policy(tree)] == ["source.missing"]


def test_every_finding_is_listed_not_just_the_first(tree: Path) -> None:
    def two(d: dict) -> None:  # type: ignore[type-arg]
        d["caps"]["values"][-1]["value"][10]["tier_2"] = 53_100_000_000
        d["min_wait_years"]["values"][0]["status"] = "rumour"

    edit(tree, "youth_fund.yaml", two)
    assert {f.code for f in check_policy(tree)} == {"cap_table.tier_order", "status.unknown"}


def test_snapshot_hash_is_stable_and_changes_with_content(tree: Path) -> None:
    a = load_policy(tree)
    assert load_policy(tree).hash == a.hash
    edit(tree, "finance.yaml", lambda d: d["day_count"]["values"][0].update(value=366))
    assert load_policy(tree).hash != a.hash


def test_resolve_picks_the_value_in_force(policy: PolicySnapshot) -> None:
    assert policy.resolve("youth_fund.max_wait_years", parse_jalali("1402/12/29")).value == 15
    r = policy.resolve("youth_fund.max_wait_years", parse_jalali("1403/01/01"))
    assert r.value == 10 and r.provenance.status is Status.SEED


def test_resolve_before_the_first_value_is_an_error(policy: PolicySnapshot) -> None:
    with pytest.raises(PolicyError):
        policy.resolve("youth_fund.caps", date(2000, 1, 1))


def test_unknown_parameter_suggests_close_names(policy: PolicySnapshot) -> None:
    with pytest.raises(PolicyError) as exc:
        policy.resolve("youth_fund.cap", parse_jalali("1403/01/01"))
    assert "youth_fund.caps" in exc.value.details["suggestions"]


def test_snapshot_values_cannot_be_changed(policy: PolicySnapshot) -> None:
    entry = policy.parameter("youth_fund.min_wait_years").entries[0]
    with pytest.raises(AttributeError):
        entry.value = 1  # type: ignore[misc]


def test_table_values_are_read_only(policy: PolicySnapshot) -> None:
    caps = policy.resolve("youth_fund.caps", parse_jalali("1403/01/01")).value
    with pytest.raises(TypeError):
        caps[3] = {}
    with pytest.raises(TypeError):
        caps[3]["tier_1"] = 1
