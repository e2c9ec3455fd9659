"""``tashilat youth-fund plan`` with the loan and ``youth-fund target``, end to end through
the real command (a subprocess, as a person runs it)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

PLAN = ("youth-fund", "plan", "--opened", "1403/01/15", "--tier", "1", "--follow-table")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tashilat", *args], capture_output=True, text=True, timeout=120
    )


def run_json(*args: str) -> Any:
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_plan_json_gains_the_loan_of_every_year_from_the_minimum_wait() -> None:
    data = run_json(*PLAN)
    y = {row["year"]: row for row in data["years"]}
    assert y[2]["loan"] is None
    assert y[3]["loan"] == {
        "kind": "purchase",
        "principal_rial": 16_000_000_000,
        "rate_percent": "9",
        "months": 240,
        "method": "simple",
        "step_percent": None,
        "first_instalment_rial": 143_956_153,
        "max_instalment_rial": 143_956_153,
        "total_repayable_rial": 34_549_476_679,
        "income_rial": None,
        "burden_percent": None,
        "over_limit": None,
    }
    stepwise = next(x for x in y[3]["loans"] if x["method"] == "stepwise")
    assert stepwise["first_instalment_rial"] == 116_698_078
    assumed = {w["parameter"] for w in data["warnings"] if w["status"] == "assumed"}
    assert {"youth_fund.loan.rate_percent", "youth_fund.loan.max_term_months"} <= assumed


def test_plan_with_a_minimum_wage_household_states_the_burden() -> None:
    data = run_json(*PLAN, "--minimum-wage-children", "۲", "--method", "stepwise")
    loan = data["years"][2]["loan"]
    assert loan["method"] == "stepwise"
    assert loan["income_rial"] == 160_691_616
    assert loan["burden_percent"] == "72.62"  # 116,698,078 / 160,691,616
    burden = next(r for r in data["reasons"] if r["code"] == "plan.burden")
    assert "72.62%" in burden["message_en"] and "30%" in burden["message_en"]


def test_plan_with_an_income_in_persian_digits() -> None:
    data = run_json(*PLAN, "--income", "۵۰۰٬۰۰۰٬۰۰۰")
    assert data["years"][2]["loan"]["burden_percent"] == "28.79"
    assert data["income_source"] == "given"


def test_plan_refuses_a_bad_kind_with_exit_2_and_json() -> None:
    r = run(*PLAN, "--kind", "rent", "--json")
    assert r.returncode == 2
    assert json.loads(r.stdout)["code"] == "plan.loan_kind"


def test_target_by_year_gives_the_least_deposits() -> None:
    data = run_json(
        "youth-fund",
        "target",
        "--opened",
        "1403/01/15",
        "--city",
        "تهران",
        "--cap",
        "--by-year",
        "3",
    )
    assert data["outcome"] == "found"
    assert (data["monthly_rial"], data["lump_sum_rial"]) == (20_908_109, 386_800_000)
    assert data["city"].startswith("تهران")


def test_target_first_year_of_a_monthly_deposit() -> None:
    data = run_json(
        "youth-fund",
        "target",
        "--opened",
        "1403/01/15",
        "--tier",
        "1",
        "--amount",
        "16000000000",
        "--monthly",
        "15000000",
    )
    assert (data["year"], data["loan_from"]) == (6, "1409/01/15")


def test_target_never_reached_is_null_with_the_reason() -> None:
    data = run_json(
        "youth-fund",
        "target",
        "--opened",
        "1403/01/15",
        "--tier",
        "1",
        "--cap",
        "--monthly",
        "10000000",
    )
    assert data["outcome"] == "unreachable" and data["year"] is None
    assert data["reasons"][0]["code"] == "target.never"


def test_target_input_errors_exit_2() -> None:
    base = ("youth-fund", "target", "--opened", "1403/01/15", "--tier", "1")
    for args, code in (
        (("--cap", "--by-year", "2"), "target.year"),
        (("--by-year", "3"), "target.amount_or_cap"),
        (("--cap", "--by-year", "3", "--monthly", "20000000"), "target.mode"),
        (("--cap", "--monthly", "5000000"), "youth_fund.opening_deposit_too_low"),
        (("--amount", "-5", "--by-year", "3"), None),
    ):
        r = run(*base, *args, "--json")
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        if code:
            assert json.loads(r.stdout)["code"] == code
