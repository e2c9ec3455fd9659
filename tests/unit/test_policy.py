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


def test_a_seed_value_must_cite_an_article_of_the_source_page(tree: Path) -> None:
    def web_link(d: dict) -> None:  # type: ignore[type-arg]
        d["min_wait_years"]["values"][1]["source"] = "https://example.org/news"

    edit(tree, "youth_fund.yaml", web_link)
    findings = check_policy(tree)
    assert [(f.path, f.code) for f in findings] == [
        ("youth_fund.min_wait_years[1]", "seed.reference")
    ]
    assert "source article §0.N (docs/rules.md)" in findings[0].message_en


def test_a_seed_value_without_a_quote_is_rejected(tree: Path) -> None:
    edit(tree, "wages.yaml", lambda d: d["housing_allowance"]["values"][0].pop("quote"))
    assert [(f.path, f.code) for f in check_policy(tree)] == [
        ("wages.housing_allowance[0]", "seed.quote")
    ]


def test_a_seed_cell_in_a_sourced_table_needs_its_own_reference(tree: Path) -> None:
    def seed_cell(d: dict) -> None:  # type: ignore[type-arg]
        d["caps"]["values"][4]["value"][15]["tier_1"]["status"] = "seed"

    edit(tree, "youth_fund.yaml", seed_cell)
    assert {f.code for f in check_policy(tree)} == {"seed.reference", "seed.quote"}


def test_shipped_seed_values_quote_the_source_page(policy: PolicySnapshot) -> None:
    seeds = {
        (p.path, e.since): e.quote
        for p in policy
        for e in p.entries
        if e.provenance.status is Status.SEED
    }
    assert seeds  # the 1403 figures of the article are seed
    assert all(seeds.values())
    assert seeds[("youth_fund.min_opening_deposit", parse_jalali("1403/01/01"))] == (
        "حداقل مبلغ برای افتتاح حساب صندوق پسانداز مسکن جوانان، ۱۰ میلیون ریال است"
    )


def test_statuses_the_source_page_does_not_support_are_not_seed(policy: PolicySnapshot) -> None:
    on = parse_jalali("1402/06/22")
    assert policy.resolve("construction.law", on).provenance.status is Status.SOURCED
    before_1403 = parse_jalali("1402/01/01")
    threshold = policy.resolve("youth_fund.tier_population_threshold", before_1403)
    assert threshold.provenance.status is Status.ASSUMED


def test_open_questions_are_kept_in_the_data(policy: PolicySnapshot) -> None:
    ids = {q.id for q in policy.open_questions}
    assert {"6.1", "6.2", "6.3", "6.6", "6.7"} <= ids
    assert [q.id for q in policy.questions_for("construction.worker_base")] == ["6.6"]


def test_an_open_question_naming_an_unknown_parameter_is_rejected(tree: Path) -> None:
    edit(
        tree,
        "finance.yaml",
        lambda d: d["open_questions"][0].update(parameters=["finance.no_such"]),
    )
    assert [f.code for f in check_policy(tree)] == ["open_question.unknown_parameter"]


def test_a_malformed_open_question_is_rejected(tree: Path) -> None:
    edit(tree, "finance.yaml", lambda d: d["open_questions"][0].pop("question_fa"))
    assert [f.code for f in check_policy(tree)] == ["format.open_question"]


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
