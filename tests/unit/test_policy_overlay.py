"""Overlays: what-if variants and proposed changes applied to the shipped parameter tree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tashilat.domain.jalali import parse_jalali
from tashilat.policy import PolicyValidationError, default_policy
from tashilat.policy.overlay import load_overlay, parse_overlay, snapshot_with

D1403 = parse_jalali("1403/06/01")


def _overlay(params: dict[str, object]) -> dict[str, object]:
    return {"name": "test", "parameters": params}


def test_a_value_with_a_new_start_date_is_added_and_resolves_from_then() -> None:
    ov = parse_overlay(
        _overlay(
            {
                "youth_fund.min_wait_years": {
                    "values": [
                        {
                            "since": "1404/01/01",
                            "value": 4,
                            "status": "illustrative",
                            "note": "a fourth year",
                        }
                    ]
                }
            }
        )
    )
    snap = snapshot_with([ov])
    assert snap.resolve("youth_fund.min_wait_years", D1403).value == 3
    assert snap.resolve("youth_fund.min_wait_years", parse_jalali("1404/02/01")).value == 4
    # the shipped snapshot is untouched, and the variant hashes differently
    assert (
        default_policy().resolve("youth_fund.min_wait_years", parse_jalali("1404/02/01")).value == 3
    )
    assert snap.hash != default_policy().hash


def test_a_value_with_the_same_start_date_replaces_it() -> None:
    ov = parse_overlay(
        _overlay(
            {
                "youth_fund.min_wait_years": {
                    "values": [{"since": "1403/01/01", "value": 4, "status": "illustrative"}]
                }
            }
        )
    )
    snap = snapshot_with([ov])
    resolved = snap.resolve("youth_fund.min_wait_years", D1403)
    assert resolved.value == 4
    assert resolved.provenance.status.value == "illustrative"
    assert len(snap.parameter("youth_fund.min_wait_years").entries) == 2


def test_an_unknown_parameter_is_refused_by_name() -> None:
    ov = parse_overlay(
        _overlay(
            {
                "youth_fund.no_such": {
                    "values": [{"since": "1403/01/01", "value": 1, "status": "assumed"}]
                }
            }
        )
    )
    with pytest.raises(PolicyValidationError) as exc:
        snapshot_with([ov])
    assert [f.code for f in exc.value.findings] == ["overlay.unknown_parameter"]


def test_an_overlay_breaking_the_rules_gets_the_policy_checks_findings() -> None:
    # a seed value without its source article and quote is refused, as in `policy check`
    ov = parse_overlay(
        _overlay(
            {
                "youth_fund.min_wait_years": {
                    "values": [{"since": "1404/01/01", "value": 2, "status": "seed"}]
                }
            }
        )
    )
    with pytest.raises(PolicyValidationError) as exc:
        snapshot_with([ov])
    assert exc.value.findings
    assert all(f.path.startswith("youth_fund.min_wait_years") for f in exc.value.findings)


@pytest.mark.parametrize(
    "doc",
    [
        [1, 2],
        {"name": "x"},
        {"parameters": {"a.b": {"values": []}}},
        {"parameters": {"a.b": 3}},
        {"parameters": {"a.b": {"values": [1]}}, "extra": 1},
    ],
)
def test_malformed_overlays_are_refused(doc: object) -> None:
    with pytest.raises(PolicyValidationError):
        parse_overlay(doc)


def test_overlays_load_from_yaml_files(tmp_path: Path) -> None:
    f = tmp_path / "v.yaml"
    f.write_text(
        "name: four years\nname_fa: چهار سال\nparameters:\n  youth_fund.min_wait_years:\n"
        "    values:\n      - since: 1403/01/01\n        value: 4\n        status: illustrative\n",
        encoding="utf-8",
    )
    ov = load_overlay(f)
    assert ov.name == "four years" and ov.name_fa == "چهار سال"
    assert ov.paths == ("youth_fund.min_wait_years",)
    assert snapshot_with([ov]).resolve("youth_fund.min_wait_years", date(2024, 9, 1)).value == 4
    with pytest.raises(PolicyValidationError):
        load_overlay(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("a: [", encoding="utf-8")
    with pytest.raises(PolicyValidationError):
        load_overlay(tmp_path / "bad.yaml")


def test_scale_caps_multiplies_every_dated_cap_and_validates() -> None:
    from tashilat.domain.errors import InvalidInput
    from tashilat.policy.overlay import scale_caps

    snap = snapshot_with([scale_caps(125)])
    caps = snap.resolve("youth_fund.caps", D1403)
    assert caps.value[3]["tier_1"] == 20_000_000_000  # 16,000,000,000 × 125%
    assert caps.value[10]["tier_2"] == 39_375_000_000  # 31,500,000,000 × 125%
    assert caps.provenance.status.value == "illustrative"
    old = snap.resolve("youth_fund.caps", parse_jalali("1398/01/01")).value
    assert old[5]["tier_3"] == 762_500_000  # 610,000,000 × 125%
    assert default_policy().resolve("youth_fund.caps", D1403).value[3]["tier_1"] == 16 * 10**9
    with pytest.raises(InvalidInput):
        scale_caps(0)
