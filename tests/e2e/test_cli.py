"""End to end through the real ``tashilat`` command (a subprocess, as a person runs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tashilat.policy import default_root


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tashilat", *args], capture_output=True, text=True, timeout=120
    )


def run_json(*args: str) -> Any:
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def years(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {y["year"]: y for y in data["years"]}


class TestYouthFundPlan:
    def test_1403_tehran_following_the_table(self) -> None:
        data = run_json(
            "youth-fund", "plan", "--opened", "1403/01/15", "--tier", "1", "--follow-table"
        )
        y = years(data)
        assert not y[1]["eligible"] and not y[2]["eligible"]
        assert y[1]["cap_rial"] is None
        assert y[3]["entitlement_rial"] == 16_000_000_000 and y[3]["eligible"]
        assert y[10]["entitlement_rial"] == 37_000_000_000
        assert data["cohort"] == 1403 and data["tier"] == 1
        assert (data["min_wait_years"], data["max_wait_years"]) == (3, 10)
        assert len(data["policy_hash"]) == 64
        illustrative = [w for w in data["warnings"] if w["code"] == "policy.illustrative"]
        assert illustrative[0]["parameter"] == "youth_fund.deposit_table"
        assert set(illustrative[0]) >= {"code", "message_fa", "message_en", "parameter"}
        assert set(y[3]) >= {
            "year",
            "ends_on",
            "average_rial",
            "reference_average_rial",
            "cap_rial",
            "entitlement_rial",
            "eligible",
        }

    def test_tier_2_notes_the_correction(self) -> None:
        data = run_json(
            "youth-fund", "plan", "--opened", "1403/01/15", "--tier", "2", "--follow-table"
        )
        assert years(data)[10]["entitlement_rial"] == 31_500_000_000
        corrected = [w for w in data["warnings"] if w["code"] == "policy.corrected"]
        assert corrected and "53.1" in corrected[0]["message_en"]

    def test_half_the_table_gives_half(self) -> None:
        data = run_json(
            "youth-fund",
            "plan",
            "--opened",
            "1403/01/15",
            "--tier",
            "1",
            "--follow-table",
            "--share",
            "50",
        )
        assert years(data)[3]["entitlement_rial"] == 8_000_000_000

    def test_persian_digits_and_a_city_name(self) -> None:
        data = run_json(
            "youth-fund", "plan", "--opened", "۱۴۰۳/۰۱/۱۵", "--city", "تهران", "--follow-table"
        )
        assert data["tier"] == 1
        assert years(data)[3]["entitlement_rial"] == 16_000_000_000

    def test_human_output_has_separators_toman_and_persian_digits(self) -> None:
        r = run(
            "youth-fund",
            "plan",
            "--opened",
            "1403/01/15",
            "--tier",
            "1",
            "--follow-table",
            "--digits",
            "fa",
        )
        assert r.returncode == 0, r.stderr
        assert "۱۶٬۰۰۰٬۰۰۰٬۰۰۰" in r.stdout
        assert "تومان" in r.stdout
        r = run("youth-fund", "plan", "--opened", "1403/01/15", "--tier", "1", "--follow-table")
        assert "16,000,000,000 (1,600,000,000 toman)" in r.stdout


class TestErrors:
    @pytest.mark.parametrize(
        ("args", "needle"),
        [
            (
                ["youth-fund", "plan", "--opened", "1403/13/40", "--tier", "1", "--follow-table"],
                "date",
            ),
            (
                ["youth-fund", "plan", "--opened", "1403/01/15", "--tier", "1", "--monthly", "-5"],
                "negative",
            ),
            (
                [
                    "youth-fund",
                    "plan",
                    "--opened",
                    "1403/01/15",
                    "--city",
                    "Atlantis",
                    "--follow-table",
                ],
                "Atlantis",
            ),
            (
                ["youth-fund", "plan", "--opened", "1403/01/15", "--tier", "4", "--follow-table"],
                "tier",
            ),
            (
                ["loan", "schedule", "--principal", "-1", "--rate", "9", "--months", "12"],
                "negative",
            ),
            (
                ["loan", "schedule", "--principal", "1000", "--rate", "x", "--months", "12"],
                "not a number",
            ),
            (
                [
                    "loan",
                    "schedule",
                    "--principal",
                    "1000",
                    "--rate",
                    "9",
                    "--months",
                    "12",
                    "--method",
                    "magic",
                ],
                "magic",
            ),
            (["policy", "show", "youth_fund.nothing"], "youth_fund.nothing"),
        ],
    )
    def test_bad_input_is_a_bilingual_error_not_a_traceback(
        self, args: list[str], needle: str
    ) -> None:
        r = run(*args)
        assert r.returncode != 0
        assert "Traceback" not in r.stderr
        assert needle in r.stderr
        assert "خطا" in r.stderr


class TestLoanSchedule:
    def test_simple_600_million(self) -> None:
        data = run_json(
            "loan",
            "schedule",
            "--principal",
            "600000000",
            "--rate",
            "17.5",
            "--months",
            "144",
            "--method",
            "simple",
        )
        inst = data["instalments"]
        assert len(inst) == 144
        assert {i["amount_rial"] for i in inst[:-1]} == {9_992_322}
        assert sum(i["principal_rial"] for i in inst) == 600_000_000
        assert inst[-1]["balance_rial"] == 0
        assert data["total_rial"] == sum(i["amount_rial"] for i in inst)
        assert set(inst[0]) == {
            "number",
            "due",
            "amount_rial",
            "principal_rial",
            "profit_rial",
            "balance_rial",
        }

    def test_stepwise_vector(self) -> None:
        data = run_json(
            "loan",
            "schedule",
            "--principal",
            "۵٬۵۰۰٬۰۰۰٬۰۰۰",
            "--rate",
            "18",
            "--months",
            "240",
            "--method",
            "stepwise",
            "--step",
            "3",
            "--start",
            "1403/01/01",
        )
        inst = data["instalments"]
        assert inst[0]["amount_rial"] == 73_577_189
        assert inst[-2]["amount_rial"] == 129_018_046
        assert abs(data["total_rial"] - 23_724_559_458) < 1_000
        assert inst[0]["due"] == "1403/02/01"

    def test_fee_schedule_is_labelled_fee(self) -> None:
        r = run(
            "loan",
            "schedule",
            "--principal",
            "1500000000",
            "--rate",
            "4",
            "--months",
            "84",
            "--method",
            "fee",
            "--grace",
            "6",
        )
        assert r.returncode == 0, r.stderr
        assert "کارمزد" in r.stdout


class TestPolicyCommands:
    def test_check_passes_on_the_shipped_tree(self) -> None:
        r = run("policy", "check")
        assert r.returncode == 0, r.stderr
        assert "OK" in r.stdout

    def test_check_fails_on_the_misprinted_copy(self, tmp_path: Path) -> None:
        root = tmp_path / "parameters"
        shutil.copytree(default_root(), root)
        f = root / "youth_fund.yaml"
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        data["caps"]["values"][-1]["value"][10]["tier_2"] = 53_100_000_000
        f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        r = run("policy", "check", str(root))
        assert r.returncode == 1
        assert "tier order" in r.stderr and "53,100,000,000" in r.stderr

    def test_show_a_parameter_on_a_date(self) -> None:
        data = run_json("policy", "show", "youth_fund.min_wait_years", "--on", "۱۴۰۳/۰۵/۰۱")
        assert data["values"] == [
            {
                "since": "1403/01/01",
                "value": 3,
                "status": "seed",
                "source": "source article §0.2 (docs/rules.md)",
                "quote": data["values"][0]["quote"],
                "note": None,
                "cells": {},
            }
        ]
        assert "از پنج سال به سه سال" in data["values"][0]["quote"]

    def test_check_fails_on_a_seed_value_without_its_quote(self, tmp_path: Path) -> None:
        root = tmp_path / "parameters"
        shutil.copytree(default_root(), root)
        f = root / "youth_fund.yaml"
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        del data["min_wait_years"]["values"][1]["quote"]
        f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        r = run("policy", "check", str(root))
        assert r.returncode == 1
        assert "must quote the source article" in r.stderr

    def test_show_displays_the_open_questions_of_a_parameter(self) -> None:
        data = run_json("policy", "show", "construction.worker_base")
        assert [q["id"] for q in data["open_questions"]] == ["6.6"]
        r = run("policy", "show", "construction.worker_base")
        assert r.returncode == 0 and "6.6" in r.stdout

    def test_show_lists_cell_statuses(self) -> None:
        r = run("policy", "show", "youth_fund.caps", "--on", "1403/08/01")
        assert r.returncode == 0
        assert "corrected" in r.stdout and "eghtesaad24" in r.stdout


class TestEntitlementCommand:
    def test_a_real_history_before_the_wait(self) -> None:
        data = run_json(
            "youth-fund",
            "entitlement",
            "--opened",
            "1403/01/15",
            "--on",
            "1404/06/01",
            "--tier",
            "1",
            "--deposit",
            "1403/01/15=20000000",
            "--deposit",
            "1403/03/01=-5000000",
        )
        assert data["outcome"] == "not_yet_eligible"
        assert data["eligible_on"] == "1406/01/15"
        assert data["cap_rial"] == 16_000_000_000

    def test_a_city_whose_name_repeats_takes_a_province(self) -> None:
        args = ["--opened", "1403/01/15", "--on", "1406/02/01", "--deposit", "1403/01/15=10000000"]
        centre = run_json("youth-fund", "entitlement", *args, "--city", "Khorramabad")
        assert centre["tier"] == 2 and "Lorestan" in centre["city"]
        other = run_json(
            "youth-fund", "entitlement", *args, "--city", "خرم آباد", "--province", "مازندران"
        )
        assert other["tier"] == 3 and "Mazandaran" in other["city"]
        r = run("youth-fund", "plan", "--opened", "1403/01/15", "--city", "Baladeh")
        assert r.returncode == 2 and "Give the province too" in r.stderr, r.stderr

    @pytest.mark.parametrize(
        ("deposits", "words"),
        [
            (["1403/01/15=9999999"], ["9,999,999", "10,000,000"]),
            (["1403/01/15=20000000", "1403/03/01=-15000000"], ["Movement 2", "1403/03/01"]),
            (["1403/01/15=20000000", "1403/03/01=-25000000"], ["Movement 2", "negative"]),
            (["1403/02/01=20000000"], ["no deposit on the opening day"]),
        ],
    )
    def test_a_history_the_bank_would_refuse(self, deposits: list[str], words: list[str]) -> None:
        args = ["--opened", "1403/01/15", "--on", "1406/02/01", "--tier", "1"]
        for d in deposits:
            args += ["--deposit", d]
        r = run("youth-fund", "entitlement", *args)
        assert r.returncode == 2, r.stdout
        assert all(w in r.stderr for w in words), r.stderr
        assert "Traceback" not in r.stderr and "خطا" in r.stderr
